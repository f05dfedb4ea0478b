/**
 * Attrition risk: the rules in `risk-rules.json` (data, evaluated by json-rules-engine) turn a
 * customer's usage and case facts into a level and a recommendation. Every assessment carries the
 * rules that fired and the facts they looked at. Deterministic, so it runs inside the workflow.
 */
import { Engine, type NestedCondition, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { AttritionRisk } from '../attrition-watch/messages';
import RULES from './risk-rules.json';
import type { RiskFacts } from './usage-facts';

export type Recommendation = 'call_back' | 'status_update';

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

export const RISK_RULES = RULES as RuleProperties[];

const engines = new WeakMap<RuleProperties[], Engine>();

export async function assessRisk(facts: RiskFacts, rules: RuleProperties[] = RISK_RULES): Promise<RiskAssessment> {
  let engine = engines.get(rules);
  if (!engine) {
    engine = new Engine(rules, { allowUndefinedFacts: true });
    engines.set(rules, engine);
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
