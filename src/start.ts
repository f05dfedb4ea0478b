/**
 * `npm start`: runs the product. On embedded defaults it starts the Temporal dev server (state
 * under the data dir, web UI), the SQLite database (migrated, seeded when empty) and the SMTP
 * sink, then the worker and the admin API. With TEMPORAL_ADDRESS, DATABASE_URL and SMTP_HOST
 * pointing at existing services it starts only the worker and the API.
 *
 *   node --import tsx src/start.ts [--only worker|api]
 */
import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { seed } from '../prisma/seed';
import { createApp } from './api/app';
import { closeGracefully } from './api/shutdown';
import { loadConfig, type Config } from './config';
import { jwtVerifier } from './auth/jwt';
import { issueToken } from './auth/tokens';
import { createDb, type Db } from './db/client';
import { migrate } from './db/migrate';
import { startMailSink } from './mail/sink';
import { startSmsSink } from './mail/sms-sink';
import { secureDataDir } from './data-dir';
import { log } from './log';
import { assertPortFree } from './ports';
import { assertSearchAttributes, connectClient } from './temporal/connection';
import { EncryptionCodec } from './temporal/codec';
import { startDevServer } from './temporal/dev-server';
import { loadPayloadKeys } from './temporal/encryption';
import { Supervisor } from './supervisor';
import { deliveryChannels, runWorker, startWorkerHealth, type RunningWorker } from './worker';

type Role = 'all' | 'worker' | 'api';

/** The Temporal SDK's own lines (worker state, activity failures) go to the same JSON log. */
function logTemporalToPino(): void {
  const levels = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => log[levels[entry.level]]({ ...entry.meta }, entry.message)),
    // Ctrl-C is ours to handle: the worker stops in order with the rest, and is not restarted.
    shutdownSignals: [],
  });
}

async function main(): Promise<void> {
  logTemporalToPino();
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const role = (values.only ?? 'all') as Role;
  if (!['all', 'worker', 'api'].includes(role)) throw new Error(`--only must be worker or api, got "${role}"`);
  const config = loadConfig();
  const stops: (() => Promise<unknown>)[] = [];
  const shutdown = async (code: number) => {
    for (const stop of stops.reverse()) await stop().catch((e: Error) => console.error(e.message));
    process.exit(code);
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log('\nStopping…');
      void shutdown(0);
    });
  }

  try {
    const urls: string[] = [];
    let demoTokens = '';
    if (role === 'all' && (config.embeddedDatabase || config.temporal.embedded || config.mail.embeddedSink)) {
      secureDataDir(config.dataDir);
    }
    const giveUp = () => void shutdown(1);
    if (config.temporal.embedded && role === 'all') {
      const server = await Supervisor.run(
        'Temporal dev server',
        async () => {
          // Its UI reads sealed payloads through the API's codec, for those signed in there.
          const child = await startDevServer(config.temporal, ['--ui-codec-endpoint', codecEndpoint(config)]);
          return { ended: childEnded(child), stop: () => stopChild(child) };
        },
        { onGiveUp: giveUp },
      );
      stops.push(() => server.stop());
      urls.push(`Temporal UI       http://127.0.0.1:${config.temporal.uiPort}`);
    }
    urls.push(`Temporal server   ${config.temporal.address} (namespace ${config.temporal.namespace})`);

    const db = createDb(config.databaseUrl);
    stops.push(() => db.$disconnect());
    if (role === 'all') {
      const applied = await migrate(db, config.databaseUrl);
      if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
      if (config.embeddedDatabase && (await seed(db)))
        console.log('Seeded the demo bank (Jane is customer cust-jane).');
      if (config.embeddedDatabase) demoTokens = await issueDemoTokens(db);
    }
    urls.push(
      `Database          ${config.embeddedDatabase ? config.databaseUrl : config.databaseUrl.replace(/\/\/[^@]*@/, '//…@')}`,
    );

    if (config.mail.embeddedSink && role === 'all') {
      const sink = await startMailSink({
        smtpPort: config.mail.port,
        httpPort: config.mail.sinkHttpPort,
        file: config.mail.sinkFile,
      });
      stops.push(() => sink.close());
      urls.push(
        `Mail sink         http://127.0.0.1:${config.mail.sinkHttpPort} (SMTP on 127.0.0.1:${config.mail.port})`,
      );
    }

    if (config.sms.embeddedSink && config.sms.provider && role === 'all') {
      const { sinkPort, sinkFile, provider } = config.sms;
      const sink = await startSmsSink({
        port: sinkPort,
        file: sinkFile,
        apiKey: provider.apiKey,
        apiSecret: provider.apiSecret,
      });
      stops.push(() => sink.close());
      urls.push(`SMS sink          ${sink.url} (Vonage's SMS API at /sms/json)`);
    }

    const temporal = await connectClient(config.temporal);
    stops.push(() => temporal.connection.close());
    await assertSearchAttributes(temporal, config.temporal.namespace);

    if (role !== 'api') {
      await assertPortFree(config.worker.healthPort, "the worker's health endpoint", 'WORKER_HEALTH_PORT');
      const channels = deliveryChannels(config);
      stops.push(async () => Object.values(channels).forEach((channel) => channel?.close()));
      let current: RunningWorker | null = null;
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
      );
      stops.push(() => closeGracefully(health));
      urls.push(
        `Worker            task queue ${config.temporal.taskQueue}, health http://${config.api.host}:${config.worker.healthPort}/healthz`,
      );
    }

    if (role !== 'worker') {
      await assertPortFree(config.api.port, 'the admin API', 'API_PORT');
      const server: Server = await new Promise((resolve) => {
        const jwt = config.jwt ? jwtVerifier(config.jwt) : null;
        const app = createApp({
          db,
          temporal,
          taskQueue: config.temporal.taskQueue,
          jwt,
          rateLimits: config.rateLimits,
          codec: new EncryptionCodec(
            loadPayloadKeys(config.temporal.payloadKeys),
            config.temporal.payloadKeys.plaintext,
          ),
          codecOrigins: config.api.codecOrigins,
        });
        const s = app.listen(config.api.port, config.api.host, () => resolve(s));
      });
      // Stopped first (stops run in reverse): requests in flight are answered before the rest goes.
      stops.push(() => closeGracefully(server));
      urls.push(`Admin API         http://${config.api.host}:${config.api.port}  (send Authorization: Bearer <token>)`);
      if (config.temporal.embedded) {
        urls.push(
          `Codec sign-in     ${codecEndpoint(config)}/sign-in  (an auditor's or admin's token: decoded cases in the UI)`,
        );
      }
    }

    console.log(`\nProactive Care is running. Ctrl-C stops everything it started.\n\n  ${urls.join('\n  ')}\n`);
    if (demoTokens) console.log(demoTokens);
  } catch (error) {
    console.error(`\nCould not start: ${(error as Error).message}`);
    await shutdown(1);
  }
}

/** The API's codec as a browser on this machine reaches it. */
function codecEndpoint(config: Config): string {
  const host = config.api.host === '0.0.0.0' ? '127.0.0.1' : config.api.host;
  return `http://${host}:${config.api.port}/codec`;
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

/** Why a child process ended, once it does. */
function childEnded(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(`exited with ${child.signalCode ?? `code ${child.exitCode}`}`);
  }
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`)),
  );
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

void main();
