/**
 * Synthetic cohorts of customers with a card dispute, for evaluating the attrition rules.
 *
 * Every assumption is a parameter (`CohortParams`), and `FAMILIES` names sets of them that each
 * stress one assumption: leavers who stop at once or fall over five weeks, who leave a week or six
 * weeks after their usage starts falling, whose fall starts before the dispute, during it or after
 * its resolution; usage from a few transactions a month to several a day; travellers with and
 * without notice; lean months; reissued cards; holiday seasons; customers who chase the bank and
 * customers who stay silent; leaving as rare as 2% or as common as 30%. `CARE.md` keeps the table
 * of assumptions and the scores on each family.
 *
 * The model, per customer (days are whole days; day 0 is an arbitrary weekday):
 * - usage: a base rate drawn log-uniformly from `usagePerDay`, weekend days scaled by 0.5–1.5 and
 *   weekdays by 0.85–1.15, day-to-day noise (log-normal, σ `dayNoise`); counts are Poisson around
 *   that. Spend per transaction is log-normal around 35.00;
 * - the dispute opens on day 120–150; a stalled back office resolves it in 35–90 days (or after the
 *   horizon: still open), a fast one in 7–25; stalled cases breach their SLA 10–20 days in;
 * - a leaver's usage falls from `declineStart` (relative to the dispute's opening or resolution)
 *   over `fallDays` to a `floor` share, and they return the card (`card_closed`, the label
 *   `leftDay`) `leaveAfterDays` after the fall ended; always after the dispute opened;
 * - decoys: a lean stretch of `leanDays` at a `leanShare` of usual usage; a trip of `tripDays`,
 *   announced by a travel notice with chance `noticeShare`, with the card used abroad at 20–80% of
 *   usual with chance `usedAbroadShare` and next to not at all otherwise; a card blocked for
 *   3–12 days and reissued 1–6 days in; a holiday season (usage × 1.5–2.2 for 3–6 weeks) that ends
 *   0–14 days before the dispute, followed by a lull (× 0.5–0.8 for 2–4 weeks);
 * - contacts: leavers chase the bank 1–4 times while the dispute is open with chance
 *   `leaverChaseShare`, others with chance `stayerChaseShare`.
 *
 * `npm run care:cohort -- --family cliff --seed N --n M > cohort.json`
 * (`--set fallDays=1,2 --set leaverShare=0.1` overrides parameters; `--list` names the families).
 */
import { parseArgs } from 'node:util';
import { Faker, en } from '@faker-js/faker';
import type { CardEventType } from '../../../workflows/domain/usage-facts';

export interface CohortDay {
  day: number;
  count: number;
  spend: number;
  /** Optional: of `count`, the transactions abroad. */
  abroad?: number;
}

export interface CohortEvent {
  day: number;
  type: CardEventType;
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
  /** Optional: the days the customer contacted the bank about the dispute. */
  contacts?: { day: number }[];
  /** Optional: the days an SLA clock of the dispute breached. */
  slaBreaches?: { day: number }[];
  /** The label: the day the customer left; absent for those who stayed. */
  leftDay?: number;
  /** What the generator made of them (not read by the evaluation). */
  kind?: string;
}

export interface Cohort {
  customers: CohortCustomer[];
}

type Range = [number, number];

export interface CohortParams {
  /** Share of customers who leave. */
  leaverShare: number;
  /** Days a leaver's usage takes to fall to its floor (1 is a stop). */
  fallDays: Range;
  /** The share of usual usage a leaver falls to. */
  floor: Range;
  /** Days from the end of the fall to the card's return. */
  leaveAfterDays: Range;
  /** Where the fall starts: relative to the dispute's opening (`before`, `during`) or its resolution. */
  declineStart: 'before' | 'during' | 'after_resolution' | 'mixed';
  /** Transactions a day, the range base rates are drawn from (log-uniformly). */
  usagePerDay: Range;
  /** Day-to-day variation of usage (σ of a log-normal factor). */
  dayNoise: number;
  /** Shares of stayers who are decoys of each kind; the rest keep using the card as before. */
  leanShare: number;
  travellerShare: number;
  reissueShare: number;
  holidayShare: number;
  /** A lean stretch: how deep (share of usual) and how long. */
  leanDepth: Range;
  leanDays: Range;
  /** A trip: how long, the chance a travel notice announces it, and the chance the card is used abroad. */
  tripDays: Range;
  noticeShare: number;
  usedAbroadShare: number;
  /** Chance a leaver, and a stayer, chases the bank while the dispute is open. */
  leaverChaseShare: number;
  stayerChaseShare: number;
}

