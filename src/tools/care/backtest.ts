/**
 * Backtests a rule set on the bank's own history: every resolved case whose watch recorded a
 * retention outcome becomes a customer of a cohort (usage around the dispute, card events, the
 * contacts and SLA breaches in its timeline, and `lost` as the label), replayed day by day as the
 * watch would have looked, and scored like a synthetic cohort. Reads the database; writes nothing.
 *
 * `npm run care:backtest -- [--rules rule-set.json] [--json result.json]`
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { usageActivities } from '../../../activities/usage';
import { CURRENT_RULE_SET, type RuleSet } from '../../../workflows/domain/risk-rules';
import { DAY_MS } from '../../../workflows/domain/time';
import { HISTORY_BEFORE_OPEN_DAYS } from '../../../workflows/domain/usage-facts';
import { loadConfig } from '../../config';
import { createDb, type Db } from '../../db/client';
import type { Cohort, CohortCustomer } from './cohort';
import { evaluate, readRuleSet, type Scores } from './evaluate';

const dayOf = (at: Date | string) => Math.floor(new Date(at).getTime() / DAY_MS);

export interface BankHistory {
  cohort: Cohort;
  /** Resolved cases whose outcome is not decided yet, or was `unknown`: not scored. */
  undecided: number;
}

/** Every resolved case with a decided outcome, as a cohort customer labelled by that outcome. */
export async function bankHistory(db: Db): Promise<BankHistory> {
  const cases = await db.case.findMany({
    where: { resolvedAt: { not: null } },
    select: {
      id: true,
      customerId: true,
      openedAt: true,
      resolvedAt: true,
      retentionOutcome: true,
      retentionDecidedAt: true,
      customer: { select: { tier: true } },
    },
    orderBy: { openedAt: 'asc' },
  });
  const decided = cases.filter((c) => c.retentionOutcome === 'lost' || c.retentionOutcome === 'retained');
  const timeline = await db.caseEvent.findMany({
    where: { caseId: { in: decided.map((c) => c.id) }, type: { in: ['customer_contacted', 'sla_breached'] } },
    select: { caseId: true, type: true, at: true },
  });
  const { loadUsage } = usageActivities({ db });
  const customers: CohortCustomer[] = [];
  for (const c of decided) {
    const until = c.retentionDecidedAt!;
    const from = new Date(c.openedAt.getTime() - HISTORY_BEFORE_OPEN_DAYS * DAY_MS);
    const usage = await loadUsage({
      customerId: c.customerId,
      from: from.toISOString(),
      asOf: new Date(until.getTime() + DAY_MS).toISOString(),
    });
    const events = usage.events.map((e) => ({
      day: dayOf(e.at),
      type: e.type,
      ...(e.until ? { untilDay: dayOf(e.until) } : {}),
    }));
    const closed = events.find((e) => e.type === 'card_closed' && e.day >= dayOf(c.openedAt));
    const mine = timeline.filter((e) => e.caseId === c.id);
    customers.push({
      id: c.id,
      tier: c.customer.tier,
      disputeOpenDay: dayOf(c.openedAt),
      disputeResolveDay: dayOf(c.resolvedAt!),
      events,
      days: usage.days.map((d) => ({ day: dayOf(d.day), count: d.count, spend: d.spendCents / 100, abroad: d.abroad })),
      contacts: mine.filter((e) => e.type === 'customer_contacted').map((e) => ({ day: dayOf(e.at) })),
      slaBreaches: mine.filter((e) => e.type === 'sla_breached').map((e) => ({ day: dayOf(e.at) })),
      // Lost: the day the card was returned, else the day the watch found its usage gone.
      ...(c.retentionOutcome === 'lost' ? { leftDay: closed?.day ?? dayOf(until) } : {}),
    });
  }
  return { cohort: { customers }, undecided: cases.length - decided.length };
}

export interface Backtest {
  ruleSet: number;
  cases: number;
  lost: number;
  undecided: number;
  rules: Scores;
  naiveRule: Scores;
}

export async function backtest(db: Db, ruleSet: RuleSet = CURRENT_RULE_SET): Promise<Backtest> {
  const { cohort, undecided } = await bankHistory(db);
  const { scores, naive } = await evaluate(cohort, ruleSet);
  return {
    ruleSet: ruleSet.version,
    cases: cohort.customers.length,
    lost: scores.leavers,
    undecided,
    rules: scores,
    naiveRule: naive,
  };
}

const figures = (s: Scores) =>
  `precision ${s.precision ?? '–'}, recall ${s.recall ?? '–'}, median lead ${s.medianLeadDays ?? '–'} days, ` +
  `${s.alertedHigh} alerted high`;

export function describeBacktest(b: Backtest): string {
  return [
    `Rule set v${b.ruleSet} on the bank's history: ${b.cases} resolved cases with a decided outcome ` +
      `(${b.lost} lost), ${b.undecided} not yet decided or unknown.`,
    `  rules:      ${figures(b.rules)}`,
    `  naive rule: ${figures(b.naiveRule)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rules: { type: 'string' }, json: { type: 'string' } } });
  const db = createDb(loadConfig().databaseUrl);
  try {
    const result = await backtest(db, values.rules ? readRuleSet(values.rules) : CURRENT_RULE_SET);
    if (result.cases === 0) {
      console.log('No resolved case has a decided retention outcome yet: nothing to backtest on.');
      return;
    }
    if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
    console.log(describeBacktest(result));
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) void main();
