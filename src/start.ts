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
import { seed } from '../prisma/seed';
import { createApp } from './api/app';
import { loadConfig } from './config';
import { createDb } from './db/client';
import { migrate } from './db/migrate';
import { startMailSink } from './mail/sink';
import { secureDataDir } from './data-dir';
import { assertPortFree } from './ports';
import { assertSearchAttributes, connectClient } from './temporal/connection';
import { startDevServer } from './temporal/dev-server';
import { createWorker, deliveryChannels } from './worker';

type Role = 'all' | 'worker' | 'api';

async function main(): Promise<void> {
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
    if (role === 'all' && (config.embeddedDatabase || config.temporal.embedded || config.mail.embeddedSink)) {
      secureDataDir(config.dataDir);
    }
    if (config.temporal.embedded && role === 'all') {
      const server = await startDevServer(config.temporal);
      stops.push(() => stopChild(server));
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

    const temporal = await connectClient(config.temporal);
    stops.push(() => temporal.connection.close());
    await assertSearchAttributes(temporal, config.temporal.namespace);

    if (role !== 'api') {
      const channels = deliveryChannels(config);
      stops.push(async () => Object.values(channels).forEach((channel) => channel.close()));
      const worker = await createWorker(config, db, channels);
      const running = worker.run();
      stops.push(async () => {
        // The SDK shuts workers down on SIGINT/SIGTERM by itself; only stop one still running.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      });
      running.catch((error: Error) => {
        console.error(`Worker stopped: ${error.message}`);
        void shutdown(1);
      });
      urls.push(`Worker            task queue ${config.temporal.taskQueue}`);
    }

    if (role !== 'worker') {
      await assertPortFree(config.api.port, 'the admin API', 'API_PORT');
      const server: Server = await new Promise((resolve) => {
        const app = createApp({ db, temporal, taskQueue: config.temporal.taskQueue });
        const s = app.listen(config.api.port, config.api.host, () => resolve(s));
      });
      stops.push(() => new Promise((resolve) => server.close(resolve)));
      urls.push(
        `Admin API         http://${config.api.host}:${config.api.port}  (cases, staff actions and alerts; X-Actor: a staff id such as intake-agent-1)`,
      );
    }

    console.log(`\nProactive Care is running. Ctrl-C stops everything it started.\n\n  ${urls.join('\n  ')}\n`);
  } catch (error) {
    console.error(`\nCould not start: ${(error as Error).message}`);
    await shutdown(1);
  }
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
