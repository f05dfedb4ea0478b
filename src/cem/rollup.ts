/**
 * Keeps each case's figure facts (`facts.ts`) and their sums per day (`FigureDay`) current, and
 * reads a range's sums back: whole days from `FigureDay`, the part-days at either end from the
 * facts themselves.
 *
 * Whatever changes what a case's facts read (the read-model sync, the retention decision, a
 * survey answer) sets the case's `factsVersion` to 0 in the same write, then refreshes it. A
 * refresh makes the case's facts again, writes only the ones that changed, and sums the cells
 * they belong to again from the facts: idempotent, so a retry or a second refresh changes
 * nothing. A case left stale (a crash between the two, or facts of an older FACTS_VERSION) is
 * refreshed by the next figure request or the worker at start.
 *
 * Refreshes run one at a time per database (SQLite's write lock; an advisory lock on PostgreSQL),
 * so a cell summed again always sees every fact committed before it.
 */
import type { Prisma } from '../db/generated/sqlite/client';
import { providerOf, type Db } from '../db/client';
import {
  caseFacts,
  cellOf,
  dayOf,
  DAILY_KINDS,
  FACTS_VERSION,
  type CaseRecord,
  type Fact,
  type FactKind,
} from './facts';
import { dialectOf, empty, join, num, raw, sql, type Dialect, type Sql } from './sql';

type Tx = Prisma.TransactionClient;

/** The most parameters a statement takes (SQLite's limit). */
const PARAMETERS = 999;
/** Cases whose facts are made in one transaction (a query names them all). */
const BATCH = 500;
/** Cells summed again in one statement. */
const CELLS_PER_STATEMENT = 500;
/** The key of PostgreSQL's advisory lock that makes refreshes take turns. */
const REFRESH_LOCK = 7_326_110_024;
const TRANSACTION = { maxWait: 10_000, timeout: 120_000 };

/** More cases' facts stale than a figure request makes again itself: the worker is rebuilding them. */
export class FiguresRebuilding extends Error {
  constructor(readonly cases: number) {
    super(`the figures' facts of ${cases} cases are being made again`);
  }
}

/** How many cases' facts are stale or of an older version. */
export const staleCases = (db: Db): Promise<number> =>
  db.case.count({ where: { factsVersion: { lt: FACTS_VERSION } } });

/** Marks a case's facts stale: part of the write that changes what they read. */
export const STALE_FACTS = { factsVersion: 0 } as const;

/** Makes these cases' facts again, and the sums of every cell they changed. */
export async function refreshFacts(db: Db, caseIds: readonly string[]): Promise<void> {
  const dialect = dialectOf(db);
  for (let i = 0; i < caseIds.length; i += BATCH) {
    const ids = caseIds.slice(i, i + BATCH);
    await db.$transaction(async (tx) => {
      await takeTurn(tx, db);
      await refreshIn(tx, dialect, ids);
    }, TRANSACTION);
  }
}

/** Cases whose facts are stale or of an older version: the ones to make again. */
const STALE = { factsVersion: { lt: FACTS_VERSION, not: -FACTS_VERSION } };
/** Cases whose facts are made but whose cells wait for the whole rebuild's sums. */
const SUMS_PENDING = { factsVersion: -FACTS_VERSION };

/**
 * Refreshes every case whose facts are stale or of an older version; how many there were. Many
 * (after an upgrade that changed the facts) are made in batches and every cell is summed once
 * at the end, rather than each cell again with every batch.
 */
export async function refreshStaleFacts(db: Db, batch = BATCH): Promise<number> {
  const stale = await staleCases(db);
  if (stale === 0) return 0;
  const dialect = dialectOf(db);
  const many = stale > batch;
  let refreshed = 0;
  for (;;) {
    const done = await db.$transaction(async (tx) => {
      await takeTurn(tx, db);
      const ids = (await tx.case.findMany({ where: STALE, select: { id: true }, take: batch })).map((c) => c.id);
      await refreshIn(tx, dialect, ids, many ? 'later' : 'now');
      return ids.length;
    }, TRANSACTION);
    refreshed += done;
    if (done < batch) break;
  }
  if (many || (await db.case.count({ where: SUMS_PENDING })) > 0) {
    await db.$transaction(async (tx) => {
      await takeTurn(tx, db);
      await tx.$executeRaw`DELETE FROM "FigureDay"`;
      await tx.$executeRaw(sumFromFacts(dialect, empty));
      await tx.case.updateMany({ where: SUMS_PENDING, data: { factsVersion: FACTS_VERSION } });
    }, TRANSACTION);
  }
  return refreshed;
}

async function takeTurn(tx: Tx, db: Db): Promise<void> {
  if (providerOf(db) === 'postgresql')
    await tx.$queryRaw`SELECT 1 AS turn FROM (SELECT pg_advisory_xact_lock(${REFRESH_LOCK}::bigint)) AS locked`;
}

