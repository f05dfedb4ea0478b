/**
 * Builds an attrition rule set from the error rates it states, so every threshold follows from a
 * rate a person chose: h = ln(watchDays ÷ falseAlarm). Released rule sets are files under
 * `workflows/domain/risk-rules/`; `care:calibrate` proposes new ones with this.
 */
import type { RuleProperties } from 'json-rules-engine';
import type { RuleSet } from '../../../workflows/domain/risk-rules';

export interface RuleSetParams {
  version: number;
  effective: string;
  about: string;
  /** The span the false-alarm rates are stated over. */
  watchDays: number;
  /** Chance of a false alert over `watchDays` of usual usage, for each bar of evidence. */
  falseAlarm: { high: number; highWithFriction: number; highAfterChasing: number; watch: number };
  /** How long a fall must have lasted before it is high risk without chasing. */
  minFallDays: number;
  /** How long after the resolution a fall still counts (the case's reopen window). */
  daysAfterResolution: number;
}

const evidence = (fact: string, value: number) => ({ fact, operator: 'greaterThanInclusive', value });

export function buildRuleSet(p: RuleSetParams): RuleSet {
  const thresholds = Object.fromEntries(
    Object.entries(p.falseAlarm).map(([name, alpha]) => [name, Math.round(Math.log(p.watchDays / alpha) * 100) / 100]),
  ) as RuleSetParams['falseAlarm'];
  const active = { fact: 'daysSinceResolution', operator: 'lessThanInclusive', value: p.daysAfterResolution };
  const notClosed = { fact: 'cardClosed', operator: 'equal', value: false };
  const lasted = evidence('dropDays', p.minFallDays);
  const rule = (name: string, level: 'high' | 'watch', all: object[], priority: number): RuleProperties => ({
    name,
    priority,
    conditions: { all } as RuleProperties['conditions'],
    event: {
      type: 'attrition-risk',
      params: { level, recommendation: level === 'high' ? 'call_back' : 'status_update' },
    },
  });
  return {
    version: p.version,
    effective: p.effective,
    about: p.about,
    errorRates: {
      watchDays: p.watchDays,
      falseAlarm: p.falseAlarm,
      thresholds,
      minFallDays: p.minFallDays,
      daysAfterResolution: p.daysAfterResolution,
    },
    rules: [
      rule(
        'usage fell away during the dispute',
        'high',
        [active, notClosed, lasted, evidence('dropEvidence', thresholds.high)],
        10,
      ),
      rule(
        'usage fell during a dispute that kept the customer waiting',
        'high',
        [
          active,
          notClosed,
          lasted,
          {
            any: [evidence('slaBreaches', 1), evidence('customerContacts', 1), evidence('disputeOpenDays', 30)],
          },
          evidence('dropEvidence', thresholds.highWithFriction),
        ],
        10,
      ),
      rule(
        'chased the bank and usage falling',
        'high',
        [active, notClosed, evidence('customerContacts', 2), evidence('dropEvidence', thresholds.highAfterChasing)],
        10,
      ),
      rule(
        'usage slipping during the dispute',
        'watch',
        [
          active,
          notClosed,
          { any: [evidence('dropEvidence', thresholds.watch), evidence('slipEvidence', thresholds.watch)] },
        ],
        5,
      ),
      rule(
        'the dispute is causing friction',
        'watch',
        [
          { fact: 'disputeOpen', operator: 'equal', value: true },
          { any: [evidence('slaBreaches', 1), evidence('customerContacts', 2)] },
        ],
        5,
      ),
    ],
  };
}

/** The parameters a built rule set states, to build it again with some changed. */
export function paramsOf(ruleSet: RuleSet): RuleSetParams {
  const rates = ruleSet.errorRates;
  if (!rates) throw new Error(`rule set v${ruleSet.version} states no error rates to build on`);
  const { watchDays, minFallDays, daysAfterResolution } = rates;
  return {
    version: ruleSet.version,
    effective: ruleSet.effective,
    about: ruleSet.about,
    watchDays,
    falseAlarm: rates.falseAlarm as RuleSetParams['falseAlarm'],
    minFallDays,
    daysAfterResolution,
  };
}
