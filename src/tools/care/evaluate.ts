/**
 * Replays the attrition watch's own logic over a cohort file, day by day as the workflow polls,
 * writes every alert, and scores the alerts when the file has labels (`leftDay`). The labels are
 * read only for scoring, never to decide.
 *
 * `npm run care:evaluate -- cohort.json [--alerts alerts.json] [--rules rule-set.json]`
 * `npm run care:evaluate -- --sweep [--seeds 101,102,103] [--n 600] [--json sweep.json]`: every
 * family of `cohort.ts` on seeds of its own, one table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AttritionRisk } from '../../../workflows/domain/care';
import { assessRisk, CURRENT_RULE_SET, RISK_RANK, type RuleSet } from '../../../workflows/domain/risk-rules';
import {
  riskFacts,
  BASELINE_DAYS,
  type DisputeFacts,
  type RiskFacts,
  type UsageHistory,
} from '../../../workflows/domain/usage-facts';
import { FAMILIES, generateCohort, type Cohort, type CohortCustomer } from './cohort';

export interface Alert {
  customerId: string;
  day: number;
  level: Exclude<AttritionRisk, 'none'>;
  rules: string[];
}

export interface Scores {
  customers: number;
  leavers: number;
  alertedHigh: number;
  precision: number | null;
  recall: number | null;
  medianLeadDays: number | null;
  /** Customers alerted `high`, per 1,000 customers. */
  alertsPer1000: number;
}

/** A travel notice without an end is taken to cover two weeks. */
const DEFAULT_TRIP_DAYS = 14;
/** The watch looks until this long after the resolution, the longest the rules still read a fall. */
const LOOK_AFTER_RESOLUTION_DAYS = 61;

export function usageOf(customer: CohortCustomer): UsageHistory {
  const days = [...customer.days].sort((a, b) => a.day - b.day);
  const firstDay = days[0]?.day ?? 0;
  const counts: number[] = [];
  const abroad: number[] = [];
  for (const d of days) {
    counts[d.day - firstDay] = d.count;
    abroad[d.day - firstDay] = d.abroad ?? 0;
  }
  for (let i = 0; i < counts.length; i++) {
    counts[i] ??= 0;
    abroad[i] ??= 0;
  }
  return { firstDay, counts, abroad };
}

/** The case as the watch would know it at the end of `today`: breaches and contacts so far. */
export function disputeFactsOf(customer: CohortCustomer, today: number): DisputeFacts {
  const upTo = (list: { day: number }[] | undefined) => (list ?? []).filter((e) => e.day <= today).length;
  return {
    disputeOpenDay: customer.disputeOpenDay,
    disputeResolveDay: customer.disputeResolveDay ?? null,
    tier: customer.tier,
    events: (customer.events ?? []).map((e) => ({
      day: e.day,
      type: e.type,
      untilDay: e.type === 'travel_notice' ? (e.untilDay ?? e.day + DEFAULT_TRIP_DAYS) : null,
    })),
    slaBreaches: upTo(customer.slaBreaches),
    customerContacts: upTo(customer.contacts),
  };
}

/** What the watch would have known at each of its looks: the facts at the end of each day it watched. */
export function lookFacts(customer: CohortCustomer): { day: number; facts: RiskFacts | null }[] {
  const usage = usageOf(customer);
  let lastDay = usage.firstDay + usage.counts.length - 1;
  if (customer.disputeResolveDay != null) {
    lastDay = Math.min(lastDay, customer.disputeResolveDay + LOOK_AFTER_RESOLUTION_DAYS);
  }
  const looks = [];
  for (let today = customer.disputeOpenDay; today <= lastDay; today++) {
    // What the workflow would have loaded by the end of `today`.
    const upTo = today - usage.firstDay + 1;
    const seen = {
      firstDay: usage.firstDay,
      counts: usage.counts.slice(0, upTo),
      abroad: usage.abroad?.slice(0, upTo),
    };
    looks.push({ day: today, facts: riskFacts(seen, disputeFactsOf(customer, today), today) });
  }
  return looks;
}