/** Makes the cases' facts again; sums their cells `now`, or marks them to be summed `later` with every cell. */
async function refreshIn(tx: Tx, dialect: Dialect, ids: string[], sums: 'now' | 'later' = 'now'): Promise<void> {
  if (ids.length === 0) return;
  const [records, stored] = await Promise.all([
    caseRecords(tx, ids),
    tx.caseFact.findMany({
      where: { caseId: { in: ids } },
      select: {
        id: true,
        caseId: true,
        kind: true,
        at: true,
        department: true,
        detail: true,
        count: true,
        amount: true,
        value: true,
        cell: true,
      },
    }),
  ]);
  const storedOf = groupBy(stored, (f) => f.caseId);
  const removed: number[] = [];
  const added: Prisma.CaseFactCreateManyInput[] = [];
  const cells = new Set<string>();
  for (const [caseId, record] of records) {
    // Facts are compared whole: the ones stored and made again are left as they are.
    const unmatched = groupBy(storedOf.get(caseId) ?? [], factKey);
    for (const fact of caseFacts(record)) {
      if (unmatched.get(factKey(fact))?.pop()) continue;
      const cell = cellOf(fact);
      cells.add(cell);
      added.push({ caseId, ...fact, day: dayOf(fact.at), cell });
    }
    for (const left of unmatched.values())
      for (const f of left) {
        removed.push(f.id);
        cells.add(f.cell);
      }
  }
  for (let i = 0; i < removed.length; i += PARAMETERS)
    await tx.caseFact.deleteMany({ where: { id: { in: removed.slice(i, i + PARAMETERS) } } });
  await insertFacts(tx, added);
  if (sums === 'later') await tx.case.updateMany({ where: { id: { in: ids } }, data: SUMS_PENDING });
  else {
    await tx.case.updateMany({ where: { id: { in: ids } }, data: { factsVersion: FACTS_VERSION } });
    await sumCells(tx, dialect, [...cells]);
  }
}

const FACT_COLUMNS = [
  'caseId',
  'kind',
  'at',
  'day',
  'department',
  'detail',
  'count',
  'amount',
  'value',
  'cell',
] as const;
const FACTS_PER_STATEMENT = Math.floor(PARAMETERS / FACT_COLUMNS.length);

/** Writes facts many rows a statement (Prisma's createMany sends SQLite a row at a time, ten times slower). */
async function insertFacts(tx: Tx, facts: readonly Prisma.CaseFactCreateManyInput[]): Promise<void> {
  const columns = raw(FACT_COLUMNS.map((c) => `"${c}"`).join(', '));
  for (let i = 0; i < facts.length; i += FACTS_PER_STATEMENT) {
    const rows = facts
      .slice(i, i + FACTS_PER_STATEMENT)
      .map((f) => sql`(${join(FACT_COLUMNS.map((c) => f[c] ?? null))})`);
    await tx.$executeRaw`INSERT INTO "CaseFact" (${columns}) VALUES ${join(rows)}`;
  }
}

const factKey = (f: Omit<Fact, 'kind'> & { kind: string }): string =>
  `${f.kind}|${f.at.getTime()}|${f.department}|${f.detail}|${f.count}|${f.amount}|${f.value}`;

/** Sums each cell again from its facts (a cell left with none goes). */
async function sumCells(tx: Tx, dialect: Dialect, cells: string[]): Promise<void> {
  for (let i = 0; i < cells.length; i += CELLS_PER_STATEMENT) {
    const chunk = join(cells.slice(i, i + CELLS_PER_STATEMENT));
    await tx.$executeRaw`DELETE FROM "FigureDay" WHERE "cell" IN (${chunk})`;
    await tx.$executeRaw(sumFromFacts(dialect, sql`WHERE "cell" IN (${chunk})`));
  }
}

/** Writes the sum of the facts of each cell `where` picks (every cell when empty). */
const sumFromFacts = (dialect: Dialect, where: Sql) => sql`
  INSERT INTO "FigureDay" ("cell", "kind", "day", "department", "detail", "count", "amount", "vals")
  SELECT "cell", MIN("kind"), MIN("day"), MIN("department"), MIN("detail"), SUM("count"), SUM("amount"),
         ${dialect.concat(sql`CAST("value" AS TEXT)`)}
  FROM "CaseFact" ${where}
  GROUP BY "cell"`;

