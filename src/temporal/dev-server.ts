import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import type { TemporalSettings } from './connection';
import { assertPortFree, waitForPort } from '../ports';
import { spawnChild } from '../processes';
import { temporalCli } from './binaries';
import { cliTypeName } from './connection';

/**
 * Starts `temporal server start-dev` with its state in a SQLite file under the data dir, the web
 * UI, and the case search attributes registered. Resolves once the frontend accepts connections.
 * Its command line names `t.dbFile`, which tells it from other dev servers (see `RunFile`).
 * Tests pass `extraArgs` (dynamic config, say).
 */
export async function startDevServer(t: TemporalSettings, extraArgs: string[] = []): Promise<ChildProcess> {
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
  // It dies with whoever started it: a test or a start killed outright leaves no server behind.
  const child = spawnChild(temporalCli(t.cliPath), args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`Temporal dev server exited with code ${code}`))),
  );
  await Promise.race([waitForFrontend(`127.0.0.1:${t.port}`, 60_000), exited]);
  exited.catch(() => {});
  return child;
}

/**
 * The port opens before the frontend is ready ("Frontend is not healthy yet"): wait until it
 * answers a call, so a client connecting next does not race it.
 */
async function waitForFrontend(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await waitForPort(Number(address.split(':')[1]), timeoutMs);
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