export const DEFAULT_PARAMS: CohortParams = {
  leaverShare: 0.15,
  fallDays: [1, 35],
  floor: [0, 0.1],
  leaveAfterDays: [7, 42],
  declineStart: 'mixed',
  usagePerDay: [0.3, 4],
  dayNoise: 0.35,
  leanShare: 0.12,
  travellerShare: 0.1,
  reissueShare: 0.08,
  holidayShare: 0.05,
  leanDepth: [0.35, 0.7],
  leanDays: [14, 35],
  tripDays: [3, 21],
  noticeShare: 0.7,
  usedAbroadShare: 0.5,
  leaverChaseShare: 0.5,
  stayerChaseShare: 0.2,
};

/** Named families: each changes a few assumptions of the default mix. */
export const FAMILIES: Record<string, { about: string; params: Partial<CohortParams> }> = {
  mixed: { about: 'the default mix of every assumption', params: {} },
  cliff: { about: 'leavers stop within a day or two', params: { fallDays: [1, 2] } },
  'slow-fall': { about: 'leavers fall over four to five weeks', params: { fallDays: [28, 35] } },
  shallow: { about: 'leavers fall only to 15–35% of usual', params: { floor: [0.15, 0.35] } },
  'leave-soon': { about: 'leavers leave 7–14 days after their fall', params: { leaveAfterDays: [7, 14] } },
  'leave-late': { about: 'leavers leave 4–6 weeks after their fall', params: { leaveAfterDays: [28, 42] } },
  'before-dispute': {
    about: 'the fall begins 1–21 days before the dispute opens',
    params: { declineStart: 'before' },
  },
  'during-dispute': { about: 'the fall begins while the dispute is open', params: { declineStart: 'during' } },
  'after-resolution': {
    about: 'the fall begins 0–14 days after the resolution',
    params: { declineStart: 'after_resolution' },
  },
  'light-users': { about: 'a few transactions a month (0.07–0.3 a day)', params: { usagePerDay: [0.07, 0.3] } },
  'heavy-users': { about: 'several transactions a day (3–8)', params: { usagePerDay: [3, 8] } },
  travellers: {
    about: 'a third travel 3–21 days, half of them without notice, half using the card abroad',
    params: { travellerShare: 0.35, noticeShare: 0.5 },
  },
  'quiet-travellers': {
    about: 'a third travel 3–21 days, without notice and without using the card abroad',
    params: { travellerShare: 0.35, noticeShare: 0, usedAbroadShare: 0 },
  },
  'lean-months': {
    about: 'a third have a lean stretch at 20–70% for 2–5 weeks',
    params: { leanShare: 0.35, leanDepth: [0.2, 0.7] },
  },
  reissued: { about: 'a quarter have their card blocked and reissued', params: { reissueShare: 0.25 } },
  holidays: {
    about: 'a third had a holiday season just before the dispute, then a lull',
    params: { holidayShare: 0.35 },
  },
  chasers: { about: 'most leavers chase the bank', params: { leaverChaseShare: 0.9, stayerChaseShare: 0.3 } },
  silent: { about: 'nobody chases the bank', params: { leaverChaseShare: 0, stayerChaseShare: 0 } },
  'rare-leaving': { about: 'only 2% leave', params: { leaverShare: 0.02 } },
  'common-leaving': { about: '30% leave', params: { leaverShare: 0.3 } },
  noisy: { about: 'usage varies twice as much from day to day', params: { dayNoise: 0.7 } },
};

const HORIZON = 270;

