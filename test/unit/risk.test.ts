/**
 * Attrition risk: the usage facts as plain functions, and the rules (data, json-rules-engine)
 * that turn them into a level, on hand-made usage whose shape is known.
 */
import { assessRisk, CURRENT_RULE_SET } from '../../workflows/domain/risk-rules';
import {
  cusum,
  declineShape,
  DROP_TO,
  explainedDays,
  poissonCdf,
  poissonCusum,
  poissonUpperBound,
  riskFacts,
  SLIP_TO,
  weekdayRates,
  type DisputeFacts,
  type UsageHistory,
} from '../../workflows/domain/usage-facts';

/** A customer who buys 2 things a weekday, 3 on day 5 and 1 on day 6 of each week. */
const WEEK = [2, 2, 2, 2, 2, 3, 1];
const OPEN = 120;
const usual = (day: number) => WEEK[day % 7];

function history(days: number, share: (day: number) => number = () => 1): UsageHistory {
  return { firstDay: 0, counts: Array.from({ length: days }, (_, day) => Math.round(usual(day) * share(day))) };
}
const dispute = (extra: Partial<DisputeFacts> = {}): DisputeFacts => ({
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

test('the CUSUM stays low on usual usage, climbs for a fall to the share it tests, and not for a shallower one', () => {
  const rates = weekdayRates(history(OPEN), OPEN)!;
  expect(poissonCusum(history(OPEN + 30), rates, OPEN, OPEN + 29)).toBeLessThan(1);
  const halved = history(OPEN + 30, (day) => (day >= OPEN ? 0.5 : 1));
  expect(poissonCusum(halved, rates, OPEN, OPEN + 20, SLIP_TO)).toBeGreaterThan(3);
  expect(poissonCusum(halved, rates, OPEN, OPEN + 29, SLIP_TO)).toBeGreaterThan(
    poissonCusum(halved, rates, OPEN, OPEN + 20, SLIP_TO),
  );
  // A lean month at half of usual is no evidence of a fall to next to nothing.
  expect(poissonCusum(halved, rates, OPEN, OPEN + 29, DROP_TO)).toBe(0);
  const stopped = history(OPEN + 30, (day) => (day >= OPEN + 20 ? 0 : 1));
  expect(cusum(stopped, rates, OPEN, OPEN + 29, DROP_TO)).toEqual({ evidence: expect.any(Number), days: 10 });
  expect(poissonCusum(stopped, rates, OPEN, OPEN + 29, DROP_TO)).toBeGreaterThan(15);
});

test('the baseline is the usual week: a holiday season in it does not make ordinary weeks look like a fall', () => {
  const season = history(OPEN, (day) => (day >= OPEN - 40 && day < OPEN - 14 ? 2 : 1));
  const rates = weekdayRates(season, OPEN)!;
  const usualWeek = WEEK.reduce((a, b) => a + b, 0);
  expect(rates.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(usualWeek + 0.5);
});

test('known reasons explain days: a trip’s dates and a reissued card’s gap, as known by the day judged', () => {
  const quiet = history(OPEN + 30, (day) => (day >= OPEN + 10 && day < OPEN + 18 ? 0 : 1));
  const reissued = explainedDays(quiet, dispute({ events: [{ day: OPEN + 13, type: 'card_reissued' }] }), OPEN + 29);
  expect([OPEN + 9, OPEN + 10, OPEN + 27, OPEN + 28].map(reissued)).toEqual([false, true, true, false]);
  const trip = dispute({ events: [{ day: OPEN + 10, type: 'travel_notice', untilDay: OPEN + 17 }] });
  expect([OPEN + 7, OPEN + 8, OPEN + 19, OPEN + 20].map(explainedDays(quiet, trip, OPEN + 29))).toEqual([
    false,
    true,
    true,
    false,
  ]);
  // A notice filed later than the day judged explains nothing yet.
  expect(explainedDays(quiet, trip, OPEN + 9)(OPEN + 9)).toBe(false);
  // Unannounced, a purchase abroad shows the trip: the days around it are explained.
  const abroad = { ...quiet, abroad: quiet.counts.map((_, day) => (day === OPEN + 12 ? 1 : 0)) };
  expect([OPEN + 8, OPEN + 9, OPEN + 15, OPEN + 16].map(explainedDays(abroad, dispute(), OPEN + 29))).toEqual([
    false,
    true,
    true,
    false,
  ]);
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
  const assess = (usage: UsageHistory, facts: DisputeFacts, today: number) =>
    assessRisk(riskFacts(usage, facts, today)!);
  const { thresholds } = CURRENT_RULE_SET.errorRates!;

  test('usual usage during a dispute raises nothing', async () => {
    expect(await assess(history(OPEN + 40), dispute(), OPEN + 39)).toEqual({
      level: 'none',
      recommendation: null,
      rules: [],
    });
  });

  test('usage falling away during an open dispute is watched first, then high risk, with the rules and facts behind it', async () => {
    const falling = ramp(OPEN + 5, 28);
    const levels = [];
    for (let today = OPEN; today <= OPEN + 35; today++)
      levels.push((await assess(history(today + 1, falling), dispute(), today)).level);
    const firstWatch = levels.indexOf('watch');
    const firstHigh = levels.indexOf('high');
    expect(firstWatch).toBeGreaterThan(0);
    expect(firstHigh).toBeGreaterThan(firstWatch);
    const risk = await assess(history(OPEN + 36, falling), dispute(), OPEN + 35);
    expect(risk).toMatchObject({ level: 'high', recommendation: 'call_back' });
    const fired = risk.rules.find((r) => r.name === 'usage fell away during the dispute')!;
    expect(fired.facts.dropEvidence).toBeGreaterThanOrEqual(thresholds.high);
    expect(fired.facts.dropDays).toBeGreaterThanOrEqual(7);
  });

  test('a customer who stops at once, as Jane does, is high risk within days, however the fall looks', async () => {
    const stop = (day: number) => (day >= OPEN + 10 ? 0 : 1);
    const levels = [];
    for (let today = OPEN + 10; today <= OPEN + 24; today++)
      levels.push((await assess(history(today + 1, stop), dispute(), today)).level);
    // A week for a reason the bank learns of (a reissue, a trip) to arrive, then the alert.
    const firstHigh = levels.indexOf('high');
    expect(firstHigh).toBeGreaterThanOrEqual(6);
    expect(firstHigh).toBeLessThanOrEqual(9);
  });

  test('a fall soon after the resolution still counts; one long after it does not', async () => {
    const falling = history(OPEN + 61, (day) => (day >= OPEN + 30 ? 0 : 1));
    expect((await assess(falling, dispute({ disputeResolveDay: OPEN + 20 }), OPEN + 60)).level).toBe('high');
    expect((await assess(falling, dispute({ disputeResolveDay: OPEN - 50 + 20 }), OPEN + 60)).level).toBe('none');
  });

  test('a trip with a travel notice and a reissued card explain their gaps', async () => {
    const today = OPEN + 30;
    const away = history(today + 1, (day) => (day > OPEN + 10 ? 0 : 1));
    const trip = dispute({ events: [{ day: OPEN + 11, type: 'travel_notice', untilDay: OPEN + 35 }] });
    expect((await assess(away, trip, today)).level).toBe('none');
    const reissue = dispute({ events: [{ day: OPEN + 14, type: 'card_reissued' }] });
    expect(
      (
        await assess(
          history(OPEN + 22, (day) => (day > OPEN + 10 ? 0 : 1)),
          reissue,
          OPEN + 21,
        )
      ).level,
    ).toBe('none');
    // Unexplained, the same silence is alarming.
    expect((await assess(away, dispute(), today)).level).toBe('high');
  });

  test('the days after a trip are judged again: back to usual usage, nothing is left over from the trip', async () => {
    const away = (day: number) => (day >= OPEN + 5 && day < OPEN + 25 ? 0 : 1);
    const trip = dispute({ events: [{ day: OPEN + 4, type: 'travel_notice', untilDay: OPEN + 24 }] });
    for (const today of [OPEN + 26, OPEN + 30, OPEN + 40]) {
      expect((await assess(history(today + 1, away), trip, today)).level).toBe('none');
    }
  });

  test('friction lowers the evidence high risk needs: a customer who chased the bank twice is high sooner', async () => {
    const stop = (day: number) => (day >= OPEN + 5 ? 0 : 1);
    const firstHigh = async (facts: DisputeFacts) => {
      for (let today = OPEN; today <= OPEN + 30; today++) {
        if ((await assess(history(today + 1, stop), facts, today)).level === 'high') return today;
      }
      return null;
    };
    const calm = (await firstHigh(dispute()))!;
    const chased = (await firstHigh(dispute({ customerContacts: 2 })))!;
    expect(chased).toBeLessThan(calm);
    const risk = await assess(history(chased + 1, stop), dispute({ customerContacts: 2 }), chased);
    expect(risk.rules.map((r) => r.name)).toContain('chased the bank and usage falling');
    // Chasing alone, with usage as usual, is worth watching, not an outreach.
    expect((await assess(history(OPEN + 21), dispute({ customerContacts: 2 }), OPEN + 20)).level).toBe('watch');
  });
});

describe('the sequential test’s error rates, on simulated Poisson usage', () => {
  const ruleSet = CURRENT_RULE_SET;
  const { watchDays, falseAlarm, thresholds } = ruleSet.errorRates!;
  const random = lcg(20261203);
  const poisson = (lambda: number) => {
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = random(); p > limit; p *= random()) k++;
    return k;
  };
  /** A customer at `perDay` for the baseline, then at `share` of it for `watchDays` from the opening. */
  const simulate = (perDay: number, share: number): UsageHistory => ({
    firstDay: 0,
    counts: Array.from({ length: OPEN + watchDays }, (_, day) => poisson(perDay * (day >= OPEN ? share : 1))),
  });
  /** The first day the high-risk rule with no friction would fire, or null. */
  const firstAlert = (usage: UsageHistory): number | null => {
    const rates = weekdayRates(usage, OPEN - 14)!;
    for (let today = OPEN; today < OPEN + watchDays; today++) {
      const { evidence, days } = cusum(usage, rates, OPEN - 14, today, DROP_TO);
      if (evidence >= thresholds.high && days >= 7) return today;
    }
    return null;
  };

  test('each threshold is ln(watch days ÷ the false-alarm rate it states)', () => {
    for (const [name, alpha] of Object.entries(falseAlarm)) {
      expect(thresholds[name]).toBeCloseTo(Math.log(watchDays / alpha), 2);
    }
  });

  test('on usual usage, false alerts over a watch stay within the stated rate', () => {
    const customers = 2000;
    let alerted = 0;
    for (let i = 0; i < customers; i++) if (firstAlert(simulate(0.5 + (i % 7) * 0.5, 1)) !== null) alerted++;
    expect(alerted / customers).toBeLessThanOrEqual(falseAlarm.high);
  });

  test('a stop is found within two weeks at a transaction a day or more: misses under 5%', () => {
    const customers = 500;
    let missed = 0;
    for (let i = 0; i < customers; i++) {
      const day = firstAlert(simulate(1 + (i % 4), 0));
      if (day === null || day - OPEN >= 14) missed++;
    }
    expect(missed / customers).toBeLessThan(0.05);
  });
});

/** A small seeded generator, so the simulation is the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
}
