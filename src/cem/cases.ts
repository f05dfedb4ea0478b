/**
 * The figures about cases and the bank's promises: open cases, cases opened and resolved, time to
 * resolution, SLA and Reg E / Reg Z compliance, first contact resolution and follow-ups. Each
 * query aggregates in the database; only the times that percentiles need come back one by one.
 */
import { DAY_MS } from '../../workflows/domain/time';
import { AGE_BANDS } from './definitions';
import { counted, grouped, percentile, share, total, value, type FigureContext, type Figures } from './rows';
import { dayOf, join, num, sql } from './sql';

type CaseFigures = Pick<
  Figures,
  | 'open_cases'
  | 'sla_near_deadline'
  | 'cases_opened'
  | 'cases_with_follow_ups'
  | 'follow_ups_per_case'
  | 'cases_resolved'
  | 'resolution_days_median'
  | 'resolution_days_p90'
  | 'sla_compliance'
  | 'first_contact_resolution'
  | 'regulatory_compliance'
>;

/** After a resolution, how long a customer contact still counts against first contact resolution. */
const FCR_WINDOW_DAYS = 30;
/** Resolved cases the bank decided: a withdrawal ended at the customer's word. */
const DECIDED = sql`COALESCE(c."outcome", '') <> 'withdrawn'`;

export async function caseFigures(q: FigureContext): Promise<CaseFigures> {
  const [open, opened, resolved, times, regulatory] = await Promise.all([
    openNow(q),
    openedInRange(q),
    resolvedInRange(q),
    resolutionTimes(q),
    regulatoryDeadlines(q),
  ]);
  return {
    open_cases: counted(
      open,
      (r) => ({ stage: r.stage, department: r.department, age: r.age }),
      (r) => r.cases,
    ),
    sla_near_deadline: grouped(
      'sla_near_deadline',
      open.filter((r) => r.clocked > 0),
      (rows) =>
        share(
          total(rows, (r) => r.near),
          total(rows, (r) => r.clocked),
        ),
    ),
    cases_opened: counted(
      opened,
      (r) => ({ day: r.day }),
      (r) => r.cases,
    ),
    cases_with_follow_ups: grouped('cases_with_follow_ups', opened, (rows) =>
      share(
        total(rows, (r) => r.chased),
        total(rows, (r) => r.cases),
      ),
    ),
    follow_ups_per_case: grouped('follow_ups_per_case', opened, (rows) =>
      share(
        total(rows, (r) => r.contacts),
        total(rows, (r) => r.cases),
      ),
    ),
    cases_resolved: counted(
      resolved,
      (r) => ({ day: r.day }),
      (r) => r.cases,
    ),
    resolution_days_median: grouped('resolution_days_median', times, (rows) =>
      value(
        percentile(
          rows.map((r) => r.days),
          0.5,
        ),
      ),
    ),
    resolution_days_p90: grouped('resolution_days_p90', times, (rows) =>
      value(
        percentile(
          rows.map((r) => r.days),
          0.9,
        ),
      ),
    ),
    sla_compliance: grouped('sla_compliance', resolved, (rows) =>
      share(
        total(rows, (r) => r.cases - r.breached),
        total(rows, (r) => r.cases),
      ),
    ),
    first_contact_resolution: grouped(
      'first_contact_resolution',
      resolved.filter((r) => r.settled > 0),
      (rows) =>
        share(
          total(rows, (r) => r.settled - r.chased),
          total(rows, (r) => r.settled),
        ),
    ),
    regulatory_compliance: grouped('regulatory_compliance', regulatory, (rows) =>
      share(
        total(rows, (r) => r.met),
        total(rows, (r) => r.due),
      ),
    ),
  };
}

