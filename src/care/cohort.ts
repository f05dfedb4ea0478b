/**
 * A synthetic cohort of customers with a card dispute, for evaluating the attrition rules.
 *
 * Assumptions (all days are whole days; day 0 is an arbitrary weekday):
 * - Usage: each customer has a base rate (median 1.2 transactions a day, log-normal), weekend
 *   days scaled by 0.5–1.5 and weekdays by 0.85–1.15, and day-to-day noise (log-normal, σ 0.35);
 *   counts are Poisson around that. Spend per transaction is log-normal around 35.00.
 * - The dispute opens on day 110–140. A fast back office resolves it in 7–25 days, a stalled one
 *   in 35–80 (or after the horizon: still open).
 * - 50% keep using the card as before.
 * - 20% leave. Nine in ten are driven out by a stalled dispute (resolved 45–90 days after it
 *   opened, if at all within the horizon): 3–21 days in, their usage starts falling, over 14–35
 *   days, to 0–8% of what it was, and 5–30 days after that they return the card (`card_closed`,
 *   `leftDay`). One in ten leaves for reasons of their own, the same way, starting anywhere from
 *   60 days before to 60 days after the dispute opened.
 * - Decoys whose usage dips for other reasons, during the dispute:
 *   - 12% have a lean month: usage at 35–70% for 18–35 days, then back to normal;
 *   - 10% travel for 7–24 days with almost no card use; 75% of them file a travel notice;
 *   - 8% have their card blocked for 3–12 days; the reissued card is reported 1–6 days in.
 *
 * `npm run care:cohort -- --seed N --n M > cohort.json`
 */
import { parseArgs } from 'node:util';
import { Faker, en } from '@faker-js/faker';

export interface CohortDay {
  day: number;
  count: number;
  spend: number;
}

export interface CohortEvent {
  day: number;
  type: 'card_reissued' | 'card_closed' | 'travel_notice';
  /** A travel notice's last day. */
  untilDay?: number;
}

export interface CohortCustomer {
  id: string;
  tier: string;
  disputeOpenDay: number;
  disputeResolveDay: number | null;
  events: CohortEvent[];
  days: CohortDay[];
  /** The label: the day the customer left; absent for those who stayed. */
  leftDay?: number;
  /** What the generator made of them (not read by the evaluation). */
  kind?: string;
}

export interface Cohort {
  customers: CohortCustomer[];
}

const HORIZON = 240;

export function generateCohort(seed: number, n: number): Cohort {
  const f = new Faker({ locale: [en] });
  f.seed(seed);
  const uniform = (min: number, max: number) => f.number.float({ min, max });
  const int = (min: number, max: number) => f.number.int({ min, max });
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - f.number.float({ min: 0, max: 1 }))) *
    Math.cos(2 * Math.PI * f.number.float({ min: 0, max: 1 }));
  const logNormal = (median: number, sigma: number) => median * Math.exp(sigma * normal());
  const poisson = (lambda: number) => {
    // Knuth's method; rates here are small.
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = f.number.float({ min: 0, max: 1 }); p > limit; p *= f.number.float({ min: 0, max: 1 })) k++;
    return k;
  };
  const chance = (p: number) => f.number.float({ min: 0, max: 1 }) < p;

  const customers: CohortCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const base = Math.min(6, Math.max(0.15, logNormal(1.2, 0.6)));
    const weekday = Array.from({ length: 7 }, (_, w) => (w >= 5 ? uniform(0.5, 1.5) : uniform(0.85, 1.15)));
    const openDay = int(110, 140);
    const roll = f.number.float({ min: 0, max: 1 });
    const kind =
      roll < 0.5
        ? 'loyal'
        : roll < 0.7
          ? 'leaver'
          : roll < 0.82
            ? 'lean_month'
            : roll < 0.92
              ? 'traveller'
              : 'blocked_card';
    // Most leavers leave because their dispute stalls; a few leave for reasons of their own.
    const ownReasons = kind === 'leaver' && chance(0.1);
    const drivenOut = kind === 'leaver' && !ownReasons;
    const stalled = drivenOut || chance(0.55);
    const resolveDay = openDay + (drivenOut ? int(45, 90) : stalled ? int(35, 80) : int(7, 25));
    const events: CohortEvent[] = [];
    let leftDay: number | undefined;
    /** The share of the usual rate on a day. */
    let factor = (_day: number) => 1;

    if (kind === 'leaver') {
      // They move their spending elsewhere: a steady fall, then they return the card.
      const start = drivenOut ? openDay + int(3, 21) : openDay + int(-60, 60);
      const length = int(14, 35);
      const floor = uniform(0, 0.08);
      leftDay = start + length + int(5, 30);
      events.push({ day: leftDay, type: 'card_closed' });
      factor = (day) =>
        day < start ? 1 : day >= leftDay! ? 0 : Math.max(floor, 1 - ((1 - floor) * (day - start)) / length);
    } else if (kind === 'lean_month') {
      const start = openDay + int(0, 20);
      const end = start + int(18, 35);
      const share = uniform(0.35, 0.7);
      factor = (day) => (day >= start && day < end ? share : 1);
    } else if (kind === 'traveller') {
      const start = openDay + int(0, 30);
      const end = start + int(7, 24);
      if (chance(0.75)) events.push({ day: start, type: 'travel_notice', untilDay: end - 1 });
      factor = (day) => (day >= start && day < end ? 0.03 : 1);
    } else if (kind === 'blocked_card') {
      const start = openDay + int(0, 30);
      const end = start + int(3, 12);
      events.push({ day: Math.min(end, start + int(1, 6)), type: 'card_reissued' });
      factor = (day) => (day >= start && day < end ? 0 : 1);
    }

    const days: CohortDay[] = [];
    for (let day = 0; day < HORIZON; day++) {
      const count = poisson(base * weekday[day % 7] * logNormal(1, 0.35) * factor(day));
      let spend = 0;
      for (let t = 0; t < count; t++) spend += Math.round(logNormal(35, 0.8) * 100) / 100;
      days.push({ day, count, spend: Math.round(spend * 100) / 100 });
    }
    customers.push({
      id: `cust-${seed}-${String(i + 1).padStart(4, '0')}`,
      tier: f.helpers.weightedArrayElement([
        { value: 'standard', weight: 70 },
        { value: 'gold', weight: 22 },
        { value: 'platinum', weight: 8 },
      ]),
      disputeOpenDay: openDay,
      disputeResolveDay: resolveDay < HORIZON ? resolveDay : null,
      events: events.sort((a, b) => a.day - b.day),
      days,
      ...(leftDay !== undefined && leftDay < HORIZON ? { leftDay } : {}),
      kind,
    });
  }
  return { customers };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { seed: { type: 'string', default: '1' }, n: { type: 'string', default: '500' } },
  });
  const seed = Number(values.seed);
  const n = Number(values.n);
  if (!Number.isInteger(seed) || !Number.isInteger(n) || n < 1) {
    console.error('usage: npm run care:cohort -- --seed <integer> --n <customers>');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(generateCohort(seed, n))}\n`);
}
