/**
 * `npm run chaos`: the fault suite on the real stack. Staff work cases through the API while, one
 * after another, the worker is SIGKILLed (during each kind of activity, and across timers that fall
 * due while it is away), the Temporal server is stopped and started again, the database is locked (SQLite) or
 * cut off (PostgreSQL) for a minute, SMTP and SMS go down, and the API is killed with requests in
 * flight. Then the checker compares everything; the table says what was lost, doubled, or answered
 * wrongly, per fault. It exits non-zero on any of that.
 *
 *   npm run chaos -- [--short] [--postgres <url>] [--fault <part of a name>] [--cluster]
 *
 * --short: a few seconds a fault, as npm test runs it; --fault: only the faults whose name has it;
 * --cluster: on a real Temporal cluster (PostgreSQL only), with its own faults: a history instance
 * SIGKILLed, the frontend restarted, PostgreSQL restarted, and the worker killed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { issueToken } from '../../auth/tokens';
import { check, settle, type Findings, type PhaseReport } from './check';
import { sleep, StaffLoad } from './load';
import { ProcessStack } from '../process-stack';
import { LocalCluster } from '../cluster/local-cluster';
import { clusterDatabase } from '../cluster/server-config';
import { TcpProxy } from './tcp-proxy';

interface Fault {
  name: string;
  inject(stack: ProcessStack): Promise<void>;
  heal(stack: ProcessStack): Promise<void>;
  /** How long it lasts, in the long form; the short form lasts a few seconds. */
  longMs: number;
}

/**
 * Every activity the worker runs but markNotificationFailed, which runs only when a message's
 * attempts run out (hours); the load and the stack's short clocks reach each within a minute.
 */
export const ACTIVITY_TYPES = [
  'loadCaseContext',
  'syncCase',
  'alertStaff',
  'postAdjustment',
  'sendNotification',
  'quietHoursEnd',
  'openOutreach',
  'watchSettings',
  'assessAttritionRisk',
  'settleRetention',
];

const FAULTS: Fault[] = [
  // The worst moment for each kind: its effect done, its completion not reported; the retry must find the effect.
  ...ACTIVITY_TYPES.map((type): Fault => ({
    name: `worker SIGKILL during ${type}`,
    inject: (s) => s.killDuring(type, 60_000, type === 'openOutreach' ? () => s.reportRisk() : undefined),
    heal: (s) => s.startWorker(),
    longMs: 1_000,
  })),
  {
    // Resolved cases close 5 s later and their surveys fall due after 4 s: those timers fire while no worker runs.
    name: 'worker SIGKILL across timers',
    inject: (s) => s.kill('worker'),
    heal: (s) => s.startWorker(),
    longMs: 20_000,
  },
  {
    name: 'Temporal server stop and restart',
    inject: (s) => s.stopTemporal(),
    heal: (s) => s.startTemporal(),
    longMs: 20_000,
  },
  {
    name: 'database outage',
    inject: (s) => s.databaseDown(),
    heal: (s) => s.databaseUp(),
    longMs: 60_000,
  },
  { name: 'SMTP outage', inject: (s) => s.mailDown(), heal: (s) => s.mailUp(), longMs: 60_000 },
  { name: 'SMS outage', inject: (s) => s.smsDown(), heal: (s) => s.smsUp(), longMs: 60_000 },
  {
    name: 'API SIGKILL with requests in flight',
    inject: (s) => s.kill('api'),
    heal: (s) => s.startApi(),
    longMs: 3_000,
  },
];

/** The worker's faults that a cluster run keeps: a kill after an effect, and one across timers. */
const WORKER_FAULTS_ON_A_CLUSTER = ['worker SIGKILL during sendNotification', 'worker SIGKILL across timers'];

/**
 * The faults of a real cluster: its processes die or restart, and PostgreSQL, which it and the
 * product share, drops every connection and takes none for a while, as a restart does. (The
 * machine's PostgreSQL itself is not restarted: other test files use it at the same time; a proxy
 * in front of it is cut instead, for the cluster and the product at once.)
 */
function clusterFaults(cluster: LocalCluster, database: TcpProxy): Fault[] {
  return [
    ...FAULTS.filter((fault) => WORKER_FAULTS_ON_A_CLUSTER.includes(fault.name)),
    {
      name: 'history-1 SIGKILL and restart',
      inject: () => cluster.kill('history-1'),
      heal: () => cluster.restart('history-1'),
      longMs: 20_000,
    },
    {
      name: 'frontend restart',
      inject: () => cluster.halt('frontend'),
      heal: () => cluster.restart('frontend'),
      longMs: 10_000,
    },
    {
      name: 'PostgreSQL restart',
      inject: async (s) => {
        await database.cut();
        await s.databaseDown();
      },
      heal: async (s) => {
        await database.restore();
        await s.databaseUp();
      },
      longMs: 20_000,
    },
  ];
}

