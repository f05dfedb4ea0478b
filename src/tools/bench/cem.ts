/**
 * The customer-experience figures at a real bank's scale: `count` cases over 180 days with their
 * lives in the read model and the audit log (routing, clocks, assignments, questions to the
 * customer, transfers, chases, breaches, attrition alerts and outreach, resolutions, surveys,
 * retention decisions, every stay), written straight into a fresh SQLite file; then every figure
 * for the last 90 days, for all departments and for one, as `computeFigures` and as
 * `GET /metrics/cem`, one request at a time as a manager's browser asks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { seed } from '../../../prisma/seed';
import { createApp } from '../../api/app';
import { issueToken } from '../../auth/tokens';
import { computeFigures } from '../../cem/figures';
import { refreshFacts, refreshStaleFacts, STALE_FACTS } from '../../cem/rollup';
import { createDb } from '../../db/client';
import { migrate } from '../../db/migrate';
import { emptyPostgres } from '../../db/scratch';
import { log } from '../../log';
import { REASON_CODES } from '../../../workflows/domain/case';
import { DAY_MS, HOUR_MS } from '../../../workflows/domain/time';
import { latency, round, timed, type Latency } from './measure';
import { random, sqliteDate } from './seeding';

const DEPARTMENTS = ['fraud', 'merchant-disputes', 'chargebacks'];
const SEED_BATCH = 5_000;

export interface CemFigures {
  database: 'sqlite' | 'postgresql';
  cases: number;
  events: number;
  stays: number;
  surveyAnswers: number;
  rangeDays: number;
  samples: number;
  /** computeFigures in process: every figure, all departments. */
  allDepartments: Latency;
  oneDepartment: Latency;
  /** Making every case's figure facts and their day sums from nothing (src/cem/rollup.ts), in ms. */
  rebuildMs: number;
  facts: number;
  /** One case's facts made again after a change, as the read-model sync does. */
  refreshOne: Latency;
  /** GET /metrics/cem as JSON and as CSV, from request to the whole answer. */
  json: Latency;
  csv: Latency;
}

type Stay = { stage: string; dept: string; from: number; to: number | null };
type Event = { type: string; actor: string; at: number; data: Record<string, unknown> };

