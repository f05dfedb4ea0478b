/**
 * The staff console with a real bank's backlog (on SQLite): `backlog` cases seeded straight into the read
 * model (open and closed, every investigating department, stage, risk, deadline and assignee),
 * then an agent's queue, a case file, "take the next case" and a supervisor's view, each asked as
 * a browser asks it and timed from request to the whole answer, one at a time as a person works.
 * Seeded rows have no workflow, so the cases the agent opens and takes are real ones, opened
 * through the API and then made the most urgent in the read model; the case file asks Temporal
 * for them as it does in use.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NO_DEADLINE } from '../../../activities/cases';
import { issueToken } from '../../auth/tokens';
import type { Db } from '../../db/client';
import { OPEN_STAGES, REASON_CODES } from '../../../workflows/domain/case';
import { DAY_MS } from '../../../workflows/domain/time';
import { sleep } from '../chaos/load';
import { ProcessStack } from '../process-stack';
import { ProductDriver } from './drivers';
import { latency, round, timed, type Latency } from './measure';
import { random, sqliteDate } from './seeding';

const DEPARTMENTS = ['fraud', 'merchant-disputes', 'chargebacks'];
const AGENT = 'merchant-disputes-agent-1';
const SUPERVISOR = 'merchant-disputes-supervisor';
const SPARE = 10;
const SEED_BATCH = 2_000;

/**
 * `count` cases in the read model, ids BENCH-<n>, written straight into the SQLite file
 * (Prisma's createMany takes a minute for what this does in seconds), in transactions of
 * SEED_BATCH rows: short enough that the worker's writes, waiting for the lock, are not refused.
 */
async function seedBacklog(db: Db, file: string, count: number): Promise<void> {
  const charges = await db.cardTransaction.findMany({ include: { card: true }, take: 2_000 });
  const next = random(22);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const now = Date.now();
  const sqlite = new Database(file);
  try {
    sqlite.pragma('busy_timeout = 10000');
    const insert = sqlite.prepare(
      `INSERT INTO "Case" (id, workflowId, customerId, cardId, transactionId, amountCents, currency, reasonCode,
         stage, departmentId, assigneeId, queue, attritionRisk, priority, slaBreached, nextDeadlineAt, dueAt,
         openedBy, openedAt, updatedAt, closedAt)
       VALUES (?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, 'agents', ?, ?, ?, ?, ?, 'intake-agent-1', ?, ?, ?)`,
    );
    const batch = sqlite.transaction((from: number) => {
      for (let i = from; i < Math.min(from + SEED_BATCH, count); i++) {
        const charge = charges[i % charges.length];
        const open = next() < 0.7;
        const departmentId = pick(DEPARTMENTS);
        const openedAt = new Date(now - Math.floor(next() * 120) * DAY_MS);
        const amountCents = 100 + Math.floor(next() * 200_000);
        const reason = pick(REASON_CODES);
        const stage = open ? pick(OPEN_STAGES) : 'closed';
        const assigneeId = next() < 0.5 ? `${departmentId}-agent-${1 + Math.floor(next() * 3)}` : null;
        const risk = pick(['none', 'none', 'none', 'watch', 'high']);
        const priority = next() < 0.05 ? 1 : 0;
        const slaBreached = next() < 0.1 ? 1 : 0;
        // A day ahead at least: the real cases, due now, lead the queue.
        const deadline = open ? new Date(now + (1 + Math.floor(next() * 60)) * DAY_MS) : null;
        insert.run(
          `BENCH-${i}`,
          `bench-${i}`,
          charge.card.customerId,
          charge.cardId,
          charge.id,
          amountCents,
          reason,
          stage,
          departmentId,
          assigneeId,
          risk,
          priority,
          slaBreached,
          sqliteDate(deadline),
          sqliteDate(deadline ?? NO_DEADLINE),
          sqliteDate(openedAt),
          sqliteDate(openedAt),
          sqliteDate(open ? null : new Date(openedAt.getTime() + 30 * DAY_MS)),
        );
      }
    });
    for (let from = 0; from < count; from += SEED_BATCH) batch(from);
  } finally {
    sqlite.close();
  }
}

