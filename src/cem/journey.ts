/**
 * The journey: for each stage and department, how long cases sat there and what began while they
 * did, from the facts of each stay and of each event in the place it happened. Its rows, and its
 * department filter, are where the case sat, not where it is now.
 */
import type { FactSum } from './rollup';
import { counted, medians, type FactsOf, type Figures } from './rows';

type JourneyFigures = Pick<
  Figures,
  'journey_wait_days' | 'journey_chases' | 'journey_alerts' | 'journey_outreach' | 'journey_losses'
>;

/** A journey fact's place: its detail is the stage. */
const place = (r: FactSum) => ({ stage: r.detail, department: r.department });

export function journeyFigures(facts: FactsOf): JourneyFigures {
  const byPlace = (rows: FactSum[]) =>
    counted(
      rows.filter((r) => r.count > 0),
      place,
      (r) => r.count,
    );
  return {
    journey_wait_days: medians(facts('journey_stay').map((r) => ({ group: place(r), values: r.values }))),
    journey_chases: byPlace(facts('journey_chase')),
    journey_alerts: byPlace(facts('journey_alert')),
    journey_outreach: byPlace(facts('journey_outreach')),
    journey_losses: byPlace(facts('journey_loss')),
  };
}
