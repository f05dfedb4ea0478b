/**
 * Attrition risk: a rule set (data in this folder, evaluated by json-rules-engine) turns a
 * customer's usage and case facts into a level and a recommendation. Every assessment carries
 * the rule set's version, the rules that fired and the facts they looked at.
 *
 * Rule sets are versioned like code: a released version never changes. The watch assesses in an
 * activity, so its decision is recorded in history and a new version needs no patch; version 1
 * stays here for watches recorded before that, whose workflow code judged the facts itself.
 */
import { Engine, type NestedCondition, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { AttritionRisk } from '../care';
import type { RiskFacts } from '../usage-facts';
import V1 from './v1.json';
import V2 from './v2.json';

export type Recommendation = 'call_back' | 'status_update';

export interface RuleSet {
  version: number;
  /** The day the version was released. */
  effective: string;
  /** Why the rules are as they are; for version 2 on, how thresholds follow from error rates. */
  about: string;
  errorRates?: {
    /** The span the false-alarm rates are stated over. */
    watchDays: number;
    /** Chance of a false alert over `watchDays` of usual usage, by threshold. */
    falseAlarm: Record<string, number>;
    /** The evidence (nats) each threshold asks for: ln(watchDays ÷ falseAlarm). */
    thresholds: Record<string, number>;
    /** How long a fall must have lasted before it is high risk (time for a known reason to arrive). */
    minFallDays: number;
    /** How long after the resolution a fall still counts (the case's reopen window). */
    daysAfterResolution: number;
  };
  rules: RuleProperties[];
}

export interface FiredRule {
  name: string;
  level: Exclude<AttritionRisk, 'none'>;
  recommendation: Recommendation;
  /** The facts the rule's conditions read, with their values. */
  facts: Partial<RiskFacts>;
}

export interface RiskAssessment {
  level: AttritionRisk;
  recommendation: Recommendation | null;
  rules: FiredRule[];
}

/** Levels in order, so the higher of two can be told. */
export const RISK_RANK: Record<AttritionRisk, number> = { none: 0, watch: 1, high: 2 };

/** The first rule set, from before versions: the watch's workflow code judged with it in place. */
export const RULE_SET_V1: RuleSet = {
  version: 1,
  effective: '2026-11-23',
  about: 'The first rules: a halving CUSUM, a recent-rate bound, and no alert on a fall shaped like a cliff.',
  rules: V1 as RuleProperties[],
};

export const RULE_SETS: readonly RuleSet[] = [RULE_SET_V1, V2 as RuleSet];

/** The rule set new assessments use. */
export const CURRENT_RULE_SET: RuleSet = RULE_SETS[RULE_SETS.length - 1];

const engines = new WeakMap<RuleSet, Engine>();

export async function assessRisk(facts: RiskFacts, ruleSet: RuleSet = CURRENT_RULE_SET): Promise<RiskAssessment> {
  let engine = engines.get(ruleSet);
  if (!engine) {
    engine = new Engine(ruleSet.rules, { allowUndefinedFacts: true });
    engines.set(ruleSet, engine);
  }
  const { results } = await engine.run({ ...facts });
  const fired = results.map((result): FiredRule => {
    const params = result.event?.params as { level: FiredRule['level']; recommendation: Recommendation };
    return { name: result.name as string, ...params, facts: factsRead(result.conditions, facts) };
  });
  const top = fired.reduce<FiredRule | null>(
    (best, rule) => (!best || RISK_RANK[rule.level] > RISK_RANK[best.level] ? rule : best),
    null,
  );
  return { level: top?.level ?? 'none', recommendation: top?.recommendation ?? null, rules: fired };
}

function factsRead(condition: TopLevelCondition | NestedCondition, facts: RiskFacts): Partial<RiskFacts> {
  const read: Partial<RiskFacts> = {};
  const visit = (c: TopLevelCondition | NestedCondition) => {
    if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) c.any.forEach(visit);
    else if ('not' in c) visit(c.not);
    else if ('fact' in c && c.fact in facts) Object.assign(read, { [c.fact]: facts[c.fact as keyof RiskFacts] });
  };
  visit(condition);
  return read;
}