export function generateCohort(seed: number, n: number, overrides: Partial<CohortParams> = {}): Cohort {
  const p: CohortParams = { ...DEFAULT_PARAMS, ...overrides };
  const f = new Faker({ locale: [en] });
  f.seed(seed);
  const random = () => f.number.float({ min: 0, max: 1 });
  const uniform = ([min, max]: Range) => (max > min ? f.number.float({ min, max }) : min);
  const int = ([min, max]: Range) => (max > min ? f.number.int({ min, max }) : min);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const logNormal = (median: number, sigma: number) => median * Math.exp(sigma * normal());
  const poisson = (lambda: number) => {
    // Knuth's method below 30; a rounded normal above, where it is close enough.
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let q = random(); q > limit; q *= random()) k++;
    return k;
  };
  const chance = (share: number) => random() < share;

  const customers: CohortCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const [low, high] = p.usagePerDay;
    const base = low * Math.pow(high / low, random());
    const weekday = Array.from({ length: 7 }, (_, w) => (w >= 5 ? uniform([0.5, 1.5]) : uniform([0.85, 1.15])));
    const openDay = int([120, 150]);
    const leaver = chance(p.leaverShare);
    const stalled = leaver ? chance(0.8) : chance(0.5);
    const resolveDay = openDay + (stalled ? int([35, 90]) : int([7, 25]));
    const events: CohortEvent[] = [];
    let leftDay: number | undefined;
    let kind = 'loyal';
    /** The share of the usual rate on a day, and whether that day's transactions are abroad. */
    let factor = (_day: number) => 1;
    let abroadOn = (_day: number) => false;

    if (leaver) {
      kind = 'leaver';
      const start = declineStart(p.declineStart, openDay, resolveDay);
      const fall = int(p.fallDays);
      const floor = uniform(p.floor);
      // They still hold the card when they dispute: the earliest leave is the day after opening.
      leftDay = Math.max(start + fall + int(p.leaveAfterDays), openDay + 1);
      events.push({ day: leftDay, type: 'card_closed' });
      factor = (day) =>
        day < start ? 1 : day >= leftDay! ? 0 : Math.max(floor, 1 - ((1 - floor) * (day - start + 1)) / fall);
    } else {
      const roll = random();
      const cut = cumulative([p.leanShare, p.travellerShare, p.reissueShare, p.holidayShare]);
      if (roll < cut[0]) {
        kind = 'lean_month';
        const { from, to } = spell(openDay + int([-7, 30]), int(p.leanDays));
        const share = uniform(p.leanDepth);
        factor = (day) => (day >= from && day < to ? share : 1);
      } else if (roll < cut[1]) {
        const { from, to } = spell(openDay + int([0, 40]), int(p.tripDays));
        const notice = chance(p.noticeShare);
        kind = notice ? 'traveller' : 'traveller_no_notice';
        if (notice) events.push({ day: from - int([0, 3]), type: 'travel_notice', untilDay: to - 1 });
        const away = chance(p.usedAbroadShare) ? uniform([0.2, 0.8]) : 0.03;
        factor = (day) => (day >= from && day < to ? away : 1);
        if (away > 0.03) abroadOn = (day) => day >= from && day < to;
      } else if (roll < cut[2]) {
        kind = 'reissued_card';
        const { from, to } = spell(openDay + int([-5, 40]), int([3, 12]));
        events.push({ day: Math.min(to, from + int([1, 6])), type: 'card_reissued' });
        factor = (day) => (day >= from && day < to ? 0 : 1);
      } else if (roll < cut[3]) {
        kind = 'holiday_season';
        const seasonEnd = openDay - int([0, 14]);
        const seasonDays = int([21, 42]);
        const season = spell(seasonEnd - seasonDays, seasonDays);
        const lull = spell(seasonEnd, int([14, 28]));
        const [up, down] = [uniform([1.5, 2.2]), uniform([0.5, 0.8])];
        factor = (day) => (day >= season.from && day < season.to ? up : day >= lull.from && day < lull.to ? down : 1);
      }
    }

    const contacts: { day: number }[] = [];
    const lastOpenDay = Math.min(resolveDay, leftDay ?? HORIZON, HORIZON) - 1;
    if (chance(leaver ? p.leaverChaseShare : p.stayerChaseShare) && lastOpenDay > openDay + 7) {
      const times = int([1, 4]);
      for (let k = 0; k < times; k++) contacts.push({ day: int([openDay + 7, lastOpenDay]) });
      contacts.sort((a, b) => a.day - b.day);
    }
    const breach = openDay + int([10, 20]);
    const slaBreaches = stalled && breach < Math.min(resolveDay, HORIZON) ? [{ day: breach }] : [];

    const usage: CohortDay[] = [];
    for (let day = 0; day < HORIZON; day++) {
      const count = poisson(base * weekday[day % 7] * logNormal(1, p.dayNoise) * factor(day));
      let spend = 0;
      for (let t = 0; t < count; t++) spend += Math.round(logNormal(35, 0.8) * 100) / 100;
      const abroad = abroadOn(day) ? count : 0;
      usage.push({ day, count, spend: Math.round(spend * 100) / 100, ...(abroad ? { abroad } : {}) });
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
      events: events.filter((e) => e.day < HORIZON).sort((a, b) => a.day - b.day),
      days: usage,
      contacts,
      slaBreaches,
      ...(leftDay !== undefined && leftDay < HORIZON ? { leftDay } : {}),
      kind,
    });
  }
  return { customers };

  function declineStart(when: CohortParams['declineStart'], openDay: number, resolveDay: number): number {
    const at = when === 'mixed' ? f.helpers.weightedArrayElement(MIXED_STARTS) : when;
    if (at === 'before') return openDay - int([1, 21]);
    if (at === 'after_resolution') return resolveDay + int([0, 14]);
    return openDay + int([0, Math.max(0, Math.min(40, resolveDay - openDay - 1))]);
  }
  /** `length` days from `from`: days in it are `from <= day < to`. */
  function spell(from: number, length: number) {
    return { from, to: from + length };
  }
}

