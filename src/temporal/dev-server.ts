import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import type { Config } from '../config';
import { assertPortFree, waitForPort } from '../ports';
import { temporalCli } from './binaries';
import { cliTypeName } from './connection';

/**
 * Starts `temporal server start-dev` with its state in a SQLite file under the data dir, the web
 * UI, and the case search attributes registered. Resolves once the frontend accepts connections.
 * Tests pass `extraArgs` (dynamic config, say).
 */
export async function startDevServer(t: Config['temporal'], extraArgs: string[] = []): Promise<ChildProcess> {
  await assertPortFree(t.port, 'the Temporal server', 'TEMPORAL_PORT');
  await assertPortFree(t.uiPort, 'the Temporal UI', 'TEMPORAL_UI_PORT');
  mkdirSync(path.dirname(t.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(t.port),
    '--ui-port',
    String(t.uiPort),
    '--db-filename',
    t.dbFile,
    '--namespace',
    t.namespace,
    '--log-level',
    'error',
    ...CASE_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeName(key)}`]),
    ...extraArgs,
  ];
  const child = spawn(temporalCli(t.cliPath), args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Temporal dev server exited with code ${code}`))),
  );
  await Promise.race([waitForPort(t.port, 60_000), exited]);
  exited.catch(() => {});
  return child;
}
