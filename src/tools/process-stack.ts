/**
 * The product as separate processes, for the chaos suite to hit one at a time and the bench to
 * measure: the Temporal dev server, the worker and the admin API as child processes (each can be
 * SIGKILLed and started again, and more replicas of the worker and API added), the SMTP and SMS
 * sinks in this process (each can go down and come back), and the database (a SQLite file another
 * process can lock, or PostgreSQL behind a proxy that can be cut).
 */
import { CLIENT_INTERCEPTORS } from '../temporal/bound-requests';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { CARD_NETWORK_STAFF, seed } from '../../prisma/seed';
import { issueToken } from '../auth/tokens';
import { startNetworkSimulator, type NetworkSimulator } from '../network/simulator';
import { attritionRiskSignal } from '../../workflows/dispute/messages';
import { loadConfig } from '../config';
import { createDb, type Db } from '../db/client';
import { migrate } from '../db/migrate';
import { emptyPostgres } from '../db/scratch';
import { ROOT } from '../db/target';
import { startMailSink, type MailSink } from '../notifications/mail-sink';
import { startSmsSink, type SmsSink } from '../notifications/sms-sink';
import { freePort } from '../ports';
import { startDevServer } from '../temporal/dev-server';
import { dataConverter, newKeyEntry, parsePayloadKeys } from '../temporal/encryption';
import { HOLD_MARK, type HeldActivity } from './chaos/hold';
import { sleep } from './chaos/load';
import { TcpProxy } from './chaos/tcp-proxy';

export interface ProcessStackOptions {
  /** Where the run keeps its files: databases, sink stores, process logs. */
  dir: string;
  /** SQLite (a file in `dir`), or a fresh database on this PostgreSQL server. */
  postgresUrl?: string;
  customers: number;
  /** Clocks of seconds, so that closing, surveys and watch polls fall due within a run (chaos); or the product's own (bench). */
  shortClocks: boolean;
  /** Node options for the worker and API processes (`--cpu-prof`, say); they are then stopped gently. */
  nodeArgs?: string[];
  /** More environment for the worker and API processes (a setting the bench changes). */
  env?: NodeJS.ProcessEnv;
  /** A Temporal that runs already (a cluster), instead of a dev server of the stack's own. */
  temporal?: ExternalTemporal;
  /** The worker's source tree (a past release's, see releases.ts); this checkout's by default. */
  workerTree?: string;
}

/** How the stack's processes and its own client reach a Temporal it did not start. */
export interface ExternalTemporal {
  address: string;
  /** TEMPORAL_* settings for the worker and API (TLS certificates, say). */
  env: NodeJS.ProcessEnv;
  connection: ConnectionOptions;
  /** Set when the stack owns it (a cluster started for it): called after the stack's processes stop. */
  stop?: () => Promise<void>;
}

/** A worker or API process beside the first ones. */
export interface Replica {
  child: ChildProcess;
  /** The API's base URL, or the worker's health URL. */
  url: string;
}

const SMS_KEY = 'chaos';
const SMS_SECRET = 'chaos-secret';
const NETWORK_KEY = 'chaos-network';

export class ProcessStack {
  temporalProcess: ChildProcess | null = null;
  worker: ChildProcess | null = null;
  api: ChildProcess | null = null;
  mail: MailSink | null = null;
  sms: SmsSink | null = null;
  network: NetworkSimulator | null = null;
  /** What killDuring held, each with how long after the kill its retry was done (null: not yet, or never). */
  readonly held: (HeldActivity & { doneAfterMs: number | null })[] = [];
  private readonly retries: Promise<void>[] = [];
  private dbLock: ChildProcess | null = null;
  private readonly replicas: ChildProcess[] = [];
  private readonly logs: WriteStream;

