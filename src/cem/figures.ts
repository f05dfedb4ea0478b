/**
 * Computes the customer-experience figures of `definitions.ts` from the read model and the audit
 * log, for a time range and, optionally, one department. Each figure is a list of rows: its value
 * for all, then per group (see `FigureDefinition.by`), with the numerator and denominator where it
 * is a ratio, so every number can be checked against its definition.
 */
import type { Db } from '../db/client';
import { DAY_MS } from '../../workflows/domain/time';
import { AGE_BANDS, FIGURES, type FigureId } from './definitions';

export interface FigureRange {
  from: Date;
  to: Date;
  /** Only this department's cases; null for all. */
  departmentId: string | null;
}

export interface FigureRow {
  group: Record<string, string>;
  value: number | null;
  numerator?: number;
  denominator?: number;
}

export type Figures = Record<FigureId, FigureRow[]>;

const CLOSED_STAGES = ['resolved', 'closed'];
const WITHDRAWN = 'withdrawn';

export async function computeFigures(db: Db, range: FigureRange, now = new Date()): Promise<Figures> {
  const department = range.departmentId ? { departmentId: range.departmentId } : {};
  const within = { gte: range.from, lt: range.to };
  const [open, opened, resolved, breached, answers] = await Promise.all([
    db.case.findMany({
      where: { ...department, stage: { notIn: CLOSED_STAGES } },
      select: { stage: true, departmentId: true, openedAt: true },
    }),
    db.case.findMany({ where: { ...department, openedAt: within }, select: { openedAt: true } }),
    db.case.findMany({
      where: { ...department, resolvedAt: within, NOT: { outcome: WITHDRAWN } },
      select: { id: true, departmentId: true, reasonCode: true, openedAt: true, resolvedAt: true },
    }),
    db.caseEvent.findMany({
      where: { type: 'sla_breached', case: { ...department, resolvedAt: within, NOT: { outcome: WITHDRAWN } } },
      select: { caseId: true },
      distinct: ['caseId'],
    }),
    db.surveyAnswer.findMany({
      where: { answeredAt: within, case: department },
      select: {
        satisfaction: true,
        recommend: true,
        case: { select: { departmentId: true, _count: { select: { outreachTasks: true } } } },
      },
    }),
  ]);

  const breachedIds = new Set(breached.map((e) => e.caseId));
  const days = resolved.map((c) => ({
    department: c.departmentId,
    reason: c.reasonCode,
    days: (c.resolvedAt!.getTime() - c.openedAt.getTime()) / DAY_MS,
    withinSla: !breachedIds.has(c.id),
  }));
  const surveyed = answers.map((a) => ({
    department: a.case.departmentId,
    outreach: a.case._count.outreachTasks > 0 ? 'yes' : 'no',
    satisfaction: a.satisfaction,
    recommend: a.recommend,
  }));

  return {
    open_cases: counted(open, (c) => ({
      stage: c.stage,
      department: c.departmentId,
      age: ageBand(now.getTime() - c.openedAt.getTime()),
    })),
    cases_opened: counted(opened, (c) => ({ day: dayOf(c.openedAt) })),
    cases_resolved: counted(resolved, (c) => ({ day: dayOf(c.resolvedAt!) })),
    resolution_days_median: grouped('resolution_days_median', days, (rows) =>
      value(
        percentile(
          rows.map((r) => r.days),
          0.5,
        ),
      ),
    ),
    resolution_days_p90: grouped('resolution_days_p90', days, (rows) =>
      value(
        percentile(
          rows.map((r) => r.days),
          0.9,
        ),
      ),
    ),
    sla_compliance: grouped('sla_compliance', days, (rows) =>
      share(rows.filter((r) => r.withinSla).length, rows.length),
    ),
    csat: grouped('csat', surveyed, (rows) => share(rows.filter((r) => r.satisfaction >= 4).length, rows.length)),
    nps: grouped('nps', surveyed, (rows) => {
      const promoters = rows.filter((r) => r.recommend >= 9).length;
      const detractors = rows.filter((r) => r.recommend <= 6).length;
      return points(promoters - detractors, rows.length);
    }),
  };
}

type Measure = Omit<FigureRow, 'group'>;

/** A row per combination of the keys `groupOf` gives, with how many items have it, in key order. */
function counted<T>(items: readonly T[], groupOf: (item: T) => Record<string, string>): FigureRow[] {
  const rows = new Map<string, FigureRow>();
  for (const item of items) {
    const group = groupOf(item);
    const key = JSON.stringify(group);
    const row = rows.get(key) ?? { group, value: 0 };
    row.value = row.value! + 1;
    rows.set(key, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
}

/** The figure for all items, then for the items of each value of each of the figure's `by` keys. */
function grouped<T extends Record<string, unknown>>(
  figure: FigureId,
  items: readonly T[],
  measure: (items: readonly T[]) => Measure,
): FigureRow[] {
  const rows: FigureRow[] = [{ group: {}, ...measure(items) }];
  for (const key of FIGURES[figure].by) {
    const values = [...new Set(items.map((item) => String(item[key])))].sort();
    for (const v of values) rows.push({ group: { [key]: v }, ...measure(items.filter((i) => String(i[key]) === v)) });
  }
  return rows;
}

const value = (v: number | null): Measure => ({ value: v === null ? null : round(v) });
const share = (numerator: number, denominator: number): Measure => ({
  value: denominator ? round(numerator / denominator) : null,
  numerator,
  denominator,
});
const points = (numerator: number, denominator: number): Measure => ({
  value: denominator ? round((100 * numerator) / denominator) : null,
  numerator,
  denominator,
});
const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** The nearest-rank percentile: the smallest value at least `p` of the values are at or below. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function ageBand(ageMs: number): string {
  const days = Math.floor(ageMs / DAY_MS);
  return [...AGE_BANDS].reverse().find((band) => days >= band.fromDays)!.label;
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);
