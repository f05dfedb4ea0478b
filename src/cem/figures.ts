/**
 * Computes the customer-experience figures of `definitions.ts` from the read model and the audit
 * log, for a time range and, optionally, one department: each family of figures in its own
 * queries (`cases.ts`, `care.ts`, `journey.ts`, `agents.ts`), all at once.
 */
import type { Db } from '../db/client';
import { agentFigures } from './agents';
import { careFigures } from './care';
import { caseFigures } from './cases';
import { FIGURES } from './definitions';
import { journeyFigures } from './journey';
import { figureContext, type FigureRange, type Figures } from './rows';

export { percentile, type FigureRange, type FigureRow, type Figures } from './rows';

export async function computeFigures(db: Db, range: FigureRange, now = new Date()): Promise<Figures> {
  const q = figureContext(db, range, now);
  const families = await Promise.all([caseFigures(q), careFigures(q), journeyFigures(q), agentFigures(q)]);
  const all = Object.assign({}, ...families) as Figures;
  // In the definitions' order, as the API, the CSV and the page list them.
  return Object.fromEntries(Object.keys(FIGURES).map((id) => [id, all[id as keyof Figures]])) as Figures;
}
