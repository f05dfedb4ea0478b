/**
 * Replays the attrition watch's own logic over a cohort file, day by day as the workflow polls,
 * writes every alert, and scores the alerts when the file has labels (`leftDay`). The labels are
 * read only for scoring, never to decide.
 *
 * `npm run care:evaluate -- cohort.json [--alerts alerts.json]`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AttritionRisk } from '../../workflows/attrition-watch/messages';
import { assessRisk, RISK_RANK } from '../../workflows/domain/risk';
import { riskFacts, type CaseFacts, type UsageHistory } from '../../workflows/domain/usage-facts';
import type { Cohort, CohortCustomer } from './cohort';

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
}

/** A travel notice without an end is taken to cover two weeks. */
const DEFAULT_TRIP_DAYS = 14;

function usageOf(customer: CohortCustomer): UsageHistory {
  const days = [...customer.days].sort((a, b) => a.day - b.day);
  const firstDay = days[0]?.day ?? 0;
  const counts: number[] = [];
  for (const d of days) counts[d.day - firstDay] = d.count;
  for (let i = 0; i < counts.length; i++) counts[i] ??= 0;
  return { firstDay, counts };
}

function caseFactsOf(customer: CohortCustomer): CaseFacts {
  return {
    disputeOpenDay: customer.disputeOpenDay,
    disputeResolveDay: customer.disputeResolveDay ?? null,
    tier: customer.tier,
    events: (customer.events ?? []).map((e) => ({
      day: e.day,
      type: e.type,
      untilDay: e.type === 'travel_notice' ? (e.untilDay ?? e.day + DEFAULT_TRIP_DAYS) : null,
    })),
  };
}

/** The alerts the watch raises for one customer: one each time the level rises. */
export async function alertsFor(customer: CohortCustomer): Promise<Alert[]> {
  const usage = usageOf(customer);
  const facts = caseFactsOf(customer);
  const lastDay = usage.firstDay + usage.counts.length - 1;
  const alerts: Alert[] = [];
  let level: AttritionRisk = 'none';
  for (let today = customer.disputeOpenDay; today <= lastDay; today++) {
    // What the workflow would have loaded by the end of `today`.
    const seen = { firstDay: usage.firstDay, counts: usage.counts.slice(0, today - usage.firstDay + 1) };
    const current = riskFacts(seen, facts, today);
    const assessed = current ? await assessRisk(current) : { level: 'none' as const, rules: [] };
    if (RISK_RANK[assessed.level] > RISK_RANK[level] && assessed.level !== 'none') {
      const fired = assessed.rules.filter((r) => r.level === assessed.level).map((r) => r.name);
      alerts.push({ customerId: customer.id, day: today, level: assessed.level, rules: fired });
    }
    level = assessed.level;
  }
  return alerts;
}

/** The naive rule the product is measured against: 14-day mean below 40% of the pre-dispute mean while open. */
export function naiveAlertsFor(customer: CohortCustomer): Alert[] {
  const usage = usageOf(customer);
  const open = customer.disputeOpenDay;
  const count = (day: number) => usage.counts[day - usage.firstDay] ?? 0;
  let before = 0;
  let n = 0;
  for (let day = Math.max(usage.firstDay, open - 91); day < open; day++, n++) before += count(day);
  const baseline = n ? before / n : 0;
  for (let today = open; today < usage.firstDay + usage.counts.length; today++) {
    if (customer.disputeResolveDay !== null && today >= customer.disputeResolveDay) break;
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
  const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null);
  return {
    customers: cohort.customers.length,
    leavers: leftDay.size,
    alertedHigh: firstHigh.size,
    precision: ratio(trueHigh, firstHigh.size),
    recall: ratio(caught.length, leftDay.size),
    medianLeadDays: leads.length ? leads[Math.floor((leads.length - 1) / 2)] : null,
  };
}

export async function evaluate(cohort: Cohort): Promise<{ alerts: Alert[]; scores: Scores; naive: Scores }> {
  const alerts: Alert[] = [];
  for (const customer of cohort.customers) alerts.push(...(await alertsFor(customer)));
  const naive = cohort.customers.flatMap(naiveAlertsFor);
  return { alerts, scores: score(cohort, alerts), naive: score(cohort, naive) };
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { alerts: { type: 'string' } } });
  if (positionals.length !== 1) {
    console.error('usage: npm run care:evaluate -- cohort.json [--alerts alerts.json]');
    process.exit(2);
  }
  const cohort = JSON.parse(readFileSync(positionals[0], 'utf8')) as Cohort;
  void evaluate(cohort).then(({ alerts, scores, naive }) => {
    if (values.alerts) writeFileSync(values.alerts, `${JSON.stringify(alerts, null, 2)}\n`);
    const labelled = cohort.customers.some((c) => c.leftDay !== undefined);
    console.log(JSON.stringify(labelled ? { rules: scores, naiveRule: naive } : { alerts: alerts.length }, null, 2));
  });
}