/** One case's life, drawn from `next`: what the read model and the audit log hold of it. */
function caseLife(i: number, next: () => number, now: number) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  let dept = pick(DEPARTMENTS);
  const openedAt = now - next() * 180 * DAY_MS;
  const length = (2 + Math.floor(next() ** 2 * 70)) * DAY_MS;
  const resolvedAt = openedAt + length;
  const agent = `${dept}-agent-${1 + Math.floor(next() * 3)}`;
  const regE = next() < 0.6;
  const clocks = (
    regE
      ? [
          ['reg-e:provisional-credit', 10],
          ['reg-e:resolution', 45],
        ]
      : [
          ['reg-z:acknowledgement', 30],
          ['reg-z:resolution', 90],
        ]
  ).map(([rule, days]) => ({
    rule: String(rule),
    dueAt: openedAt + Number(days) * DAY_MS,
    passedAt: null as number | null,
  }));
  const events: Event[] = [
    { type: 'opened', actor: 'intake-agent-1', at: openedAt, data: {} },
    {
      type: 'regulatory_clocks_started',
      actor: 'system:regulation',
      at: openedAt,
      data: {
        clocks: clocks.map((c) => ({ id: c.rule, label: c.rule, deadline: new Date(c.dueAt).toISOString() })),
      },
    },
    { type: 'routed', actor: 'system:routing', at: openedAt, data: { from: 'intake', to: dept } },
  ];
  const stays: Stay[] = [{ stage: 'investigation', dept, from: openedAt, to: null }];
  const moveTo = (stage: string, at: number) => {
    stays.at(-1)!.to = at;
    stays.push({ stage, dept, from: at, to: null });
  };
  const assignment = { agent, at: openedAt + next() * 48 * HOUR_MS, actedAt: 0 };
  assignment.actedAt = assignment.at + next() * 24 * HOUR_MS;
  events.push({ type: 'assigned', actor: `${dept}-supervisor`, at: assignment.at, data: { from: null, to: agent } });
  events.push({ type: 'note', actor: agent, at: assignment.actedAt, data: { text: 'looked' } });
  if (next() < 0.35) {
    const asked = openedAt + length * 0.3;
    events.push({ type: 'info_requested', actor: agent, at: asked, data: { question: 'receipt?' } });
    moveTo('awaiting_customer', asked);
    const answered = asked + (1 + next() * 6) * DAY_MS;
    events.push({ type: 'customer_responded', actor: 'customer:bench', at: answered, data: {} });
    moveTo('investigation', answered);
  }
  if (next() < 0.1) {
    const moved = openedAt + length * 0.6;
    const to = pick(DEPARTMENTS.filter((d) => d !== dept));
    events.push({ type: 'transferred', actor: `${dept}-supervisor`, at: moved, data: { from: dept, to } });
    dept = to;
    moveTo('investigation', moved);
  }
  const resolved = resolvedAt < now;
  const outcome =
    next() < 0.05 ? 'withdrawn' : pick(['customer_favour', 'customer_favour', 'merchant_favour', 'partial']);
  const closedAt = resolvedAt + DAY_MS;
  if (resolved) {
    events.push({ type: 'resolved', actor: agent, at: resolvedAt, data: { outcome } });
    moveTo('resolved', resolvedAt);
    if (closedAt < now) {
      events.push({ type: 'closed', actor: 'system:reopen-window', at: closedAt, data: { outcome } });
      moveTo('closed', closedAt);
    }
  }
  if (next() < 0.1 && openedAt + 10 * DAY_MS < Math.min(resolvedAt, now))
    events.push({ type: 'sla_breached', actor: 'system:sla', at: openedAt + 10 * DAY_MS, data: {} });
  if (regE && next() < 0.03 && openedAt + 10 * DAY_MS < now) {
    clocks[0].passedAt = clocks[0].dueAt;
    events.push({
      type: 'regulatory_deadline_passed',
      actor: 'system:regulation',
      at: openedAt + 10 * DAY_MS,
      data: { clock: 'reg-e:provisional-credit' },
    });
  }
  for (let k = Math.floor(next() * next() * 4); k > 0; k--) {
    const at = openedAt + next() * (length + 20 * DAY_MS);
    if (at < now) events.push({ type: 'customer_contacted', actor: 'customer:bench', at, data: { channel: 'phone' } });
  }
  // Attrition: a fifth of customers watched, half of those at high risk with an outreach.
  const risk = next();
  let outreach: { at: number; reached: boolean } | null = null;
  if (risk < 0.2) {
    const at = openedAt + next() * Math.min(length, now - openedAt);
    events.push({
      type: 'attrition_risk_changed',
      actor: 'system:attrition-watch',
      at,
      data: { from: 'none', to: 'watch' },
    });
    if (risk < 0.1) {
      events.push({
        type: 'attrition_risk_changed',
        actor: 'system:attrition-watch',
        at: at + HOUR_MS,
        data: { from: 'watch', to: 'high' },
      });
      outreach = { at: at + HOUR_MS, reached: next() < 0.7 };
      events.push({
        type: 'outreach_opened',
        actor: 'system:care',
        at: outreach.at,
        data: { outreachId: `bench-o-${i}` },
      });
      const offer =
        outreach.reached && next() < 0.5
          ? { kind: 'fee_waiver', valueCents: 1500, response: next() < 0.6 ? 'accepted' : 'declined' }
          : null;
      const done = outreach.at + DAY_MS;
      if (done < now) {
        events.push({
          type: 'outreach_completed',
          actor: 'care-agent-1',
          at: done,
          data: { outreachId: `bench-o-${i}`, reached: outreach.reached, offer },
        });
        if (offer?.response === 'accepted')
          events.push({
            type: 'concession_granted',
            actor: 'care-agent-1',
            at: done,
            data: { outreachId: `bench-o-${i}`, valueCents: 1500 },
          });
      }
    }
  }
  // Retention is decided 60 days after the resolution; customers alerted leave more often.
  const decidedAt = resolvedAt + 60 * DAY_MS;
  const retention = resolved && decidedAt < now ? (next() < (outreach ? 0.3 : 0.08) ? 'lost' : 'retained') : null;
  const survey =
    resolved && next() < 0.3
      ? {
          at: resolvedAt + (1 + next() * 4) * DAY_MS,
          satisfaction: 1 + Math.floor(next() * 5),
          recommend: Math.floor(next() * 11),
        }
      : null;
  const placeAt = (at: number) => [...stays].reverse().find((s) => s.from <= at) ?? stays[0];
  return {
    row: {
      dept,
      reason: pick(REASON_CODES),
      agent: next() < 0.8 ? agent : null,
      openedAt,
      stage: stays.at(-1)!.stage,
      resolvedAt: resolved ? resolvedAt : null,
      closedAt: resolved && closedAt < now ? closedAt : null,
      outcome: resolved ? outcome : null,
      slaNearAt: resolved ? null : openedAt + 8 * DAY_MS,
      retention,
      careVerdict: retention === 'retained' && outreach?.reached ? 'saved' : retention,
      decidedAt: retention ? decidedAt : null,
    },
    events: events.sort((a, b) => a.at - b.at).map((e) => ({ ...e, place: placeAt(e.at) })),
    deadlines: clocks,
    assignment,
    stays,
    outreach,
    survey: survey && survey.at < now ? survey : null,
  };
}