  private constructor(
    private readonly options: ProcessStackOptions,
    readonly ports: {
      temporal: number;
      ui: number;
      api: number;
      /** The first API's metrics listener (replicas have none). */
      apiMetrics: number;
      health: number;
      smtp: number;
      mailHttp: number;
      sms: number;
      network: number;
    },
    /** The checker's own connection, never cut or locked. */
    readonly db: Db,
    /** What the worker and API are given: through the proxy on PostgreSQL. */
    readonly appDatabaseUrl: string,
    private readonly proxy: TcpProxy | null,
    private readonly dropDatabase: () => Promise<void>,
    readonly temporal: Client,
    /** The key the worker and API seal payloads with (replay needs it). */
    readonly payloadKeys: string,
  ) {
    this.logs = createWriteStream(path.join(options.dir, 'processes.log'));
  }

  static async start(options: ProcessStackOptions): Promise<ProcessStack> {
    try {
      return await ProcessStack.startParts(options);
    } catch (error) {
      // A Temporal the stack owns goes with it, whatever step failed.
      await options.temporal?.stop?.().catch(() => undefined);
      throw error;
    }
  }

  private static async startParts(options: ProcessStackOptions): Promise<ProcessStack> {
    mkdirSync(options.dir, { recursive: true });
    const ports = {
      temporal: await freePort(),
      ui: await freePort(),
      api: await freePort(),
      apiMetrics: await freePort(),
      health: await freePort(),
      smtp: await freePort(),
      mailHttp: await freePort(),
      sms: await freePort(),
      network: await freePort(),
    };
    let databaseUrl = `file:${path.join(options.dir, 'chaos.db')}`;
    let drop = async () => {};
    let proxy: TcpProxy | null = null;
    let appDatabaseUrl = databaseUrl;
    if (options.postgresUrl) {
      ({ url: databaseUrl, drop } = await emptyPostgres(options.postgresUrl, 'care_chaos'));
      const target = new URL(databaseUrl);
      proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
      target.host = `127.0.0.1:${proxy.port}`;
      appDatabaseUrl = target.toString();
    }
    const db = createDb(databaseUrl);
    await migrate(db, databaseUrl);
    await seed(db, { customers: options.customers });
    const payloadKeys = newKeyEntry();
    const temporal = new Client({
      connection: Connection.lazy(options.temporal?.connection ?? { address: `127.0.0.1:${ports.temporal}` }),
      dataConverter: dataConverter(parsePayloadKeys(payloadKeys, 'the chaos key')),
      interceptors: CLIENT_INTERCEPTORS,
    });
    const stack = new ProcessStack(options, ports, db, appDatabaseUrl, proxy, drop, temporal, payloadKeys);
    try {
      await stack.startTemporal();
      // The sinks before the worker: nothing may be sent that no sink kept.
      await stack.mailUp();
      await stack.smsUp();
      await stack.networkUp();
      await stack.startWorker();
      await stack.startApi();
    } catch (error) {
      // What started is stopped: a dev server left behind outlives the test that failed.
      await stack.stop().catch(() => undefined);
      throw error;
    }
    return stack;
  }

  processes(): { server?: number; worker?: number; api?: number } {
    return { server: this.temporalProcess?.pid, worker: this.worker?.pid, api: this.api?.pid };
  }

  /** Opens this stack's payloads, to replay its histories as its worker would. */
  replayConverter(): DataConverter {
    return dataConverter(parsePayloadKeys(this.payloadKeys, 'the stack key'), 'refuse', 'mark');
  }

  /** The SQLite file the stack runs on (null on PostgreSQL), for tools that write it directly. */
  get databaseFile(): string | null {
    return this.options.postgresUrl ? null : path.join(this.options.dir, 'chaos.db');
  }

  get temporalAddress(): string {
    return this.options.temporal?.address ?? `127.0.0.1:${this.ports.temporal}`;
  }

  /** The TEMPORAL_* settings the worker and the API are given. */
  temporalEnv(): NodeJS.ProcessEnv {
    return { ...this.options.temporal?.env, TEMPORAL_ADDRESS: this.temporalAddress };
  }

