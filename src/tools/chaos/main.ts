/**
 * `npm run chaos`: the fault suite on the real stack. Staff work cases through the API while, one
 * after another, the worker is SIGKILLed (mid-activity, and across timers that fall due while it
 * is away), the Temporal server is stopped and started again, the database is locked (SQLite) or
 * cut off (PostgreSQL) for a minute, SMTP and SMS go down, and the API is killed with requests in
 * flight. Then the checker compares everything; the table says what was lost, doubled, or answered
 * wrongly, per fault. It exits non-zero on any of that.
 *
 *   npm run chaos -- [--short] [--postgres <url>] [--fault <part of a name>]
 *
 * --short: a few seconds a fault, as npm test runs it; --fault: only the faults whose name has it.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { issueToken } from '../../auth/tokens';
import { check, settle, type Findings, type PhaseReport } from './check';
import { sleep, StaffLoad } from './load';
import { ChaosStack } from './stack';

interface Fault {
  name: string;
  inject(stack: ChaosStack): Promise<void>;
  heal(stack: ChaosStack): Promise<void>;
  /** How long it lasts, in the long form; the short form lasts a few seconds. */
  longMs: number;
}

const FAULTS: Fault[] = [
  {
    name: 'worker SIGKILL mid-activity',
    inject: (s) => s.kill('worker'),
    heal: (s) => s.startWorker(),
    longMs: 3_000,
  },
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

export interface ChaosOptions {
  short: boolean;
  /** Only the faults whose name contains this. */
  only?: string;
  postgresUrl?: string;
  /** Where the run's files go; a temp dir by default. */
  dir?: string;
}

export interface ChaosResult extends Findings {
  database: string;
  /** Cases still behind their workflow when the run gave up waiting. */
  unsettled: string[];
  ok: boolean;
}

/** The longest any single answer may take: an action's deadline is 5 s, a read's 2 s. */
export const WAIT_BOUND_MS = 10_000;

export async function runChaos({ short, only, postgresUrl, dir }: ChaosOptions): Promise<ChaosResult> {
  const faults = FAULTS.filter((fault) => !only || fault.name.includes(only));
  const stack = await ChaosStack.start({
    dir: dir ?? mkdtempSync(path.join(os.tmpdir(), 'chaos-')),
    postgresUrl,
    customers: short ? 40 : 120,
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
    const unsettled = await settle(stack, 120_000);
    const findings = await check(stack, load.requests, recoveries);
    const longest = Math.max(load.longestReadMs, ...findings.phases.map((p) => p.longestWaitMs));
    if (longest > WAIT_BOUND_MS) findings.problems.push(`an answer took ${longest} ms`);
    const ok =
      unsettled.length === 0 &&
      findings.inconsistent.length === 0 &&
      findings.orphans.length === 0 &&
      findings.phases.every((p) => p.lost + p.doubled + p.messagesLost + p.messagesDoubled + p.fiveXxApplied === 0) &&
      faults.every((fault) => recoveries.get(fault.name) !== null) &&
      longest <= WAIT_BOUND_MS;
    return { ...findings, database: postgresUrl ? 'PostgreSQL' : 'SQLite', unsettled, ok };
  } finally {
    await stack.stop();
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
  const cells = [head, ...rows].map((r) => r.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    `Chaos on ${result.database}:`,
    '',
    line(cells[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
    '',
    `Workflow state against database rows: ${result.inconsistent.length} case(s) disagree; ${result.orphans.length} orphan(s); ${result.unsettled.length} unsettled.`,
    ...[...result.inconsistent, ...result.orphans, ...result.problems].map((p) => `  - ${p}`),
    result.ok ? 'Nothing lost, nothing doubled, every wait bounded.' : 'FAILED',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { short: { type: 'boolean' }, postgres: { type: 'string' }, fault: { type: 'string' } },
  });
  const short = values.short ?? false;
  const postgres = values.postgres ?? process.env.TEST_DATABASE_URL;
  const runs: (string | undefined)[] = [undefined];
  if (postgres) runs.push(postgres);
  else console.log('PostgreSQL skipped: pass --postgres <url> or set TEST_DATABASE_URL.');
  let ok = true;
  for (const postgresUrl of runs) {
    console.log(
      `Running the fault suite on ${postgresUrl ? 'PostgreSQL' : 'SQLite'} (${short ? 'short' : 'long'} form)…`,
    );
    const result = await runChaos({ short, only: values.fault, postgresUrl });
    console.log(`${table(result)}\n`);
    ok &&= result.ok;
  }
  process.exit(ok ? 0 : 1);
}

if (require.main === module) void main();