/** Open cases now, by stage, department and age band, with how many run an SLA clock past 80%. */
async function openNow({ db, now, inDepartment }: FigureContext) {
  // The oldest band first: a case is in the first band whose start its age has reached.
  const [youngest, ...older] = AGE_BANDS;
  const whens = older
    .reverse()
    .map(
      (band) =>
        sql`WHEN c."openedAt" <= ${new Date(now.getTime() - band.fromDays * DAY_MS)} THEN CAST(${band.label} AS TEXT)`,
    );
  const age = sql`CASE ${join(whens, ' ')} ELSE CAST(${youngest.label} AS TEXT) END`;
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT c."stage" AS stage, c."departmentId" AS department, ${age} AS age, COUNT(*) AS cases,
           SUM(CASE WHEN c."slaNearAt" IS NOT NULL THEN 1 ELSE 0 END) AS clocked,
           SUM(CASE WHEN c."slaNearAt" <= ${now} THEN 1 ELSE 0 END) AS near
    FROM "Case" c
    WHERE c."stage" NOT IN ('resolved', 'closed') ${inDepartment}
    GROUP BY 1, 2, 3`);
  return rows.map((r) => ({
    stage: String(r.stage),
    department: String(r.department),
    age: String(r.age),
    cases: num(r.cases),
    clocked: num(r.clocked),
    near: num(r.near),
  }));
}

/** Cases opened in the range, by day and department, with the customer contacts on them (whenever made). */
async function openedInRange({ db, range, inDepartment }: FigureContext) {
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT day, department, COUNT(*) AS cases, SUM(CASE WHEN contacts > 0 THEN 1 ELSE 0 END) AS chased,
           SUM(contacts) AS contacts
    FROM (
      SELECT ${dayOf(sql`c."openedAt"`)} AS day, c."departmentId" AS department,
             (SELECT COUNT(*) FROM "CaseEvent" e WHERE e."type" = 'customer_contacted' AND e."caseId" = c."id") AS contacts
      FROM "Case" c
      WHERE c."openedAt" >= ${range.from} AND c."openedAt" < ${range.to} ${inDepartment}
    ) opened
    GROUP BY day, department`);
  return rows.map((r) => ({
    day: String(r.day),
    department: String(r.department),
    cases: num(r.cases),
    chased: num(r.chased),
    contacts: num(r.contacts),
  }));
}

/**
 * Cases resolved in the range (not withdrawn), by day and department: how many breached an SLA,
 * how many were resolved long enough ago for first contact resolution, and of those how many the
 * customer chased within its window.
 */
async function resolvedInRange({ db, dialect, range, now, inDepartment }: FigureContext) {
  const settledBy = new Date(now.getTime() - FCR_WINDOW_DAYS * DAY_MS);
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT day, department, COUNT(*) AS cases, SUM(breached) AS breached, SUM(settled) AS settled,
           SUM(chased) AS chased
    FROM (
      SELECT ${dayOf(sql`c."resolvedAt"`)} AS day, c."departmentId" AS department,
             CASE WHEN EXISTS (SELECT 1 FROM "CaseEvent" e WHERE e."type" = 'sla_breached' AND e."caseId" = c."id")
                  THEN 1 ELSE 0 END AS breached,
             CASE WHEN c."resolvedAt" <= ${settledBy} THEN 1 ELSE 0 END AS settled,
             CASE WHEN c."resolvedAt" <= ${settledBy} AND EXISTS (
                    SELECT 1 FROM "CaseEvent" e
                    WHERE e."type" = 'customer_contacted' AND e."caseId" = c."id"
                      AND e."at" <= ${dialect.plusDays(sql`c."resolvedAt"`, FCR_WINDOW_DAYS)})
                  THEN 1 ELSE 0 END AS chased
      FROM "Case" c
      WHERE c."resolvedAt" >= ${range.from} AND c."resolvedAt" < ${range.to} AND ${DECIDED} ${inDepartment}
    ) resolved
    GROUP BY day, department`);
  return rows.map((r) => ({
    day: String(r.day),
    department: String(r.department),
    cases: num(r.cases),
    breached: num(r.breached),
    settled: num(r.settled),
    chased: num(r.chased),
  }));
}

/** Each case resolved in the range (not withdrawn): its department, reason and days to resolution. */
async function resolutionTimes({ db, dialect, range, inDepartment }: FigureContext) {
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT c."departmentId" AS department, c."reasonCode" AS reason,
           ${dialect.daysBetween(sql`c."resolvedAt"`, sql`c."openedAt"`)} AS days
    FROM "Case" c
    WHERE c."resolvedAt" >= ${range.from} AND c."resolvedAt" < ${range.to} AND ${DECIDED} ${inDepartment}`);
  return rows.map((r) => ({ department: String(r.department), reason: String(r.reason), days: num(r.days) }));
}

/**
 * Regulatory deadlines due in the range (and before now), by rule, as each case's clocks set them,
 * and how many of them passed unmet in the range; withdrawn cases left out.
 */
async function regulatoryDeadlines({ db, range, now, inDepartment }: FigureContext) {
  const dueUntil = new Date(Math.min(range.to.getTime(), now.getTime()));
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT d."rule" AS rule, COUNT(*) AS due,
           SUM(CASE WHEN d."passedAt" >= ${range.from} AND d."passedAt" < ${range.to} THEN 0 ELSE 1 END) AS met
    FROM "RegulatoryDeadline" d JOIN "Case" c ON c."id" = d."caseId"
    WHERE d."dueAt" >= ${range.from} AND d."dueAt" < ${dueUntil} AND ${DECIDED} ${inDepartment}
    GROUP BY 1`);
  return rows.map((r) => ({ rule: String(r.rule), due: num(r.due), met: num(r.met) }));
}