  get apiBase(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  /** Settings shared by the worker and the API. */
  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...(this.options.shortClocks ? SHORT_CLOCKS : {}),
      ...this.options.env,
      ...this.temporalEnv(),
      DATABASE_URL: this.appDatabaseUrl,
      PAYLOAD_KEYS: this.payloadKeys,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(this.ports.smtp),
      MAIL_LOOKUP_URL: `http://127.0.0.1:${this.ports.mailHttp}`,
      SMS_URL: `http://127.0.0.1:${this.ports.sms}`,
      SMS_LOOKUP_URL: `http://127.0.0.1:${this.ports.sms}`,
      SMS_API_KEY: SMS_KEY,
      SMS_API_SECRET: SMS_SECRET,
      NETWORK_URL: `http://127.0.0.1:${this.ports.network}`,
      NETWORK_API_KEY: NETWORK_KEY,
      API_PORT: String(this.ports.api),
      API_METRICS_PORT: String(this.ports.apiMetrics),
      WORKER_HEALTH_PORT: String(this.ports.health),
      CHAOS_HOLD_FILE: this.holdFile,
      // Staff under load send many requests a minute; the limits are not what is tested here.
      RATE_LIMIT_PER_ADDRESS: '100000',
      RATE_LIMIT_PER_CREDENTIAL: '100000',
      LOG_LEVEL: 'warn',
    };
  }

  private get holdFile(): string {
    return path.join(this.options.dir, 'hold');
  }

  /** The API as `npm start -- --only api` runs it; the worker as it does too, with activities to hold (worker-process.ts). */
  private spawnPart(only: 'worker' | 'api', env: NodeJS.ProcessEnv = {}, tree?: string): ChildProcess {
    const entry = only === 'api' ? ['src/start.ts', '--only', 'api'] : ['src/tools/worker-process.ts'];
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), '--import', 'tsx', ...entry], {
      cwd: tree ?? (only === 'worker' ? this.options.workerTree : undefined) ?? ROOT,
      env: { ...this.env(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      // A stopped process's last output may come after the stack closed its log.
      stream.on('data', (chunk: Buffer) => {
        if (!this.logs.writableEnded) this.logs.write(`[${only}] ${chunk.toString()}`);
      });
    }
    return child;
  }

  /**
   * Another worker or API process on the same server and database, of this checkout's code
   * (whatever tree the first worker runs) with `env` added; stopped with the stack.
   */
  async addReplica(part: 'worker' | 'api', env: NodeJS.ProcessEnv = {}): Promise<Replica> {
    const port = await freePort();
    const child = this.spawnPart(
      part,
      {
        ...env,
        ...(part === 'api' ? { API_PORT: String(port), API_METRICS_PORT: '0' } : { WORKER_HEALTH_PORT: String(port) }),
      },
      ROOT,
    );
    this.replicas.push(child);
    const url = part === 'api' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/healthz`;
    await waitFor(part === 'api' ? `${url}/healthz` : url, child, `${part} replica`);
    return { child, url };
  }

  async startWorker(): Promise<void> {
    this.worker = this.spawnPart('worker');
    await waitFor(`http://127.0.0.1:${this.ports.health}/healthz`, this.worker, 'worker');
  }

  async startApi(): Promise<void> {
    this.api = this.spawnPart('api');
    await waitFor(`${this.apiBase}/healthz`, this.api, 'API');
  }

  async kill(part: 'worker' | 'api'): Promise<void> {
    const child = this[part];
    this[part] = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }

  /**
   * Holds the next activity of the given type once its effect is done and SIGKILLs the worker,
   * or kills it anyway when none ran within `waitMs`; then follows the held activity's retry.
   * `trigger` makes such an activity run, for the kinds the load alone does not reach; it is
   * called again every few seconds until one is held.
   */
  async killDuring(activityType: string, waitMs: number, trigger?: () => Promise<void>): Promise<void> {
    const worker = this.worker!;
    const lines = createInterface({ input: worker.stdout! });
    const held = new Promise<HeldActivity>((resolve) => {
      lines.on('line', (line) => {
        if (line.startsWith(HOLD_MARK)) resolve(JSON.parse(line.slice(HOLD_MARK.length)) as HeldActivity);
      });
    });
    writeFileSync(this.holdFile, activityType);
    let waiting = true;
    const waited = sleep(waitMs).then(() => null);
    // Triggered again every few seconds until held: the case a trigger picked may move on (staff
    // resolve it) before the activity runs.
    void (async () => {
      while (trigger && waiting) {
        // A failed trigger (a case closed under it) is tried again like one that did nothing.
        await trigger().catch(() => undefined);
        await Promise.race([held, waited, sleep(3_000)]);
      }
    })();
    const activity = await Promise.race([held, waited]);
    waiting = false;
    await this.kill('worker');
    const killedAt = Date.now();
    rmSync(this.holdFile, { force: true });
    lines.close();
    if (!activity) return;
    const report = { ...activity, doneAfterMs: null as number | null };
    this.held.push(report);
    this.retries.push(
      this.untilDone(activity, 120_000).then((done) => {
        report.doneAfterMs = done ? Date.now() - killedAt : null;
      }),
    );
  }

  /**
   * Tells the latest open case that its customer is at high risk, as its attrition watch would after
   * days of silence on the card (more than a run lasts): the case opens a care outreach.
   */
  async reportRisk(): Promise<void> {
    const open = await this.db.case.findFirst({
      where: { stage: { in: ['investigation', 'awaiting_customer'] }, attritionRisk: 'none' },
      orderBy: { openedAt: 'desc' },
    });
    if (!open) return;
    const rule = {
      name: 'chaos: card silent',
      level: 'high' as const,
      recommendation: 'call_back' as const,
      facts: {},
    };
    await this.temporal.workflow.getHandle(open.workflowId).signal(attritionRiskSignal, {
      caseId: open.id,
      level: 'high',
      recommendation: 'call_back',
      rules: [rule],
      facts: null,
      assessedAt: new Date().toISOString(),
    });
  }

  /** Resolves once every held activity's retry is done, or known never to be. */
  async heldRetriesDone(): Promise<void> {
    await Promise.all(this.retries);
  }

  /** Whether the activity's run stops listing it as pending (retried and done) within `timeoutMs`. */
  private async untilDone(activity: HeldActivity, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const run = await this.temporal.workflow
        .getHandle(activity.workflowId, activity.runId)
        .describe()
        .catch(() => null);
      if (run && !run.raw.pendingActivities?.some((p) => p.activityId === activity.activityId)) return true;
      await sleep(200);
    }
    return false;
  }

  /** Stops the Temporal server (gracefully, as an operator would) and keeps its state. */
  async stopTemporal(): Promise<void> {
    const child = this.temporalProcess;
    this.temporalProcess = null;
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }

  async startTemporal(): Promise<void> {
    if (this.options.temporal) return;
    this.temporalProcess = await startDevServer({
      ...loadConfig().temporal,
      port: this.ports.temporal,
      uiPort: this.ports.ui,
      dbFile: path.join(this.options.dir, 'temporal.db'),
    });
  }

  async mailDown(): Promise<void> {
    await this.mail?.close();
    this.mail = null;
  }

  async mailUp(): Promise<void> {
    this.mail ??= await startMailSink({
      smtpPort: this.ports.smtp,
      httpPort: this.ports.mailHttp,
      file: path.join(this.options.dir, 'mail-sink.jsonl'),
    });
  }

  async smsDown(): Promise<void> {
    await this.sms?.close();
    this.sms = null;
  }

  async smsUp(): Promise<void> {
    this.sms ??= await startSmsSink({
      port: this.ports.sms,
      file: path.join(this.options.dir, 'sms-sink.jsonl'),
      apiKey: SMS_KEY,
      apiSecret: SMS_SECRET,
    });
  }

  /** The card network simulator, answering at once through the first API's feed as the network's system. */
  async networkUp(): Promise<void> {
    const { token } = await issueToken(this.db, CARD_NETWORK_STAFF.id, { days: 1, label: 'simulator' });
    this.network ??= await startNetworkSimulator({
      port: this.ports.network,
      file: path.join(this.options.dir, 'network-simulator.jsonl'),
      apiKey: NETWORK_KEY,
      feed: { url: this.apiBase, token: () => token },
      answerAfterMs: 0,
    });
  }

  /** The database stops taking writes (SQLite: another process holds the lock) or answering at all (PostgreSQL). */
  async databaseDown(): Promise<void> {
    if (this.proxy) return this.proxy.cut();
    const file = this.appDatabaseUrl.replace(/^file:/, '');
    const script = `const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
      db.exec('BEGIN EXCLUSIVE'); console.log('locked'); setInterval(() => {}, 1000);`;
    this.dbLock = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await once(this.dbLock.stdout!, 'data');
  }

  async databaseUp(): Promise<void> {
    if (this.proxy) return this.proxy.restore();
    const lock = this.dbLock;
    this.dbLock = null;
    if (lock) {
      lock.kill('SIGKILL');
      await once(lock, 'exit');
    }
  }

  async stop(): Promise<void> {
    await this.databaseUp();
    for (const child of this.replicas) await stopGently(child);
    // The API is killed outright unless profiled: a profile is written when a process exits by itself.
    if (this.options.nodeArgs?.length) await stopGently(this.api);
    await this.kill('api');
    await stopGently(this.worker);
    this.worker = null;
    await this.temporal.connection.close();
    await this.stopTemporal();
    await this.mailDown();
    await this.smsDown();
    await this.network?.close();
    await this.db.$disconnect();
    await this.proxy?.stop();
    await this.dropDatabase();
    await this.options.temporal?.stop?.();
    this.logs.end();
  }
}

