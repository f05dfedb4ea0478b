/**
 * The customer-experience figures (`src/cem/`) for a time range and a department: as JSON with
 * each figure's definition beside its rows, or as CSV, one row per figure and group. A supervisor
 * reads their own department's; care supervisors, auditors and admins any department's or all.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { FIGURES, type FigureId } from '../../cem/definitions';
import { computeFigures, type FigureRange, type FigureRow } from '../../cem/figures';
import { FiguresRebuilding } from '../../cem/rollup';
import { DAY_MS } from '../../../workflows/domain/time';
import { actorOf } from '../auth';
import { reachOf } from '../access';
import { Problem } from '../problem';
import { id } from '../validation';

/** The longest range asked at once: a year. */
const MAX_RANGE_DAYS = 366;

const instant = (what: string) =>
  z.iso
    .datetime({ offset: true, error: `${what}: an ISO 8601 date and time, such as 2026-09-01T00:00:00Z` })
    .or(z.iso.date({ error: `${what}: an ISO 8601 date, such as 2026-09-01` }))
    .transform((text) => new Date(text));

/** The query as the OpenAPI document gives it. */
export const FigureQueryParams = z.strictObject({
  from: instant('from').optional().describe('Start of the range (inclusive); default: 90 days before `to`'),
  to: instant('to').optional().describe('End of the range (exclusive); default: now'),
  departmentId: id().optional().describe('Only this department’s cases'),
});

const FigureQuery = FigureQueryParams.transform(({ from, to, departmentId }) => {
  const end = to ?? new Date();
  return { from: from ?? new Date(end.getTime() - 90 * DAY_MS), to: end, departmentId: departmentId ?? null };
})
  .refine((q) => q.from < q.to, { error: 'from: must be before to', path: ['from'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_RANGE_DAYS * DAY_MS, {
    error: `from: the range may span at most ${MAX_RANGE_DAYS} days`,
    path: ['from'],
  });

/** The figures the caller may read for the query: a supervisor's own department at most. */
export async function figuresFor(db: Db, res: Response, query: unknown) {
  const range: FigureRange = FigureQuery.parse(query ?? {});
  const reach = reachOf(actorOf(res), 'readCxFigures')!;
  if (reach.department !== null) {
    if (range.departmentId !== null && range.departmentId !== reach.department) {
      throw new Problem(403, 'Forbidden', `You may read the figures of department ${reach.department} only.`, {
        code: 'PolicyDenied',
      });
    }
    range.departmentId = reach.department;
  }
  try {
    return { range, figures: await computeFigures(db, range) };
  } catch (error) {
    if (!(error instanceof FiguresRebuilding)) throw error;
    throw new Problem(
      503,
      'Figures being rebuilt',
      `The figures are being made again for ${error.cases} cases after an upgrade; try again in a minute.`,
      { code: 'FiguresRebuilding', cases: error.cases },
      { 'Retry-After': '60' },
    );
  }
}

export function figureReport(range: FigureRange, figures: Record<FigureId, FigureRow[]>, generatedAt = new Date()) {
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    departmentId: range.departmentId,
    generatedAt: generatedAt.toISOString(),
    figures: (Object.keys(FIGURES) as FigureId[]).map((id) => {
      const { title, unit, formula, numerator, denominator, excluded } = FIGURES[id];
      return { id, title, unit, formula, numerator, denominator, excluded, rows: figures[id] };
    }),
  };
}

/** One line per figure and group: `figure,group,value,numerator,denominator`. */
export function figureCsv(figures: Record<FigureId, FigureRow[]>): string {
  const lines = [['figure', 'group', 'value', 'numerator', 'denominator']];
  for (const id of Object.keys(FIGURES) as FigureId[]) {
    for (const row of figures[id]) {
      const group = Object.entries(row.group)
        .map(([key, value]) => `${key}=${value}`)
        .join('; ');
      lines.push([id, group, row.value ?? '', row.numerator ?? '', row.denominator ?? ''].map(String));
    }
  }
  return lines.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
const csvField = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);

type Computed = Awaited<ReturnType<typeof figuresFor>>;

export function sendFigureJson(res: Response, { range, figures }: Computed): void {
  res.json(figureReport(range, figures));
}

export function sendFigureCsv(res: Response, { range, figures }: Computed): void {
  const name = `figures-${range.from.toISOString().slice(0, 10)}-${range.to.toISOString().slice(0, 10)}.csv`;
  res.attachment(name).type('text/csv; charset=utf-8').send(figureCsv(figures));
}

export function cemRoutes({ db }: { db: Db }): Router {
  const router = Router();

  router.get('/metrics/cem', async (req, res) => sendFigureJson(res, await figuresFor(db, res, req.query)));
  router.get('/metrics/cem.csv', async (req, res) => sendFigureCsv(res, await figuresFor(db, res, req.query)));

  return router;
}
