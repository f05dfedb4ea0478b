/**
 * The attrition rules' cost: one look (the facts of a customer's usage and the rule set's
 * verdict, as `assessAttritionRisk` computes them after its query) and a sweep's throughput, on a
 * cohort of the default mix, in this process.
 */
import { performance } from 'node:perf_hooks';
import { FAMILIES, generateCohort } from '../care/cohort';
import { alertsOver, lookFacts } from '../care/evaluate';
import { CURRENT_RULE_SET } from '../../../workflows/domain/risk-rules';
import { round } from './measure';

export async function careRules(customers: number) {
  const cohort = generateCohort(42, customers, FAMILIES.mixed.params);
  let looks = 0;
  let factsMs = 0;
  let rulesMs = 0;
  for (const customer of cohort.customers) {
    const t0 = performance.now();
    const facts = lookFacts(customer);
    const t1 = performance.now();
    await alertsOver(customer.id, facts, CURRENT_RULE_SET);
    rulesMs += performance.now() - t1;
    factsMs += t1 - t0;
    looks += facts.length;
  }
  return {
    customers,
    looks,
    ruleSet: CURRENT_RULE_SET.version,
    factsMsPerLook: round(factsMs / looks, 3),
    rulesMsPerLook: round(rulesMs / looks, 3),
    looksPerSecond: Math.round((looks * 1000) / (factsMs + rulesMs)),
  };
}