/** A transaction nobody disputed yet, with its card's customer: what a load opens a case on. */
export interface Undisputed {
  id: string;
  cardId: string;
  customerId: string;
}

/** The seed's transactions not yet disputed (one case each), in a fixed order. */
export async function undisputedTransactions(db: Db): Promise<Undisputed[]> {
  const rows = await db.cardTransaction.findMany({
    where: { cases: { none: {} }, amountCents: { gte: 100 } },
    include: { card: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((t) => ({ id: t.id, cardId: t.cardId, customerId: t.card.customerId }));
}

/**
 * The newest transaction nobody disputed yet: within every time limit a network counts from the
 * processing date, so a chargeback may still be filed for it.
 */
export async function newestUndisputed(db: Db): Promise<Undisputed> {
  const t = await db.cardTransaction.findFirstOrThrow({
    where: { cases: { none: {} }, amountCents: { gte: 100 } },
    orderBy: { postedAt: 'desc' },
    include: { card: true },
  });
  return { id: t.id, cardId: t.cardId, customerId: t.card.customerId };
}

/** The smallest dispute of a transaction (a unit of its currency), as a load opens it. */
export function disputeOf(txn: Undisputed) {
  return {
    customerId: txn.customerId,
    cardId: txn.cardId,
    transactionId: txn.id,
    amount: 1,
    reasonCode: 'not_received',
  };
}

/** Clocks of seconds, so that what follows a resolution happens within a run. */
const SHORT_CLOCKS: NodeJS.ProcessEnv = {
  // A resolved case closes after 5 s and its survey falls due after 4 s (quiet hours allowing).
  CASE_REOPEN_WINDOW_DAYS: String(5 / 86_400),
  SURVEY_DELAY_HOURS: String(4 / 3_600),
  // The watch polls every 10 s and judges whether the customer stayed 30 s after the resolution.
  WATCH_POLL_HOURS: String(10 / 3_600),
  WATCH_OBSERVE_DAYS: String(30 / 86_400),
};

/** Waits until `url` answers 200, or fails when the process dies first or a minute passes. */
async function waitFor(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the ${name} exited with code ${child.exitCode} while starting`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the ${name} did not answer ${url} within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM, then wait for the exit, unless the process is gone already. */
async function stopGently(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
