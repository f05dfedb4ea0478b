/**
 * `npm start`: runs the product. On embedded defaults it starts the Temporal dev server (state
 * under the data dir, web UI), the SQLite database (migrated, seeded when empty) and the SMTP
 * sink, then the worker and the admin API. With TEMPORAL_ADDRESS, DATABASE_URL and SMTP_HOST
 * pointing at existing services it starts only the worker and the API.
 *
 * This process supervises: the dev server, the worker and the API are child processes, each
 * started again when it dies and each dying with it (src/processes.ts). `--only` runs one part
 * in this process, as the supervisor runs it and as a deployment would.
 *
 *   node --import tsx src/start.ts [--only worker|api]
 */
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { CARD_NETWORK_STAFF, DEMO_BANK, seed } from '../prisma/seed';
import { createApp } from './api/app';
import { closeGracefully } from './api/shutdown';
import { loadConfig, type Config } from './config';
import { jwtVerifier } from './auth/jwt';
import { oidcSignIn } from './auth/oidc';
import { issueToken } from './auth/tokens';
import { createDb, type Db } from './db/client';
import { migrate } from './db/migrate';
import { startMailSink } from './notifications/mail-sink';
import { startSmsSink } from './notifications/sms-sink';
import { startNetworkSimulator } from './network/simulator';
import { secureDataDir } from './data-dir';
import { log } from './log';
import { assertPortFree } from './ports';
import { connectClient } from './temporal/connection';
import { assertNamespaceReady } from './temporal/bootstrap';
import { EncryptionCodec } from './temporal/codec';
import { startDevServer } from './temporal/dev-server';
import { loadPayloadKeys } from './temporal/encryption';
import { diskDocumentStore } from './self-service/documents';
import { loadLinkKey } from './self-service/links';
import { DEFAULT_CASE_SETTINGS } from '../workflows/domain/case-policy';
import { childEnded, RunFile, spawnChild, stopChild, stopProcess } from './processes';
import { Supervisor } from './supervisor';
import { startMetricsServer } from './metrics/endpoint';
import { deliveryChannels, installWorkerRuntime, runWorker, startWorkerHealth, type RunningWorker } from './worker';

type Role = 'all' | 'worker' | 'api';

/**
 * The Temporal SDK's own lines (worker state, activity failures) go to the same JSON log; a worker
 * process also exports the SDK's metrics (see `installWorkerRuntime`). Returns where they are read.
 */
async function installRuntime(role: Role): Promise<string | null> {
  const levels = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  const options = {
    logger: new DefaultLogger('INFO', (entry) => log[levels[entry.level]]({ ...entry.meta }, entry.message)),
    // Ctrl-C is ours to handle: the worker stops in order with the rest, and is not restarted.
    shutdownSignals: [],
  };
  if (role === 'worker') return installWorkerRuntime(options);
  Runtime.install(options);
  return null;
}

/** This script, as the parts are started with it. */
const PART_SCRIPT = process.argv[1];
/** What the command line of each process of a run contains, given by a path absolute or not. */
const RUN_MARKER = 'src/start.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const role = (values.only ?? 'all') as Role;
  if (!['all', 'worker', 'api'].includes(role)) throw new Error(`--only must be worker or api, got "${role}"`);
  const sdkMetricsUrl = await installRuntime(role);
  const config = loadConfig();
  const stops: (() => Promise<unknown>)[] = [];
  const shutdown = async (code: number) => {
    for (const stop of stops.reverse()) await stop().catch((e: Error) => console.error(e.message));
    process.exit(code);
  };
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    void shutdown(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (role === 'all') console.log('\nStopping…');
      stop(0);
    });
  }
  // A part `npm start` runs stops when its supervisor is gone, whichever way it went.
  const supervised = role !== 'all' && typeof process.send === 'function';
  if (supervised) process.on('disconnect', () => stop(0));

  try {
    const started =
      role === 'all'
        ? await runStack(config, stops, () => stop(1))
        : await runPart(role, config, stops, () => stop(1), sdkMetricsUrl);
    if (supervised) {
      process.send!({ ready: true });
      return;
    }
    // One write, so a reader of the output gets the banner and the tokens together.
    console.log(
      `\nProactive Care is running. Ctrl-C stops everything it started.\n\n  ${started.lines.join('\n  ')}\n` +
        (started.tokens ? `\n${started.tokens}` : ''),
    );
  } catch (error) {
    console.error(`\nCould not start: ${(error as Error).message}`);
    stop(1);
  }
}