export interface ChaosOptions {
  short: boolean;
  /** Only the faults whose name contains this. */
  only?: string;
  postgresUrl?: string;
  /** On a real Temporal cluster (needs postgresUrl): the cluster's faults instead of the dev server's. */
  cluster?: boolean;
  /** Where the run's files go; a temp dir by default. */
  dir?: string;
}

export interface ChaosResult extends Findings {
  database: string;
  /** Cases still behind their workflow when the run gave up waiting. */
  unsettled: string[];
  /** The activities held after their effect when the worker was killed, and when each retry was done. */
  held: ProcessStack['held'];
  ok: boolean;
}

/** The longest any single answer may take: an action's deadline is 5 s, a read's 2 s. */
export const WAIT_BOUND_MS = 10_000;

export async function runChaos({ short, only, postgresUrl, cluster, dir }: ChaosOptions): Promise<ChaosResult> {
  const runDir = dir ?? mkdtempSync(path.join(os.tmpdir(), 'chaos-'));
  const onCluster = cluster ? await startCluster(runDir, postgresUrl) : null;
  const faults = (onCluster ? clusterFaults(onCluster.cluster, onCluster.database) : FAULTS).filter(
    (fault) => !only || fault.name.includes(only),
  );
  const stack = await ProcessStack.start({
    dir: runDir,
    postgresUrl,
    customers: short ? 40 : 120,
    shortClocks: true,
    // The stack owns the cluster: it stops it when it stops, or fails to start.
    temporal: onCluster ? { ...onCluster.cluster.asTemporal(), stop: onCluster.stop } : undefined,
  });
  try {
    const tokens = {
      intake: (await issueToken(stack.db, 'intake-agent-1', { days: 1, label: 'chaos' })).token,
      admin: (await issueToken(stack.db, 'admin', { days: 1, label: 'chaos' })).token,
    };
    const load = await StaffLoad.prepare(stack.db, () => stack.apiBase, tokens);
    load.start(short ? 3 : 6);
    await sleep(short ? 2_000 : 10_000);
    const recoveries = new Map<string, number | null>();
    for (const fault of faults) {
      load.phase = fault.name;
      await sleep(short ? 1_000 : 5_000);
      await fault.inject(stack);
      await sleep(short ? Math.min(fault.longMs, 6_000) : fault.longMs);
      const healedAt = Date.now();
      await fault.heal(stack);
      recoveries.set(fault.name, await recovery(stack.apiBase, healedAt));
      await sleep(short ? 2_000 : 10_000);
    }
    load.phase = 'after the faults';
    await sleep(short ? 1_000 : 5_000);
    await load.stop();
    await stack.heldRetriesDone();
    const unsettled = await settle(stack, 120_000);
    const findings = await check(stack, load.requests, recoveries);
    const longest = Math.max(load.longestReadMs, ...findings.phases.map((p) => p.longestWaitMs));
    if (longest > WAIT_BOUND_MS) findings.problems.push(`an answer took ${longest} ms`);
    findings.problems.push(...heldProblems(faults, stack.held));
    // Every way a run fails is named among the problems, so a failed test says which.
    findings.problems.push(
      ...unsettled.map((id) => `${id} still behind its workflow after two minutes`),
      ...findings.inconsistent,
      ...findings.orphans,
      ...findings.phases.flatMap((p) =>
        p.messagesLost + p.messagesDoubled > 0
          ? [`${p.fault}: ${p.messagesLost} customer message(s) lost, ${p.messagesDoubled} doubled`]
          : [],
      ),
      ...faults.filter((fault) => recoveries.get(fault.name) === null).map((fault) => `${fault.name}: never recovered`),
    );
    const ok =
      findings.problems.length === 0 && findings.phases.every((p) => p.lost + p.doubled + p.fiveXxApplied === 0);
    const database = `${postgresUrl ? 'PostgreSQL' : 'SQLite'}${onCluster ? ', a Temporal cluster' : ''}`;
    return { ...findings, database, unsettled, held: stack.held, ok };
  } finally {
    await stack.stop();
  }
}