/** The alerts a rule set raises over a customer's looks: one each time the level rises. */
export async function alertsOver(
  customerId: string,
  looks: { day: number; facts: RiskFacts | null }[],
  ruleSet: RuleSet = CURRENT_RULE_SET,
): Promise<Alert[]> {
  const alerts: Alert[] = [];
  let level: AttritionRisk = 'none';
  for (const { day, facts } of looks) {
    const assessed = facts ? await assessRisk(facts, ruleSet) : { level: 'none' as const, rules: [] };
    if (RISK_RANK[assessed.level] > RISK_RANK[level] && assessed.level !== 'none') {
      const fired = assessed.rules.filter((r) => r.level === assessed.level).map((r) => r.name);
      alerts.push({ customerId, day, level: assessed.level, rules: fired });
    }
    level = assessed.level;
  }
  return alerts;
}

/** The alerts the watch raises for one customer. */
export async function alertsFor(customer: CohortCustomer, ruleSet: RuleSet = CURRENT_RULE_SET): Promise<Alert[]> {
  return alertsOver(customer.id, lookFacts(customer), ruleSet);
}

/** The naive rule the product is measured against: 14-day mean below 40% of the pre-dispute mean while open. */
export function naiveAlertsFor(customer: CohortCustomer): Alert[] {
  const usage = usageOf(customer);
  const open = customer.disputeOpenDay;
  const count = (day: number) => usage.counts[day - usage.firstDay] ?? 0;
  let before = 0;
  let n = 0;
  for (let day = Math.max(usage.firstDay, open - BASELINE_DAYS); day < open; day++, n++) before += count(day);
  const baseline = n ? before / n : 0;
  for (let today = open; today < usage.firstDay + usage.counts.length; today++) {
    if (customer.disputeResolveDay != null && today >= customer.disputeResolveDay) break;
    let recent = 0;
    for (let day = today - 13; day <= today; day++) recent += count(day);
    if (recent / 14 < 0.4 * baseline) return [{ customerId: customer.id, day: today, level: 'high', rules: ['naive'] }];
  }
  return [];
}

export function score(cohort: Cohort, alerts: Alert[]): Scores {
  const firstHigh = new Map<string, number>();
  for (const a of alerts) {
    if (a.level === 'high' && !firstHigh.has(a.customerId)) firstHigh.set(a.customerId, a.day);
  }
  const leftDay = new Map(cohort.customers.filter((c) => c.leftDay !== undefined).map((c) => [c.id, c.leftDay!]));
  const caught = [...leftDay].filter(([id, left]) => (firstHigh.get(id) ?? Infinity) < left);
  const leads = caught.map(([id, left]) => left - firstHigh.get(id)!).sort((a, b) => a - b);
  const trueHigh = [...firstHigh].filter(([id, day]) => (leftDay.get(id) ?? -Infinity) > day).length;
  const ratio = (a: number, b: number) => (b ? round3(a / b) : null);
  return {
    customers: cohort.customers.length,
    leavers: leftDay.size,
    alertedHigh: firstHigh.size,
    precision: ratio(trueHigh, firstHigh.size),
    recall: ratio(caught.length, leftDay.size),
    medianLeadDays: leads.length ? leads[Math.floor((leads.length - 1) / 2)] : null,
    alertsPer1000: Math.round((firstHigh.size / Math.max(1, cohort.customers.length)) * 1000),
  };
}

export async function evaluate(
  cohort: Cohort,
  ruleSet: RuleSet = CURRENT_RULE_SET,
): Promise<{ alerts: Alert[]; scores: Scores; naive: Scores }> {
  const alerts: Alert[] = [];
  for (const customer of cohort.customers) alerts.push(...(await alertsFor(customer, ruleSet)));
  const naive = cohort.customers.flatMap(naiveAlertsFor);
  return { alerts, scores: score(cohort, alerts), naive: score(cohort, naive) };
}

export interface SweepRow {
  family: string;
  about: string;
  rules: Scores;
  naiveRule: Scores;
  /** Of the customers of each kind the generator made who did not leave, the share alerted `high`. */
  falseHighByKind: Record<string, number>;
}

