/**
 * The figures about proactive care and how customers feel: the care funnel from attrition alert to
 * save, retention after resolution, what concessions cost against the value kept, CSAT and NPS
 * with and without an outreach. All from the facts' sums over the range.
 */
import type { FactKind } from './facts';
import type { FactSum } from './rollup';
import { grouped, points, share, total, type FactsOf, type Figures } from './rows';

type CareFigures = Pick<
  Figures,
  | 'csat'
  | 'nps'
  | 'attrition_alerts'
  | 'outreach_opened'
  | 'outreach_reached'
  | 'offers_made'
  | 'offers_accepted'
  | 'saves'
  | 'losses'
  | 'retention_after_resolution'
  | 'concessions_cost'
>;

/** The care funnel's steps: a department has a row in each when it took any of them. */
const FUNNEL: readonly FactKind[] = [
  'alert',
  'outreach_opened',
  'outreach_reached',
  'offer_made',
  'offer_accepted',
  'concession',
];

export function careFigures(facts: FactsOf): CareFigures {
  const withOutreach = (rows: FactSum[]) => rows.map((r) => ({ ...r, outreach: r.detail }));
  const funnel = FUNNEL.flatMap(facts);
  const step = (kind: FactKind) => (rows: readonly FactSum[]) => ({
    value: total(rows, (r) => (r.kind === kind ? r.count : 0)),
  });
  const counts = (rows: readonly FactSum[]) => ({ value: total(rows, (r) => r.count) });
  // What concessions cost, and the lifetime value of the customers saved, where either happened.
  const money = [
    ...facts('concession').map((r) => ({ department: r.department, spent: r.amount, kept: 0 })),
    ...facts('saved')
      .filter((r) => r.count > 0)
      .map((r) => ({ department: r.department, spent: 0, kept: r.amount })),
  ];
  return {
    csat: grouped('csat', withOutreach(facts('survey')), (rows) =>
      share(
        total(rows, (r) => r.amount),
        total(rows, (r) => r.count),
      ),
    ),
    nps: grouped('nps', withOutreach(facts('survey_nps')), (rows) =>
      points(
        total(rows, (r) => r.amount),
        total(rows, (r) => r.count),
      ),
    ),
    attrition_alerts: grouped('attrition_alerts', funnel, step('alert')),
    outreach_opened: grouped('outreach_opened', funnel, step('outreach_opened')),
    outreach_reached: grouped('outreach_reached', funnel, step('outreach_reached')),
    offers_made: grouped('offers_made', funnel, step('offer_made')),
    offers_accepted: grouped('offers_accepted', funnel, step('offer_accepted')),
    saves: grouped('saves', facts('saved'), counts),
    losses: grouped('losses', facts('lost_after_outreach'), counts),
    retention_after_resolution: grouped('retention_after_resolution', withOutreach(facts('retention')), (rows) =>
      share(
        total(rows, (r) => r.amount),
        total(rows, (r) => r.count),
      ),
    ),
    concessions_cost: grouped('concessions_cost', money, (rows) =>
      share(
        total(rows, (r) => r.spent),
        total(rows, (r) => r.kept),
      ),
    ),
  };
}
