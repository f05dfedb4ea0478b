/**
 * The figures about cases and the bank's promises: open cases (now, from the read model), cases
 * opened and resolved, time to resolution, SLA and Reg E / Reg Z compliance, first contact
 * resolution and follow-ups (from the facts' sums over the range).
 */
import { DAY_MS } from '../../workflows/domain/time';
import { AGE_BANDS } from './definitions';
import type { FactKind } from './facts';
import type { FactSum } from './rollup';
import { counted, grouped, percentile, share, total, value, valuesOf, type FactsOf, type Figures } from './rows';
import type { Db } from '../db/client';
import { empty, join, num, sql } from './sql';

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
  | 'write_offs'
  | 'chargebacks_won'
>;

export function caseFigures(open: OpenCases, facts: FactsOf): CaseFigures {
  const opened = [...facts('opened'), ...facts('opened_chased')];
  const resolved = facts('resolved').map((r) => ({ ...r, reason: r.detail }));
  const amount = (kind: FactKind) => (rows: readonly FactSum[]) => total(rows, (r) => (r.kind === kind ? r.amount : 0));
  const count = (kind: FactKind) => (rows: readonly FactSum[]) => total(rows, (r) => (r.kind === kind ? r.count : 0));
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
      facts('opened'),
      (r) => ({ day: r.day }),
      (r) => r.count,
    ),
    cases_with_follow_ups: grouped('cases_with_follow_ups', opened, (rows) =>
      share(count('opened_chased')(rows), count('opened')(rows)),
    ),
    follow_ups_per_case: grouped('follow_ups_per_case', opened, (rows) =>
      share(amount('opened')(rows), count('opened')(rows)),
    ),
    cases_resolved: counted(
      resolved,
      (r) => ({ day: r.day }),
      (r) => r.count,
    ),
    resolution_days_median: grouped('resolution_days_median', resolved, (rows) =>
      value(percentile(valuesOf(rows), 0.5)),
    ),
    resolution_days_p90: grouped('resolution_days_p90', resolved, (rows) => value(percentile(valuesOf(rows), 0.9))),
    sla_compliance: grouped('sla_compliance', resolved, (rows) =>
      share(
        total(rows, (r) => r.count - r.amount),
        total(rows, (r) => r.count),
      ),
    ),
    first_contact_resolution: grouped('first_contact_resolution', facts('fcr'), (rows) =>
      share(
        total(rows, (r) => r.count - r.amount),
        total(rows, (r) => r.count),
      ),
    ),
    write_offs: grouped(
      'write_offs',
      [...resolved, ...facts('written_off').map((r) => ({ ...r, reason: r.detail }))],
      (rows) => share(count('written_off')(rows), count('resolved')(rows)),
    ),
    chargebacks_won: grouped('chargebacks_won', facts('chargeback'), (rows) =>
      share(
        total(rows, (r) => r.amount),
        total(rows, (r) => r.count),
      ),
    ),
    regulatory_compliance: grouped(
      'regulatory_compliance',
      facts('deadline').map((r) => ({ ...r, rule: r.detail })),
      (rows) =>
        share(
          total(rows, (r) => r.count - r.amount),
          total(rows, (r) => r.count),
        ),
    ),
  };
}

export type OpenCases = Awaited<ReturnType<typeof openCasesNow>>;

/**
 * Open cases now, by stage, department, age band and assignee, with how many run an SLA clock
 * past 80%: read from one index, for these figures and the agents' open cases.
 */
export async function openCasesNow(db: Db, departmentId: string | null, now: Date) {
  const inDepartment = departmentId ? sql`AND c."departmentId" = ${departmentId}` : empty;
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
    SELECT c."stage" AS stage, c."departmentId" AS department, ${age} AS age, c."assigneeId" AS assignee,
           COUNT(*) AS cases,
           SUM(CASE WHEN c."slaNearAt" IS NOT NULL THEN 1 ELSE 0 END) AS clocked,
           SUM(CASE WHEN c."slaNearAt" <= ${now} THEN 1 ELSE 0 END) AS near
    FROM "Case" c
    WHERE c."stage" NOT IN ('resolved', 'closed') ${inDepartment}
    GROUP BY 1, 2, 3, 4`);
  return rows.map((r) => ({
    stage: String(r.stage),
    department: String(r.department),
    age: String(r.age),
    assignee: r.assignee === null ? null : String(r.assignee),
    cases: num(r.cases),
    clocked: num(r.clocked),
    near: num(r.near),
  }));
}