/** What the facts read of each case, by id (cases that do not exist are left out). */
async function caseRecords(tx: Tx, ids: string[]): Promise<Map<string, CaseRecord>> {
  const where = { caseId: { in: ids } };
  const [cases, events, stays, deadlines, assignments, surveys] = await Promise.all([
    tx.case.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        departmentId: true,
        reasonCode: true,
        openedAt: true,
        resolvedAt: true,
        outcome: true,
        resolvedAmountCents: true,
        retentionOutcome: true,
        retentionDecidedAt: true,
        careVerdict: true,
        customer: { select: { lifetimeValueCents: true } },
      },
    }),
    tx.caseEvent.findMany({
      where,
      select: { caseId: true, type: true, actor: true, at: true, data: true, stage: true, departmentId: true },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    }),
    tx.caseStay.findMany({
      where,
      select: { caseId: true, stage: true, departmentId: true, enteredAt: true, leftAt: true },
    }),
    tx.regulatoryDeadline.findMany({ where, select: { caseId: true, rule: true, dueAt: true, passedAt: true } }),
    tx.caseAssignment.findMany({ where, select: { caseId: true, agentId: true, assignedAt: true, actedAt: true } }),
    tx.surveyAnswer.findMany({
      where,
      select: { caseId: true, satisfaction: true, recommend: true, answeredAt: true },
    }),
  ]);
  const eventsOf = groupBy(events, (e) => e.caseId);
  const staysOf = groupBy(stays, (s) => s.caseId);
  const deadlinesOf = groupBy(deadlines, (d) => d.caseId);
  const assignmentsOf = groupBy(assignments, (a) => a.caseId);
  const surveysOf = groupBy(surveys, (s) => s.caseId);
  return new Map(
    cases.map(({ id, customer, ...c }) => [
      id,
      {
        ...c,
        lifetimeValueCents: customer.lifetimeValueCents,
        events: (eventsOf.get(id) ?? []).map((e) => ({ ...e, data: parsed(e.data) })),
        stays: staysOf.get(id) ?? [],
        deadlines: deadlinesOf.get(id) ?? [],
        assignments: assignmentsOf.get(id) ?? [],
        surveys: surveysOf.get(id) ?? [],
      },
    ]),
  );
}

function parsed(json: string): Record<string, unknown> {
  try {
    const data = JSON.parse(json) as unknown;
    return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** The facts of some kinds over a window, summed per department and detail (and per day for DAILY_KINDS). */
export type FactSum = {
  kind: FactKind;
  /** The day for DAILY_KINDS; '' for the others. */
  day: string;
  department: string;
  detail: string;
  count: number;
  amount: number;
  values: number[];
};

/**
 * The facts of `kinds` at or after `from` and before `to`, summed: the whole days from their
 * sums, the part-days at either end from the facts. Only one department's, when `department` is set.
 */
export async function sumFacts(
  db: Db,
  kinds: readonly FactKind[],
  { from, to, department }: { from: Date; to: Date; department: string | null },
): Promise<FactSum[]> {
  if (from >= to || kinds.length === 0) return [];
  const dialect = dialectOf(db);
  const firstWhole = startOfDay(from) < from ? new Date(startOfDay(from).getTime() + 86_400_000) : from;
  const lastWhole = startOfDay(to);
  const filter = sql`"kind" IN (${join([...kinds])}) ${department ? sql`AND "department" = ${department}` : sql``}`;
  const day = sql`CASE WHEN "kind" IN (${join([...DAILY_KINDS])}) THEN "day" ELSE '' END`;
  const fromFacts = (a: Date, b: Date) =>
    db.$queryRaw<Record<string, unknown>[]>(sql`
      SELECT "kind" AS kind, ${day} AS day, "department" AS department, "detail" AS detail,
             SUM("count") AS count, SUM("amount") AS amount, ${dialect.concat(sql`CAST("value" AS TEXT)`)} AS vals
      FROM "CaseFact" WHERE "at" >= ${a} AND "at" < ${b} AND ${filter}
      GROUP BY 1, 2, 3, 4`);
  const parts: Promise<Record<string, unknown>[]>[] = [];
  if (firstWhole >= lastWhole) parts.push(fromFacts(from, to));
  else {
    if (from < firstWhole) parts.push(fromFacts(from, firstWhole));
    parts.push(
      db.$queryRaw<Record<string, unknown>[]>(sql`
        SELECT "kind" AS kind, ${day} AS day, "department" AS department, "detail" AS detail,
               SUM("count") AS count, SUM("amount") AS amount, ${dialect.concat(sql`"vals"`)} AS vals
        FROM "FigureDay" WHERE "day" >= ${dayOf(firstWhole)} AND "day" < ${dayOf(lastWhole)} AND ${filter}
        GROUP BY 1, 2, 3, 4`),
    );
    if (lastWhole < to) parts.push(fromFacts(lastWhole, to));
  }
  const sums = new Map<string, FactSum>();
  for (const row of (await Promise.all(parts)).flat()) {
    const key = `${String(row.kind)}|${String(row.day)}|${String(row.department)}|${String(row.detail)}`;
    const sum = sums.get(key) ?? {
      kind: String(row.kind) as FactKind,
      day: String(row.day),
      department: String(row.department),
      detail: String(row.detail),
      count: 0,
      amount: 0,
      values: [],
    };
    sum.count += num(row.count);
    sum.amount += num(row.amount);
    if (typeof row.vals === 'string' && row.vals) for (const v of row.vals.split(',')) sum.values.push(Number(v));
    sums.set(key, sum);
  }
  return [...sums.values()];
}

const startOfDay = (at: Date) => new Date(`${dayOf(at)}T00:00:00.000Z`);