/** Which stayers the alerts fell on, by the generator's kind (read for reporting only). */
export function falseHighByKind(cohort: Cohort, alerts: Alert[]): Record<string, number> {
  const high = new Set(alerts.filter((a) => a.level === 'high').map((a) => a.customerId));
  const kinds: Record<string, { n: number; alerted: number }> = {};
  for (const c of cohort.customers) {
    if (c.leftDay !== undefined || c.kind === undefined) continue;
    const k = (kinds[c.kind] ??= { n: 0, alerted: 0 });
    k.n += 1;
    if (high.has(c.id)) k.alerted += 1;
  }
  return Object.fromEntries(Object.entries(kinds).map(([kind, { n, alerted }]) => [kind, round3(alerted / n)]));
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Every family, each on the given seeds (pooled), scored for the rules and the naive rule. */
export async function sweep(
  seeds: number[],
  n: number,
  ruleSet: RuleSet = CURRENT_RULE_SET,
  families = Object.keys(FAMILIES),
): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  for (const family of families) {
    const { about, params } = FAMILIES[family];
    const pooled: Cohort = {
      customers: seeds.flatMap((seed) => generateCohort(seed, n, params).customers),
    };
    const { alerts, scores, naive } = await evaluate(pooled, ruleSet);
    rows.push({ family, about, rules: scores, naiveRule: naive, falseHighByKind: falseHighByKind(pooled, alerts) });
  }
  return rows;
}

/** The sweep as a Markdown table: the rules' figures, the naive rule's beside them. */
export function sweepTable(rows: SweepRow[]): string {
  const f = (v: number | null) => (v === null ? '–' : v.toFixed(2));
  const d = (v: number | null) => (v === null ? '–' : String(v));
  const lines = [
    '| family | leavers | precision | recall | median lead (days) | high alerts / 1,000 | naive: precision / recall / lead / per 1,000 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const { family, rules: r, naiveRule: b } of rows) {
    lines.push(
      `| ${family} | ${r.leavers} | ${f(r.precision)} | ${f(r.recall)} | ${d(r.medianLeadDays)} | ${r.alertsPer1000} | ` +
        `${f(b.precision)} / ${f(b.recall)} / ${d(b.medianLeadDays)} / ${b.alertsPer1000} |`,
    );
  }
  return lines.join('\n');
}

export function readRuleSet(file: string): RuleSet {
  const ruleSet = JSON.parse(readFileSync(file, 'utf8')) as RuleSet;
  if (!Array.isArray(ruleSet.rules)) throw new Error(`${file}: a rule set has a "rules" array`);
  return ruleSet;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      alerts: { type: 'string' },
      rules: { type: 'string' },
      sweep: { type: 'boolean', default: false },
      seeds: { type: 'string', default: '101,102,103' },
      n: { type: 'string', default: '600' },
      family: { type: 'string', multiple: true },
      json: { type: 'string' },
    },
  });
  const ruleSet = values.rules ? readRuleSet(values.rules) : CURRENT_RULE_SET;
  if (values.sweep) {
    const seeds = values.seeds.split(',').map(Number);
    const n = Number(values.n);
    const unknown = (values.family ?? []).filter((name) => !FAMILIES[name]);
    if (seeds.some((s) => !Number.isInteger(s)) || !Number.isInteger(n) || n < 1 || unknown.length) {
      console.error(
        'usage: npm run care:evaluate -- --sweep [--seeds 1,2,3] [--n 600] [--family name …] [--json file]',
      );
      if (unknown.length) console.error(`unknown families: ${unknown.join(', ')}; npm run care:cohort -- --list`);
      process.exit(2);
    }
    const rows = await sweep(seeds, n, ruleSet, values.family);
    if (values.json)
      writeFileSync(values.json, `${JSON.stringify({ ruleSet: ruleSet.version, seeds, n, rows }, null, 2)}\n`);
    console.log(`Rule set v${ruleSet.version}; seeds ${seeds.join(', ')}; ${n} customers per seed and family.\n`);
    console.log(sweepTable(rows));
    return;
  }
  if (positionals.length !== 1) {
    console.error('usage: npm run care:evaluate -- cohort.json [--alerts alerts.json] [--rules rule-set.json]');
    process.exit(2);
  }
  const cohort = JSON.parse(readFileSync(positionals[0], 'utf8')) as Cohort;
  const { alerts, scores, naive } = await evaluate(cohort, ruleSet);
  if (values.alerts) writeFileSync(values.alerts, `${JSON.stringify(alerts, null, 2)}\n`);
  const labelled = cohort.customers.some((c) => c.leftDay !== undefined);
  console.log(JSON.stringify(labelled ? { rules: scores, naiveRule: naive } : { alerts: alerts.length }, null, 2));
}

if (require.main === module) void main();
