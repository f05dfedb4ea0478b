/**
 * The Temporal servers tests run on, kept quiet: the time-skipping test server, or the real dev
 * server started the way `npm start` starts it (its banner goes nowhere), each with the case
 * search attributes registered.
 */
import { once } from 'node:events';
import path from 'node:path';
import type { ConnectionPlugin } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config';
import { ROOT } from '../../src/db/target';
import { workflowBundlePath } from '../../src/temporal/bundle';
import { temporalTestServer } from '../../src/temporal/binaries';
import { registerSearchAttributes } from '../../src/temporal/connection';
import { CLIENT_INTERCEPTORS } from '../../src/temporal/bound-requests';
import type { Refusal } from '../../src/temporal/codec';
import { dataConverter, parsePayloadKeys } from '../../src/temporal/encryption';
import { startDevServer } from '../../src/temporal/dev-server';
import { tempDir } from './db';
import { freePort } from '../../src/ports';

/** The key tests seal payloads with: a test key everyone can read here, never a bank's. */
export const TEST_PAYLOAD_KEY_ENTRY = `test:${Buffer.alloc(32, 7).toString('base64')}`;
export const TEST_PAYLOAD_KEYS = parsePayloadKeys(TEST_PAYLOAD_KEY_ENTRY, 'the test key');
/** As the API and tools use it; workers pass `mark` (see src/temporal/codec.ts). */
export const testDataConverter = (refusal: Refusal = 'throw') => dataConverter(TEST_PAYLOAD_KEYS, 'refuse', refusal);

export interface TestTemporal {
  env: TestWorkflowEnvironment;
  /** host:port of a dev server, for processes the test starts. */
  address?: string;
  /** The dev server's web UI, when it runs one. */
  uiUrl?: string;
  stop(): Promise<void>;
}

/**
 * The test server (grpc-java) allows a client's keepalive ping once in five minutes while nothing
 * flows; the SDK's connection pings every 30 s. A time-skipping sleep is one long call with no
 * data until it ends, so a sleep that took over a minute was cut by GOAWAY ("excess pings") and
 * retried. The test connection pings within the server's limit.
 */
const pingWithinTestServerLimit: ConnectionPlugin = {
  name: 'ping-within-test-server-limit',
  configureConnection: (options) => ({
    ...options,
    channelArgs: { ...options.channelArgs, 'grpc.keepalive_time_ms': 5 * 60_000 + 10_000 },
  }),
};

export async function timeSkippingTemporal(): Promise<TestTemporal> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
    client: { dataConverter: testDataConverter(), interceptors: CLIENT_INTERCEPTORS },
    plugins: [pingWithinTestServerLimit],
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return { env, stop: () => env.teardown() };
}

/** The dev server on free ports with its state in a temp dir; `extraArgs` go to `start-dev`. */
/** `ui` runs the web UI (its URL in `uiUrl`), with `--ui-codec-endpoint` among the `extraArgs` if wanted. */
export async function devServerTemporal(extraArgs: string[] = [], ui = false): Promise<TestTemporal> {
  const defaults = loadConfig({ TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH }).temporal;
  const port = await freePort();
  const temporal = {
    ...defaults,
    port,
    uiPort: await freePort(),
    dbFile: path.join(tempDir('temporal-'), 'temporal.db'),
  };
  const server = await startDevServer(temporal, [...(ui ? [] : ['--headless']), ...extraArgs]);
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: `127.0.0.1:${port}`,
    client: { dataConverter: testDataConverter(), interceptors: CLIENT_INTERCEPTORS },
  });
  return {
    env,
    address: `127.0.0.1:${port}`,
    uiUrl: ui ? `http://127.0.0.1:${temporal.uiPort}` : undefined,
    async stop() {
      await env.teardown();
      server.kill();
      await once(server, 'exit');
    },
  };
}

/** The workflow bundle every test worker and replay uses, built once per source version. */
export async function testWorkflowBundle(): Promise<{ codePath: string }> {
  return { codePath: await workflowBundlePath(path.join(ROOT, '.data', 'test', 'cache')) };
}
