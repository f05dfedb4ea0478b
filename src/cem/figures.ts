/**
 * Computes the customer-experience figures of `definitions.ts` for a time range and, optionally,
 * one department: the figures about now from the read model, every other from the sums of the
 * cases' facts over the range (`facts.ts`, `rollup.ts`), each family in its module.
 */
import { DAY_MS } from '../../workflows/domain/time';
import type { Db } from '../db/client';
import { agentFigures } from './agents';
import { careFigures } from './care';
import { caseFigures, openCasesNow } from './cases';
import { FIGURES } from './definitions';
import { FACT_KINDS, FCR_WINDOW_DAYS, type FactKind } from './facts';
import { journeyFigures } from './journey';
import { FiguresRebuilding, refreshStaleFacts, staleCases, sumFacts, type FactSum } from './rollup';
import type { FigureRange, Figures } from './rows';

export { percentile, type FigureRange, type FigureRow, type Figures } from './rows';

/**
 * How many stale cases a figure request brings up to date before it answers (a crash left them,
 * or tests wrote the read model directly); more, and the worker is rebuilding every case's facts
 * after an upgrade: the request is refused with FiguresRebuilding rather than wait minutes.
 */
export const REFRESHED_BY_A_REQUEST = 500;

export async function computeFigures(
  db: Db,
  range: FigureRange,
  now = new Date(),
  refreshAtMost = REFRESHED_BY_A_REQUEST,
): Promise<Figures> {
  const stale = await staleCases(db);
  if (stale > refreshAtMost) throw new FiguresRebuilding(stale);
  if (stale > 0) await refreshStaleFacts(db);
  const { from, departmentId: department } = range;
  const until = (at: number) => new Date(Math.min(range.to.getTime(), at));
  // Nothing counts after now (a deadline not yet due); a resolution counts for first contact
  // resolution once its window has passed.
  const [open, sums, settled] = await Promise.all([
    openCasesNow(db, range.departmentId, now),
    sumFacts(
      db,
      FACT_KINDS.filter((k) => k !== 'fcr'),
      { from, to: until(now.getTime()), department },
    ),
    sumFacts(db, ['fcr'], { from, to: until(now.getTime() - FCR_WINDOW_DAYS * DAY_MS), department }),
  ]);
  const byKind = new Map<FactKind, FactSum[]>();
  for (const sum of [...sums, ...settled]) byKind.set(sum.kind, [...(byKind.get(sum.kind) ?? []), sum]);
  const facts = (kind: FactKind) => byKind.get(kind) ?? [];
  const all: Figures = {
    ...caseFigures(open, facts),
    ...careFigures(facts),
    ...journeyFigures(facts),
    ...agentFigures(range, open, facts),
  };
  // In the definitions' order, as the API, the CSV and the page list them.
  return Object.fromEntries(Object.keys(FIGURES).map((id) => [id, all[id as keyof Figures]])) as Figures;
}