interface Started {
  /** What to print: where each part answers. */
  lines: string[];
  /** The demo tokens, when issued. */
  tokens?: string;
}

/**
 * `npm start`: the embedded services this process keeps (the dev server as a child, the sinks in
 * process), then the worker and the API as child processes, each restarted when it dies.
 */
async function runStack(config: Config, stops: (() => Promise<unknown>)[], giveUp: () => void): Promise<Started> {
  const lines: string[] = [];
  let tokens = '';
  secureDataDir(config.dataDir);
  const runFile = RunFile.in(config.dataDir);
  await stopWhatTheLastRunLeft(runFile);
  runFile.record('supervisor', { pid: process.pid, marker: RUN_MARKER });

  if (config.temporal.embedded) {
    const server = await Supervisor.run(
      'Temporal dev server',
      async () => {
        // Its UI reads sealed payloads through the API's codec, for those signed in there.
        const child = await startDevServer(config.temporal, ['--ui-codec-endpoint', codecEndpoint(config)]);
        runFile.record('Temporal dev server', { pid: child.pid!, marker: config.temporal.dbFile });
        return { ended: childEnded(child), stop: () => stopChild(child) };
      },
      { onGiveUp: giveUp },
    );
    stops.push(() => server.stop());
    lines.push(`Temporal UI       http://127.0.0.1:${config.temporal.uiPort}`);
  }
  lines.push(BANNER.temporal(config));

  const db = createDb(config.databaseUrl);
  stops.push(() => db.$disconnect());
  const applied = await migrate(db, config.databaseUrl);
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  if (config.embeddedDatabase && (await seed(db, DEMO_BANK)))
    console.log('Seeded the demo bank (Jane is customer cust-jane).');
  if (config.embeddedDatabase) tokens = await issueDemoTokens(db);
  lines.push(
    `Database          ${config.embeddedDatabase ? config.databaseUrl : config.databaseUrl.replace(/\/\/[^@]*@/, '//…@')}`,
  );

  if (config.mail.embeddedSink) {
    const sink = await startMailSink({
      smtpPort: config.mail.port,
      httpPort: config.mail.sinkHttpPort,
      file: config.mail.sinkFile,
    });
    stops.push(() => sink.close());
    lines.push(
      `Mail sink         http://127.0.0.1:${config.mail.sinkHttpPort} (SMTP on 127.0.0.1:${config.mail.port})`,
    );
  }

  if (config.sms.embeddedSink && config.sms.provider) {
    const { sinkPort, sinkFile, provider } = config.sms;
    const sink = await startSmsSink({
      port: sinkPort,
      file: sinkFile,
      apiKey: provider.apiKey,
      apiSecret: provider.apiSecret,
    });
    stops.push(() => sink.close());
    lines.push(`SMS sink          ${sink.url} (Vonage's SMS API at /sms/json)`);
  }

  if (config.network.embeddedSimulator) {
    // The simulator answers as the network's system; a database seeded before it existed gains it.
    await db.staff.upsert({ where: { id: CARD_NETWORK_STAFF.id }, create: CARD_NETWORK_STAFF, update: {} });
    await db.staffToken.updateMany({
      where: { staffId: CARD_NETWORK_STAFF.id, label: 'simulator', revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const { token } = await issueToken(db, CARD_NETWORK_STAFF.id, { days: 365, label: 'simulator' });
    const simulator = await startNetworkSimulator({
      port: config.network.simulatorPort,
      file: config.network.simulatorFile,
      apiKey: config.network.apiKey,
      feed: { url: `http://${browserHost(config)}:${config.api.port}`, token: () => token },
      answerAfterMs: config.network.answerAfterMs,
    });
    stops.push(() => simulator.close());
    lines.push(`Network simulator ${simulator.url} (filings at /filings; answers through /feed/network-events)`);
  }

  // Made here, once: two parts starting together would each make a key of their own.
  loadPayloadKeys(config.temporal.payloadKeys);
  // The worker is given longer to stop: it lets the activities it runs finish.
  const [worker, api] = await Promise.all([
    superviseProcess('worker', runFile, giveUp, 30_000),
    superviseProcess('api', runFile, giveUp, 10_000),
  ]);
  // Stopped first (stops run in reverse): requests in flight are answered before the rest goes.
  stops.push(
    () => worker.stop(),
    () => api.stop(),
  );
  lines.push(BANNER.worker(config), BANNER.api(config));
  if (config.temporal.embedded) {
    lines.push(
      `Codec sign-in     ${codecEndpoint(config)}/sign-in  (an auditor's or admin's token: decoded cases in the UI)`,
    );
  }
  return { lines, tokens };
}

/**
 * Refuses to share the data dir with a start still running, and stops what a start killed
 * outright left behind (where its children could not be made to die with it).
 */
async function stopWhatTheLastRunLeft(runFile: RunFile): Promise<void> {
  const survivors = runFile.survivors();
  const running = survivors.find(([part]) => part === 'supervisor');
  if (running) {
    throw new Error(
      `Proactive Care already runs on this data dir (pid ${running[1].pid}); stop it first, or set DATA_DIR for another.`,
    );
  }
  for (const [part, { pid }] of survivors) {
    await stopProcess(pid);
    console.log(`Stopped the ${part} (pid ${pid}) an earlier run left behind.`);
  }
}

/** The worker or the API as a child process running `start.ts --only <part>`, restarted when it dies. */
function superviseProcess(
  part: 'worker' | 'api',
  runFile: RunFile,
  giveUp: () => void,
  graceMs: number,
): Promise<Supervisor> {
  const name = part === 'api' ? 'API' : 'worker';
  return Supervisor.run(
    name,
    async () => {
      const child = spawnChild(process.execPath, [...process.execArgv, PART_SCRIPT, '--only', part], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      runFile.record(name, { pid: child.pid!, marker: RUN_MARKER });
      await untilReady(child, name);
      return { ended: childEnded(child), stop: () => stopChild(child, graceMs) };
    },
    { onGiveUp: giveUp },
  );
}

/** A part that is not ready by then is stuck, not slow (the worker's first bundle takes a minute at most). */
const READY_WITHIN_MS = 5 * 60_000;

/** Resolves when the part says it is ready; rejects (and stops it) if it exits first or takes too long. */
function untilReady(child: ChildProcess, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const late = setTimeout(() => {
      reject(new Error(`the ${name} was not ready within ${READY_WITHIN_MS / 60_000} minutes`));
      void stopChild(child);
    }, READY_WITHIN_MS);
    child.once('message', () => {
      clearTimeout(late);
      resolve();
    });
    void childEnded(child).then((why) => {
      clearTimeout(late);
      reject(new Error(`the ${name} ${why} while starting`));
    });
  });
}

/** One part of the stack in this process: the worker or the API, on services that run already. */
async function runPart(
  role: 'worker' | 'api',
  config: Config,
  stops: (() => Promise<unknown>)[],
  giveUp: () => void,
  sdkMetricsUrl: string | null,
): Promise<Started> {
  const lines: string[] = [BANNER.temporal(config)];
  const db = createDb(config.databaseUrl);
  stops.push(() => db.$disconnect());
  const temporal = await connectClient(config.temporal);
  stops.push(() => temporal.connection.close());
  await assertNamespaceReady(temporal.connection, config.temporal.namespace);

  if (role === 'worker') {
    await assertPortFree(config.worker.healthPort, "the worker's health endpoint", 'WORKER_HEALTH_PORT');
    const channels = deliveryChannels(config);
    stops.push(async () => Object.values(channels).forEach((channel) => channel?.close()));
    let current: RunningWorker | null = null;
    // Within the process, the worker is started again when it fails (Temporal gone a while, say).
    const worker = await Supervisor.run(
      'worker',
      async () => {
        current = null;
        current = await runWorker(config, db, channels);
        return current;
      },
      { onGiveUp: giveUp },
    );
    stops.push(() => worker.stop());
    const health = await startWorkerHealth(
      config.api.host,
      config.worker.healthPort,
      config.temporal.taskQueue,
      () => (current ? current.state() : 'RESTARTING'),
      sdkMetricsUrl,
    );
    stops.push(() => closeGracefully(health));
    lines.push(BANNER.worker(config));
    return { lines };
  }

  await assertPortFree(config.api.port, 'the admin API', 'API_PORT');
  // The API sends customers their one-time codes itself, by the channels their messages use.
  const channels = deliveryChannels(config);
  stops.push(async () => Object.values(channels).forEach((channel) => channel?.close()));
  const server: Server = await new Promise((resolve) => {
    const jwt = config.jwt ? jwtVerifier(config.jwt) : null;
    const app = createApp({
      db,
      temporal,
      taskQueue: config.temporal.taskQueue,
      jwt,
      oidc: config.oidc ? oidcSignIn(config.oidc) : null,
      temporalUi: config.temporalUi,
      rateLimits: config.rateLimits,
      codec: new EncryptionCodec(loadPayloadKeys(config.temporal.payloadKeys), config.temporal.payloadKeys.plaintext),
      codecOrigins: config.api.codecOrigins,
      selfService: {
        linkKey: loadLinkKey(config.customerLinks.key),
        bank: config.notifications,
        channels,
        documents: diskDocumentStore(config.documents.dir),
        casePolicy: { ...DEFAULT_CASE_SETTINGS, ...config.casePolicy },
      },
    });
    const s = app.listen(config.api.port, config.api.host, () => resolve(s));
  });
  stops.push(() => closeGracefully(server));
  if (config.metrics.apiPort !== 0) {
    await assertPortFree(config.metrics.apiPort, "the API's metrics", 'API_METRICS_PORT');
    const metricsServer = await startMetricsServer(config.metrics.host, config.metrics.apiPort);
    stops.push(() => closeGracefully(metricsServer));
  }
  lines.push(BANNER.api(config));
  return { lines };
}

/** The lines that say where a part answers, the same whether the supervisor or the part prints them. */
const BANNER = {
  temporal: (config: Config) => `Temporal server   ${config.temporal.address} (namespace ${config.temporal.namespace})`,
  worker: (config: Config) =>
    `Worker            task queue ${config.temporal.taskQueue}, http://${config.api.host}:${config.worker.healthPort}/healthz and /metrics`,
  api: (config: Config) =>
    `Admin API         http://${config.api.host}:${config.api.port}  (send Authorization: Bearer <token>)\n` +
    `Staff console     http://${browserHost(config)}:${config.api.port}/console  (sign in with a token below)` +
    (config.metrics.apiPort
      ? `\nAPI metrics       http://${config.metrics.host}:${config.metrics.apiPort}/metrics`
      : ''),
};

/** The API's host as a browser on this machine reaches it. */
const browserHost = (config: Config) => (config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host);

/** The API's codec as a browser on this machine reaches it. */
function codecEndpoint(config: Config): string {
  return `http://${browserHost(config)}:${config.api.port}/codec`;
}

/** One seeded member of staff per role, for trying the API by copy and paste. */
const DEMO_STAFF = [
  ['intake agent', 'intake-agent-1'],
  ['agent', 'merchant-disputes-agent-1'],
  ['supervisor', 'merchant-disputes-supervisor'],
  ['care agent', 'care-agent-1'],
  ['care supervisor', 'care-supervisor'],
  ['auditor', 'auditor'],
  ['admin', 'admin'],
  ['card feed', 'card-processor'],
] as const;

/**
 * On embedded defaults: fresh demo tokens for a day, one per role, printed once; the ones an
 * earlier start printed are revoked, so a token lives no longer than the run that showed it.
 */
async function issueDemoTokens(db: Db): Promise<string> {
  await db.staffToken.updateMany({ where: { label: 'demo', revokedAt: null }, data: { revokedAt: new Date() } });
  // A database seeded by an older release may lack a role (the auditor came later).
  const present = await db.staff.findMany({
    where: { id: { in: DEMO_STAFF.map(([, staffId]) => staffId) }, active: true },
    select: { id: true },
  });
  const lines = [];
  for (const [role, staffId] of DEMO_STAFF) {
    if (!present.some((staff) => staff.id === staffId)) continue;
    const { token } = await issueToken(db, staffId, { days: 1, label: 'demo' });
    lines.push(`  ${role.padEnd(16)} ${staffId.padEnd(29)} ${token}`);
  }
  return `Demo tokens (valid one day, revoked at the next start):\n\n${lines.join('\n')}\n`;
}

void main();
