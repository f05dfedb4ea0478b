import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ROOT } from '../db/target';
import { FAILURE_CONVERTER_PATH } from './encryption';

const WORKFLOWS_DIR = path.join(ROOT, 'workflows');

/** A hash of the workflow sources and the locked dependencies the bundle is built from. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(WORKFLOWS_DIR, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.ts')) hash.update(file).update(readFileSync(path.join(WORKFLOWS_DIR, file)));
  }
  hash.update(readFileSync(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The workflow bundle, built once per source version and cached under the data dir, so a
 * worker restart does not pay for webpack again.
 */
export async function workflowBundlePath(cacheDir: string): Promise<string> {
  const file = path.join(cacheDir, `workflow-bundle-${sourceHash()}.js`);
  if (!existsSync(file)) {
    const code = await bundleWorkflows(WORKFLOWS_DIR);
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed, so a worker starting beside us never reads half a bundle.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return file;
}

/** The workflows in `dir` bundled as the worker runs them: its interceptors and failure converter in. */
export async function bundleWorkflows(dir: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve(dir),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    workflowInterceptorModules: [require.resolve(path.join(dir, 'interceptors'))],
    logger: quietLogger,
  });
  return code;
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