/** A cluster on its own databases, reached through a proxy the PostgreSQL fault cuts; namespace set up. */
async function startCluster(dir: string, postgresUrl: string | undefined) {
  if (!postgresUrl) throw new Error('chaos on a cluster needs PostgreSQL (--postgres <url> or TEST_DATABASE_URL)');
  const db = clusterDatabase(postgresUrl, `pc_temporal_chaos_${randomUUID().slice(0, 8)}`);
  const database = await TcpProxy.start({ host: db.host, port: db.port });
  let cluster: LocalCluster | null = null;
  const stop = async () => {
    await database.restore();
    await cluster?.discard();
    await database.stop();
  };
  try {
    cluster = await LocalCluster.start({
      dir: path.join(dir, 'temporal'),
      db: { ...db, host: '127.0.0.1', port: database.port },
      namespace: { name: 'default', retentionDays: 1 },
    });
    return { cluster, database, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Milliseconds from healing until the API is ready again (database, Temporal, a polling worker); null if never. */
async function recovery(base: string, healedAt: number): Promise<number | null> {
  const deadline = healedAt + 120_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return Date.now() - healedAt;
    await sleep(250);
  }
  return null;
}

/** A kind of activity never held (so never tried), or held and never done after the kill. */
function heldProblems(faults: Fault[], held: ProcessStack['held']): string[] {
  return ACTIVITY_TYPES.flatMap((type) => {
    if (!faults.some((fault) => fault.name.endsWith(` ${type}`))) return [];
    const activity = held.find((h) => h.activityType === type);
    if (!activity) return [`no ${type} ran in the minute waited for it, to be held`];
    if (activity.doneAfterMs === null) return [`${type} held in ${activity.workflowId} was not done after the kill`];
    return [];
  });
}

/** Seconds to recover, 'never' for a fault that did not, nothing for the phases around the faults. */
function recovered(phase: PhaseReport): string {
  if (phase.recoverMs !== null) return (phase.recoverMs / 1000).toFixed(1);
  return FAULTS.some((fault) => fault.name === phase.fault) ? 'never' : '';
}

export function table(result: ChaosResult): string {
  const head = [
    'fault',
    'cases',
    'actions',
    'lost',
    'doubled',
    'msgs lost',
    'msgs doubled',
    'recover s',
    '5xx',
    '5xx applied',
    'longest wait s',
  ];
  const rows = result.phases.map((p) => [
    p.fault,
    p.casesInFlight,
    p.actionsSent,
    p.lost,
    p.doubled,
    p.messagesLost,
    p.messagesDoubled,
    recovered(p),
    p.fiveXx,
    p.fiveXxApplied,
    (p.longestWaitMs / 1000).toFixed(1),
  ]);
  return [
    `Chaos on ${result.database}:`,
    '',
    ...markdownTable(head, rows),
    '',
    ...heldTable(result.held),
    `Workflow state against database rows: ${result.inconsistent.length} case(s) disagree; ${result.orphans.length} orphan(s); ${result.unsettled.length} unsettled.`,
    ...result.problems.map((p) => `  - ${p}`),
    result.ok ? 'Nothing lost, nothing doubled, every wait bounded.' : 'FAILED',
  ].join('\n');
}

/** Which activity was held after its effect, how soon its retry was done after the kill, and what else was in flight. */
function heldTable(held: ChaosResult['held']): string[] {
  if (!held.length) return [];
  const rows = held.map((h) => [
    h.activityType,
    h.workflowId,
    h.attempt,
    Object.entries(h.inFlight)
      .filter(([, count]) => count > 0)
      .map(([type, count]) => `${type} ×${count}`)
      .join(', '),
    h.doneAfterMs === null ? 'never' : (h.doneAfterMs / 1000).toFixed(1),
  ]);
  return [
    'Each worker SIGKILL, with the activity held after its effect and all it had in flight:',
    '',
    ...markdownTable(['held', 'workflow', 'attempt', 'in flight at the kill', 'retry done after kill s'], rows),
    '',
  ];
}

function markdownTable(head: string[], rows: unknown[][]): string[] {
  const cells = [head, ...rows].map((r) => r.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean' },
      postgres: { type: 'string' },
      fault: { type: 'string' },
      cluster: { type: 'boolean' },
    },
  });
  const short = values.short ?? false;
  const cluster = values.cluster ?? false;
  const postgres = values.postgres ?? process.env.TEST_DATABASE_URL;
  const runs: (string | undefined)[] = cluster ? [] : [undefined];
  if (postgres) runs.push(postgres);
  else console.log('PostgreSQL skipped: pass --postgres <url> or set TEST_DATABASE_URL.');
  let ok = runs.length > 0;
  for (const postgresUrl of runs) {
    const where = `${postgresUrl ? 'PostgreSQL' : 'SQLite'}${cluster ? ' and a Temporal cluster' : ''}`;
    console.log(`Running the fault suite on ${where} (${short ? 'short' : 'long'} form)…`);
    const result = await runChaos({ short, only: values.fault, postgresUrl, cluster });
    console.log(`${table(result)}\n`);
    ok &&= result.ok;
  }
  process.exit(ok ? 0 : 1);
}

if (require.main === module) void main();