/** In the default mix most falls begin while the dispute is open, as the design's Jane does. */
const MIXED_STARTS = [
  { value: 'during' as const, weight: 70 },
  { value: 'before' as const, weight: 15 },
  { value: 'after_resolution' as const, weight: 15 },
];

function cumulative(shares: number[]): number[] {
  let sum = 0;
  return shares.map((share) => (sum += share));
}

/** Parses `name=value` overrides: a number, or two numbers `a,b` for a range, or a word. */
export function parseOverrides(settings: string[]): Partial<CohortParams> {
  const overrides: Record<string, unknown> = {};
  for (const setting of settings) {
    const [name, value] = setting.split('=', 2);
    if (!(name in DEFAULT_PARAMS) || value === undefined) {
      throw new Error(`--set ${setting}: expected one of ${Object.keys(DEFAULT_PARAMS).join(', ')} as name=value`);
    }
    const expected = DEFAULT_PARAMS[name as keyof CohortParams];
    const numbers = value.split(',').map(Number);
    if (typeof expected === 'string') overrides[name] = value;
    else if (numbers.some(Number.isNaN) || numbers.length !== (Array.isArray(expected) ? 2 : 1)) {
      throw new Error(`--set ${setting}: ${name} takes ${Array.isArray(expected) ? 'two numbers, a,b' : 'a number'}`);
    } else overrides[name] = Array.isArray(expected) ? numbers : numbers[0];
  }
  return overrides as Partial<CohortParams>;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      n: { type: 'string', default: '500' },
      family: { type: 'string', default: 'mixed' },
      set: { type: 'string', multiple: true, default: [] },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const [name, { about }] of Object.entries(FAMILIES)) console.log(`${name.padEnd(18)} ${about}`);
    process.exit(0);
  }
  const seed = Number(values.seed);
  const n = Number(values.n);
  const family = FAMILIES[values.family];
  if (!Number.isInteger(seed) || !Number.isInteger(n) || n < 1 || !family) {
    console.error(
      'usage: npm run care:cohort -- [--family <name>] [--set name=value …] --seed <integer> --n <customers>',
    );
    if (!family) console.error(`unknown family ${values.family}; --list names them`);
    process.exit(2);
  }
  try {
    const params = { ...family.params, ...parseOverrides(values.set) };
    process.stdout.write(`${JSON.stringify(generateCohort(seed, n, params))}\n`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
