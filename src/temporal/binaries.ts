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

/**
 * The time-skipping test server's known fault (temporalio/sdk-java#2606, #3088; a fix is proposed
 * in #3060): a timer that fires while a workflow task is in flight, and that the task's completion
 * cancels, makes the server refuse the completion and never give the run another task; the run
 * and the server's clock stop there for good. The real server records the cancel. Core's worker
 * logs this text when it happens (at WARN, from `temporalio_sdk_core::worker::workflow`).
 */
export const TEST_SERVER_REFUSAL = 'invalid history builder state for action';
export const TEST_SERVER_REFUSAL_NOTE =
  'The time-skipping test server refused a workflow task completion that cancels a timer which fired meanwhile ' +
  '(temporalio/sdk-java#2606): this run stops here.';

/** The time-skipping test server: TEMPORAL_TEST_SERVER_PATH, else the venv's. */
export function temporalTestServer(explicit = process.env.TEMPORAL_TEST_SERVER_PATH): string {
  const found = explicit || onPath('temporal-test-server') || path.join(VENV_BIN, 'temporal-test-server');
  if (!executable(found)) {
    throw new Error(`No Temporal test server at ${found}: run \`npm run setup\` or set TEMPORAL_TEST_SERVER_PATH.`);
  }
  return found;
}