/** A browser signed in to the console: its session cookie and its CSRF token. */
async function signIn(db: Db, base: string, staffId: string): Promise<{ cookie: string; csrf: string }> {
  const { token } = await issueToken(db, staffId, { days: 1, label: 'bench' });
  const res = await fetch(`${base}/console/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`console sign-in as ${staffId} answered ${res.status}`);
  const page = await (await fetch(`${base}/console`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error('the console page carries no CSRF token');
  return { cookie, csrf };
}

export interface ConsoleFigures {
  backlog: number;
  openCases: number;
  samples: number;
  queue: Latency;
  queueFiltered: Latency;
  caseFile: Latency;
  nextCase: Latency;
  supervision: Latency;
}

export async function consoleAtScale(
  backlog: number,
  samples: number,
  progress: (line: string) => void,
): Promise<ConsoleFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-console-'));
  const stack = await ProcessStack.start({ dir, customers: samples + SPARE + 20, shortClocks: false });
  try {
    // Real cases for the agent to take and read (opened first: intake finds them among few), made
    // the most urgent of their queue once the backlog is in; a few spare, so the last "next case"
    // still finds a real one when the read model lags behind a case just taken.
    const driver = await ProductDriver.create(stack.db, [stack.apiBase]);
    const real: string[] = [];
    while (real.length < samples + SPARE) {
      const id = await driver.open();
      await driver.ready(id);
      const row = await stack.db.case.findUniqueOrThrow({ where: { id } });
      if (row.departmentId === 'merchant-disputes') real.push(id);
    }
    progress(`console: seeding ${backlog} cases into the read model`);
    await seedBacklog(stack.db, stack.databaseFile!, backlog);
    // Once their first writes are in (routing, the acknowledgement), which would undo the bump.
    await sleep(3_000);
    await stack.db.case.updateMany({
      where: { id: { in: real } },
      data: { priority: 1, slaBreached: true, nextDeadlineAt: new Date(), dueAt: new Date() },
    });
    const agent = await signIn(stack.db, stack.apiBase, AGENT);
    const supervisor = await signIn(stack.db, stack.apiBase, SUPERVISOR);
    const get = (url: string, who: { cookie: string }) =>
      timed(async () => {
        const res = await fetch(`${stack.apiBase}${url}`, { headers: { cookie: who.cookie } });
        await res.text();
        if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
      });
    const times = async (work: (i: number) => Promise<number>) => {
      const out: number[] = [];
      for (let i = 0; i < samples; i++) out.push(await work(i));
      return out;
    };
    // A first request of each kind warms the API's code paths and SQLite's cache.
    await get('/console', agent);
    progress('console: the queue, a filtered queue, the supervisor’s view');
    const queue = await times(() => get('/console', agent));
    const queueFiltered = await times(() => get('/console?risk=high&sla=breached&olderThanDays=30', agent));
    const supervision = await times(() => get('/console/supervision', supervisor));
    progress('console: take the next case, then read it');
    const nextCase = await times(() =>
      timed(async () => {
        const res = await fetch(`${stack.apiBase}/console/next`, {
          method: 'POST',
          headers: {
            cookie: agent.cookie,
            'content-type': 'application/x-www-form-urlencoded',
            'sec-fetch-site': 'same-origin',
          },
          body: new URLSearchParams({ _csrf: agent.csrf, requestId: randomUUID() }),
          redirect: 'manual',
        });
        if (res.status !== 303) throw new Error(`POST /console/next answered ${res.status}: ${await res.text()}`);
      }),
    );
    const caseFile = await times((i) => get(`/console/cases/${real[i % real.length]}`, agent));
    const summary = (xs: number[]) => {
      const l = latency(xs);
      return { count: l.count, p50: round(l.p50), p95: round(l.p95), p99: round(l.p99) };
    };
    return {
      backlog,
      openCases: await stack.db.case.count({ where: { stage: { in: [...OPEN_STAGES] } } }),
      samples,
      queue: summary(queue),
      queueFiltered: summary(queueFiltered),
      caseFile: summary(caseFile),
      nextCase: summary(nextCase),
      supervision: summary(supervision),
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