type Row = Record<string, string | number | boolean | Date | null>;

/** Where seeded rows go, table by table, in batches: a SQLite file or a PostgreSQL database. */
interface RowSink {
  add(table: string, row: Row): void;
  /** Writes what is buffered. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Straight into the SQLite file (Prisma's createMany takes minutes for what this does in seconds). */
function sqliteSink(file: string): RowSink {
  const sqlite = new Database(file);
  const buffered: [string, Row][] = [];
  const statements = new Map<string, Database.Statement>();
  const value = (v: Row[string]) => (v instanceof Date ? sqliteDate(v) : typeof v === 'boolean' ? Number(v) : v);
  const write = sqlite.transaction((rows: [string, Row][]) => {
    for (const [table, row] of rows) {
      const columns = Object.keys(row);
      const key = `${table} ${columns.join(',')}`;
      let statement = statements.get(key);
      if (!statement) {
        statement = sqlite.prepare(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        statements.set(key, statement);
      }
      statement.run(...columns.map((c) => value(row[c])));
    }
  });
  return {
    add: (table, row) => void buffered.push([table, row]),
    flush: async () => void write(buffered.splice(0)),
    close: async () => {
      sqlite.exec('ANALYZE');
      sqlite.close();
    },
  };
}

/** Into PostgreSQL, many rows a statement. */
async function postgresSink(url: string): Promise<RowSink> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const buffered = new Map<string, Row[]>();
  const value = (v: Row[string]) => (v instanceof Date ? v.toISOString() : v);
  return {
    add: (table, row) => {
      const rows = buffered.get(table) ?? [];
      rows.push(row);
      buffered.set(table, rows);
    },
    flush: async () => {
      for (const [table, rows] of buffered) {
        const columns = Object.keys(rows[0]);
        const per = Math.floor(30_000 / columns.length);
        for (let i = 0; i < rows.length; i += per) {
          const params: unknown[] = [];
          const tuples = rows.slice(i, i + per).map(
            (row) =>
              `(${columns
                .map((c) => {
                  params.push(value(row[c]));
                  return `$${params.length}`;
                })
                .join(', ')})`,
          );
          await client.query(
            `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
            params,
          );
        }
      }
      buffered.clear();
    },
    close: async () => {
      await client.query('ANALYZE');
      await client.end();
    },
  };
}

/**
 * `count` cases and their lives, ids CEM-<n>, as the product's sync writes them: the case row,
 * its events with their places, its stays, regulatory deadlines and assignment, outreach, survey.
 */
async function seedLives(
  sink: RowSink,
  count: number,
  charges: { id: string; cardId: string; customerId: string }[],
  now: number,
) {
  const next = random(24);
  const totals = { events: 0, stays: 0, surveyAnswers: 0 };
  const at = (ms: number | null) => (ms === null ? null : new Date(ms));
  for (let i = 0; i < count; i++) {
    const id = `CEM-${i}`;
    const charge = charges[i % charges.length];
    const life = caseLife(i, next, now);
    const r = life.row;
    sink.add('Case', {
      id,
      workflowId: `cem-${i}`,
      customerId: charge.customerId,
      cardId: charge.cardId,
      transactionId: charge.id,
      amountCents: 100 + Math.floor(next() * 200_000),
      reasonCode: r.reason,
      stage: r.stage,
      departmentId: r.dept,
      assigneeId: r.agent,
      slaNearAt: at(r.slaNearAt),
      openedBy: 'intake-agent-1',
      openedAt: at(r.openedAt),
      updatedAt: at(r.openedAt),
      resolvedAt: at(r.resolvedAt),
      closedAt: at(r.closedAt),
      outcome: r.outcome,
      retentionOutcome: r.retention,
      retentionDecidedAt: at(r.decidedAt),
      careVerdict: r.careVerdict,
    });
    life.events.forEach((e, seq) =>
      sink.add('CaseEvent', {
        caseId: id,
        eventKey: String(seq + 1),
        type: e.type,
        actor: e.actor,
        at: at(e.at),
        data: JSON.stringify(e.data),
        stage: e.place.stage,
        departmentId: e.place.dept,
      }),
    );
    for (const s of life.stays)
      sink.add('CaseStay', {
        caseId: id,
        stage: s.stage,
        departmentId: s.dept,
        enteredAt: at(s.from),
        leftAt: at(s.to),
        version: 1,
      });
    for (const d of life.deadlines)
      sink.add('RegulatoryDeadline', { caseId: id, ...d, dueAt: at(d.dueAt), passedAt: at(d.passedAt) });
    sink.add('CaseAssignment', {
      caseId: id,
      agentId: life.assignment.agent,
      assignedAt: at(life.assignment.at),
      actedAt: at(life.assignment.actedAt),
    });
    if (life.outreach)
      sink.add('OutreachTask', {
        id: `bench-o-${i}`,
        idempotencyKey: `bench-o-${i}`,
        caseId: id,
        customerId: charge.customerId,
        status: 'completed',
        recommendation: '{}',
        createdAt: at(life.outreach.at),
      });
    if (life.survey)
      sink.add('SurveyAnswer', {
        caseId: id,
        customerId: charge.customerId,
        satisfaction: life.survey.satisfaction,
        recommend: life.survey.recommend,
        answeredAt: at(life.survey.at),
      });
    totals.events += life.events.length;
    totals.stays += life.stays.length;
    totals.surveyAnswers += life.survey ? 1 : 0;
    if (i % SEED_BATCH === SEED_BATCH - 1) await sink.flush();
  }
  await sink.flush();
  return totals;
}

/**
 * Every figure for the last 90 days over `count` seeded cases: on a fresh SQLite file, or on a
 * fresh database of the PostgreSQL server `postgresUrl` names.
 */
export async function figuresAtScale(
  count: number,
  samples: number,
  progress: (line: string) => void,
  postgresUrl?: string,
): Promise<CemFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cem-'));
  const scratch = postgresUrl ? await emptyPostgres(postgresUrl, 'cem_bench') : null;
  const url = scratch?.url ?? `file:${path.join(dir, 'cem.db')}`;
  const db = createDb(url);
  let listening: Server | null = null;
  try {
    await migrate(db, url);
    await seed(db, { customers: 200 });
    const charges = (await db.cardTransaction.findMany({ include: { card: true }, take: 2_000 })).map((t) => ({
      id: t.id,
      cardId: t.cardId,
      customerId: t.card.customerId,
    }));
    const now = Date.now();
    progress(`cem: seeding ${count} cases with their lives into the read model and the audit log`);
    const sink = scratch ? await postgresSink(url) : sqliteSink(url.replace(/^file:/, ''));
    const totals = await seedLives(sink, count, charges, now);
    await sink.close();
    const rangeDays = 90;
    const range = { from: new Date(now - rangeDays * DAY_MS), to: new Date(now), departmentId: null };
    const times = async (work: () => Promise<unknown>) => {
      await work(); // warms the code paths and the database's cache
      const out: number[] = [];
      for (let i = 0; i < samples; i++) out.push(await timed(work));
      return out;
    };
    progress("cem: every case's figure facts and their day sums, from nothing");
    const rebuildMs = await timed(() => refreshStaleFacts(db));
    const facts = await db.caseFact.count();
    progress("cem: every figure for 90 days, all departments and one; one case's facts made again");
    const all = await times(() => computeFigures(db, range, new Date(now)));
    const one = await times(() => computeFigures(db, { ...range, departmentId: 'fraud' }, new Date(now)));
    let n = 0;
    const refreshOne = summary(
      await times(async () => {
        const id = `CEM-${(n++ * 7919) % count}`;
        await db.case.update({ where: { id }, data: STALE_FACTS });
        await refreshFacts(db, [id]);
      }),
    );

    // The API answers in this process: its request lines would bury the bench's own.
    log.level = 'warn';
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    listening = createApp({ db, temporal, taskQueue: 'unused' }).listen(0);
    await new Promise((resolve) => listening!.once('listening', resolve));
    const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const { token } = await issueToken(db, 'admin', { days: 1, label: 'bench' });
    const query = new URLSearchParams({ from: range.from.toISOString(), to: range.to.toISOString() });
    const get = (route: string) => async () => {
      const res = await fetch(`${base}${route}?${query.toString()}`, { headers: { authorization: `Bearer ${token}` } });
      await res.text();
      if (res.status !== 200) throw new Error(`GET ${route} answered ${res.status}`);
    };
    progress('cem: GET /metrics/cem and /metrics/cem.csv');
    const json = await times(get('/metrics/cem'));
    const csv = await times(get('/metrics/cem.csv'));
    return {
      database: scratch ? 'postgresql' : 'sqlite',
      cases: count,
      ...totals,
      rangeDays,
      samples,
      rebuildMs: round(rebuildMs),
      facts,
      refreshOne,
      allDepartments: summary(all),
      oneDepartment: summary(one),
      json: summary(json),
      csv: summary(csv),
    };
  } finally {
    listening?.close();
    await db.$disconnect();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summary(times: number[]): Latency {
  const l = latency(times);
  return { count: l.count, p50: round(l.p50), p95: round(l.p95), p99: round(l.p99) };
}
