import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../db/target';

const VENV_BIN = path.join(ROOT, '.venv', 'bin');

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && executable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The Temporal CLI: TEMPORAL_CLI_PATH, else `temporal` on PATH, else the one
 * `scripts/setup.sh` installed into the project's venv.
 */
export function temporalCli(explicit = process.env.TEMPORAL_CLI_PATH): string {
  const found = explicit || onPath('temporal') || path.join(VENV_BIN, 'temporal');
  if (!executable(found)) {
    throw new Error(`No Temporal CLI at ${found}: run \`npm run setup\` or set TEMPORAL_CLI_PATH.`);
  }
  return found;
}

/** The time-skipping test server: TEMPORAL_TEST_SERVER_PATH, else the venv's. */
export function temporalTestServer(explicit = process.env.TEMPORAL_TEST_SERVER_PATH): string {
  const found = explicit || onPath('temporal-test-server') || path.join(VENV_BIN, 'temporal-test-server');
  if (!executable(found)) {
    throw new Error(`No Temporal test server at ${found}: run \`npm run setup\` or set TEMPORAL_TEST_SERVER_PATH.`);
  }
  return found;
}
