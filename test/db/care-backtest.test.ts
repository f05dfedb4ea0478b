/**
 * Backtest and calibration on the bank's own history: the demo bank's archive of resolved,
 * watched disputes is read back as a cohort labelled by the outcomes the watch recorded, scored
 * for a rule set, and calibrated into a proposed next version that leaves the running rules as
 * they are. Every released rule set states the error rates its thresholds come from.
 */
import { seed } from '../../prisma/seed';
import { backtest, bankHistory, describeBacktest } from '../../src/tools/care/backtest';
import { calibrate, choose, type Candidate } from '../../src/tools/care/calibrate';
import { buildRuleSet, paramsOf } from '../../src/tools/care/rule-set-builder';
import type { Db } from '../../src/db/client';
import { CURRENT_RULE_SET, RULE_SETS } from '../../workflows/domain/risk-rules';
import { migratedSqlite } from '../helpers/db';

let db: Db;
beforeAll(async () => {
  ({ db } = migratedSqlite());
  await seed(db, { customers: 40, archive: 36 });
});
afterAll(() => db.$disconnect());

test('the bank’s history is read as a cohort labelled by the outcomes the watch recorded', async () => {
  const { cohort, undecided } = await bankHistory(db);
  const cases = await db.case.findMany({ where: { resolvedAt: { not: null } } });
  const decided = cases.filter((c) => c.retentionOutcome === 'lost' || c.retentionOutcome === 'retained');
  expect(cohort.customers.map((c) => c.id).sort()).toEqual(decided.map((c) => c.id).sort());
  expect(undecided).toBe(cases.length - decided.length);
  const lost = decided.filter((c) => c.retentionOutcome === 'lost').map((c) => c.id);
  expect(lost.length).toBeGreaterThan(0);
  expect(
    cohort.customers
      .filter((c) => c.leftDay !== undefined)
      .map((c) => c.id)
      .sort(),
  ).toEqual(lost.sort());
  // Each case carries its usage from before the baseline, and its timeline's friction.
  for (const c of cohort.customers) {
    expect(c.days[0].day).toBeLessThanOrEqual(c.disputeOpenDay - 105);
    expect(c.disputeResolveDay).toBeGreaterThan(c.disputeOpenDay);
  }
  expect(cohort.customers.some((c) => (c.slaBreaches ?? []).length > 0)).toBe(true);
});

test('a backtest scores a rule set on that history beside the naive rule', async () => {
  const result = await backtest(db);
  expect(result).toMatchObject({ ruleSet: CURRENT_RULE_SET.version, cases: expect.any(Number) });
  expect(result.lost).toBeGreaterThan(0);
  expect(result.rules.recall).not.toBeNull();
  expect(describeBacktest(result)).toMatch(/^Rule set v2 on the bank's history: \d+ resolved cases/);
});

test('calibration proposes the next version, built from stated error rates, and leaves the running rules alone', async () => {
  const { cohort } = await bankHistory(db);
  const released = RULE_SETS.map((r) => JSON.stringify(r));
  // A small grid (the whole one is GRID): today's rates and a stricter set.
  const grid = { scales: [0.2, 1], minFallDays: [7] };
  const { proposal, current, proposed } = await calibrate(cohort, CURRENT_RULE_SET, 0.8, '2027-01-02', grid);
  expect(proposal).toMatchObject({ version: CURRENT_RULE_SET.version + 1, effective: '2027-01-02' });
  expect(proposal.about).toMatch(/Proposed by care:calibrate on 2027-01-02 from \d+ resolved cases/);
  for (const [name, alpha] of Object.entries(proposal.errorRates!.falseAlarm)) {
    expect(proposal.errorRates!.thresholds[name]).toBeCloseTo(Math.log(proposal.errorRates!.watchDays / alpha), 2);
  }
  // The proposal is at least as good as today's rules on the history it was chosen on.
  const f1 = (s: typeof current) =>
    s.precision && s.recall ? (2 * s.precision * s.recall) / (s.precision + s.recall) : 0;
  expect((proposed.precision ?? 0) >= 0.8 || f1(proposed) >= f1(current)).toBe(true);
  expect(RULE_SETS.map((r) => JSON.stringify(r))).toEqual(released);
});

test('calibration takes the most leavers at the precision asked for, the best balance without it, and today’s rates on a tie', () => {
  const base = paramsOf(CURRENT_RULE_SET);
  const candidate = (precision: number, recall: number, lead: number, minFallDays = 7): Candidate => ({
    params: { ...base, minFallDays },
    scores: {
      customers: 100,
      leavers: 10,
      alertedHigh: 10,
      precision,
      recall,
      medianLeadDays: lead,
      alertsPer1000: 100,
    },
  });
  const today = candidate(0.8, 0.6, 20);
  const wider = candidate(0.85, 0.7, 18, 5);
  const loose = candidate(0.6, 0.95, 25, 10);
  expect(choose([today, wider, loose], 0.8, today)).toBe(wider);
  expect(choose([today, loose], 0.9, today)).toBe(loose);
  const same = candidate(0.8, 0.6, 20, 5);
  expect(choose([same, today], 0.8, today)).toBe(today);
});

test('every released rule set from version 2 on is exactly what its stated error rates build', () => {
  for (const ruleSet of RULE_SETS.filter((r) => r.version >= 2)) {
    expect(buildRuleSet(paramsOf(ruleSet))).toEqual(ruleSet);
  }
});
