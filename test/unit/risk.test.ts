/**
 * Attrition risk: the usage facts as plain functions, and the rules (data, json-rules-engine)
 * that turn them into a level, on hand-made usage whose shape is known.
 */
import { assessRisk } from '../../workflows/domain/risk';
import {
  declineShape,
  poissonCdf,
  poissonCusum,
  poissonUpperBound,
  riskFacts,
  weekdayRates,
  type CaseFacts,
  type UsageHistory,
} from '../../workflows/domain/usage-facts';

/** A customer who buys 2 things a weekday, 3 on day 5 and 1 on day 6 of each week. */
const WEEK = [2, 2, 2, 2, 2, 3, 1];
const OPEN = 120;
const usual = (day: number) => WEEK[day % 7];

function history(days: number, share: (day: number) => number = () => 1): UsageHistory {
  return { firstDay: 0, counts: Array.from({ length: days }, (_, day) => Math.round(usual(day) * share(day))) };
}
const dispute = (extra: Partial<CaseFacts> = {}): CaseFacts => ({
  disputeOpenDay: OPEN,
  disputeResolveDay: null,
  events: [],
  ...extra,
});
/** Usage falling steadily from day `start` to nothing over `length` days. */
const ramp = (start: number, length: number) => (day: number) =>
  day < start ? 1 : Math.max(0, 1 - (day - start) / length);

test('Poisson bounds: no events in a stretch still allows a mean of about 2.3 (90%)', () => {
  expect(poissonCdf(0, 2)).toBeCloseTo(Math.exp(-2), 10);
  expect(poissonCdf(2, 1)).toBeCloseTo(Math.exp(-1) * 2.5, 10);
  expect(poissonUpperBound(0)).toBeCloseTo(-Math.log(0.1), 3);
  expect(poissonUpperBound(0, 0.05)).toBeCloseTo(2.996, 2);
  expect(poissonUpperBound(5)).toBeCloseTo(9.275, 2);
});

test('the baseline is the customer’s own, weekday by weekday, and needs four weeks of history', () => {
  const rates = weekdayRates(history(OPEN), OPEN)!;
  expect(rates.map((r) => Math.round(r * 10) / 10)).toEqual([2, 2, 2, 2, 2, 2.9, 1.1]);
  expect(weekdayRates(history(20), 20)).toBeNull();
});

test('the CUSUM stays low on usual usage and climbs once usage halves', () => {
  const rates = weekdayRates(history(OPEN), OPEN)!;
  expect(poissonCusum(history(OPEN + 30), rates, OPEN, OPEN + 29)).toBeLessThan(1);
  const halved = history(OPEN + 30, (day) => (day >= OPEN ? 0.5 : 1));
  expect(poissonCusum(halved, rates, OPEN, OPEN + 20)).toBeGreaterThan(3);
  expect(poissonCusum(halved, rates, OPEN, OPEN + 29)).toBeGreaterThan(poissonCusum(halved, rates, OPEN, OPEN + 20));
});

test('a blocked card falls off a cliff; churn ramps down', () => {
  const rates = weekdayRates(history(OPEN), OPEN)!;
  const today = OPEN + 20;
  const stop = history(today + 1, (day) => (day >= OPEN + 14 ? 0 : 1));
  expect(declineShape(stop, rates, today)).toBe('cliff');
  const churn = history(today + 1, ramp(OPEN - 8, 30));
  expect(declineShape(churn, rates, today)).toBe('ramp');
  expect(declineShape(history(today + 1), rates, today)).toBe('steady');
});

test('facts: the dispute, the silence, and known reasons for a gap', () => {
  const today = OPEN + 30;
  const quiet = history(today + 1, (day) => (day > OPEN + 20 ? 0 : 1));
  const facts = riskFacts(quiet, dispute({ customerContacts: 2, tier: 'gold' }), today)!;
  expect(facts).toMatchObject({
    disputeOpen: true,
    disputeOpenDays: 30,
    daysSinceLastTransaction: 10,
    gapExplained: false,
    customerContacts: 2,
    tier: 'gold',
  });
  expect(facts.silenceSurprise).toBeGreaterThan(15);
  const reissued = dispute({ events: [{ day: OPEN + 22, type: 'card_reissued' }] });
  expect(riskFacts(quiet, reissued, today)!.gapExplained).toBe(true);
  const trip = dispute({ events: [{ day: OPEN + 20, type: 'travel_notice', untilDay: OPEN + 40 }] });
  expect(riskFacts(quiet, trip, today)!.gapExplained).toBe(true);
  expect(riskFacts(quiet, dispute({ disputeResolveDay: OPEN + 10 }), today)).toMatchObject({
    disputeOpen: false,
    disputeOpenDays: 10,
  });
});

describe('the rules', () => {
  const assess = (usage: UsageHistory, facts: CaseFacts, today: number) => assessRisk(riskFacts(usage, facts, today)!);

  test('usual usage during a dispute raises nothing', async () => {
    expect(await assess(history(OPEN + 40), dispute(), OPEN + 39)).toEqual({
      level: 'none',
      recommendation: null,
      rules: [],
    });
  });

  test('usage falling away during an open dispute is high risk, with the rules and facts behind it', async () => {
    // Half way down it is not yet certain; by the time it is under 40% it is.
    expect((await assess(history(OPEN + 31, ramp(OPEN + 5, 28)), dispute(), OPEN + 30)).level).toBe('watch');
    const today = OPEN + 35;
    const risk = await assess(history(today + 1, ramp(OPEN + 5, 28)), dispute(), today);
    expect(risk.level).toBe('high');
    expect(risk.recommendation).toBe('call_back');
    const fired = risk.rules.find((r) => r.name === 'usage fell to under 40% of usual during the dispute')!;
    expect(fired.facts).toMatchObject({ disputeOpen: true, gapExplained: false, shape: 'ramp' });
    expect(fired.facts.cusumDrop).toBeGreaterThanOrEqual(6);
    expect(fired.facts.recentRateUpper).toBeLessThanOrEqual(0.4);
  });

  test('the same fall after the dispute was resolved raises nothing', async () => {
    const today = OPEN + 35;
    const risk = await assess(history(today + 1, ramp(OPEN + 5, 28)), dispute({ disputeResolveDay: OPEN + 3 }), today);
    expect(risk.level).toBe('none');
  });

  test('a trip with a travel notice and a reissued card explain their gaps', async () => {
    const today = OPEN + 30;
    const away = history(today + 1, (day) => (day > OPEN + 10 ? 0 : 1));
    const trip = dispute({ events: [{ day: OPEN + 11, type: 'travel_notice', untilDay: OPEN + 35 }] });
    expect((await assess(away, trip, today)).level).toBe('none');
    const reissue = dispute({ events: [{ day: OPEN + 14, type: 'card_reissued' }] });
    expect((await assess(away, reissue, today)).level).toBe('none');
    // Unexplained, the same silence is alarming once it has lasted two weeks.
    expect((await assess(away, dispute(), today)).level).toBe('high');
  });

  test('a customer who chased the bank twice is watched, and high risk once usage slips too', async () => {
    const today = OPEN + 20;
    expect((await assess(history(today + 1), dispute({ customerContacts: 2 }), today)).level).toBe('watch');
    const slipping = history(today + 1, (day) => (day >= OPEN ? 0.6 : 1));
    const risk = await assess(slipping, dispute({ customerContacts: 2 }), today);
    expect(risk.level).toBe('high');
    expect(risk.rules.map((r) => r.name)).toContain('chased the bank and using the card less');
  });
});
