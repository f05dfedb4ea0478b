/**
 * Facts about a customer's card usage while a dispute is open, for the attrition risk rules.
 * Plain functions of day-by-day counts, so the attrition watch (through its activity) and the
 * cohort evaluation (over a file) compute exactly the same thing.
 *
 * Daily transaction counts are small numbers, so usage is judged as Poisson counts against the
 * customer's own weekday rates before the dispute. The evidence is sequential: a one-sided Poisson
 * CUSUM accumulates, day by day, the log-likelihood ratio of "usage fell to a fraction of usual"
 * against "usage as usual", and the rules compare it with thresholds that follow from the error
 * rates the rule set states (see `risk-rules/`). Days the bank knows a reason for (a trip it was told
 * of, a card being reissued) are no evidence either way and are skipped.
 *
 * Days are numbered consecutively; day `n`'s weekday is `n mod 7`.
 */

import type { RetentionOutcome } from './care';

/** Usage per day: `counts[i]` transactions on day `firstDay + i`, `abroad[i]` of them abroad. */
export interface UsageHistory {
  firstDay: number;
  counts: number[];
  /** Transactions abroad per day, where the source knows the country. */
  abroad?: number[];
}

/** What the card processor reports about a card besides its transactions. */
export const CARD_EVENT_TYPES = ['card_reissued', 'card_closed', 'travel_notice'] as const;
export type CardEventType = (typeof CARD_EVENT_TYPES)[number];

export interface DisputeFacts {
  disputeOpenDay: number;
  /** Null while the dispute is open. */
  disputeResolveDay: number | null;
  events: { day: number; type: CardEventType; untilDay?: number | null }[];
  tier?: string;
  lifetimeValueCents?: number;
  slaBreaches?: number;
  customerContacts?: number;
}

/** What the rules see; every value is a plain number, boolean or string. */
export interface RiskFacts {
  disputeOpen: boolean;
  disputeOpenDays: number;
  /** Days since the resolution (0 while open): a fall soon after it is still the dispute's doing. */
  daysSinceResolution: number;
  /** Expected transactions per week before the dispute. */
  baselinePerWeek: number;
  /** Last 14 days: transactions seen, transactions expected from the baseline. */
  recentCount: number;
  recentExpected: number;
  /** The highest recent rate (share of baseline) the recent count is consistent with (90%). */
  recentRateUpper: number;
  /** Evidence (log-likelihood ratio, nats) that usage fell to a twentieth of usual, since the baseline. */
  dropEvidence: number;
  /** How many days the evidence of that fall has been gathering (since it was last nil). */
  dropDays: number;
  /** Evidence (nats) that usage fell to half of usual, since the baseline. */
  slipEvidence: number;
  daysSinceLastTransaction: number;
  /** How unlikely the current unexplained silence is for this customer: −ln P(no transaction for that long). */
  silenceSurprise: number;
  /** Last week's usage ÷ the week before's (1 when the week before had none): below 1, still falling. */
  weekOnWeek: number;
  /** `cliff` (a sudden stop), `ramp` (a steady fall), or `steady`: shown to people, no reason by itself. */
  shape: 'cliff' | 'ramp' | 'steady';
  /** A card was reissued lately, or a travel notice covers recent days. */
  gapExplained: boolean;
  cardClosed: boolean;
  tier: string;
  lifetimeValueCents: number;
  slaBreaches: number;
  customerContacts: number;
}

/** The baseline: this many days of usage, ending BASELINE_GAP days before the dispute opened. */
export const BASELINE_DAYS = 91;
/**
 * A customer who starts leaving shortly before disputing (the dispute may be what tipped them)
 * would otherwise lower their own baseline; evidence is gathered from the baseline's end on.
 */
const BASELINE_GAP = 14;
/** How far back before the dispute's opening the facts read usage. */
export const HISTORY_BEFORE_OPEN_DAYS = BASELINE_DAYS + BASELINE_GAP;
const RECENT_DAYS = 14;
/** The evidence facts test for usage falling to these shares of the baseline. */
export const DROP_TO = 0.05;
export const SLIP_TO = 0.5;
/** A reissued card explains the gap from its last use before the reissue (at most this long)… */
const REISSUE_GAP_BEFORE = 14;
/** …until this long after it, while the new card reaches the customer. */
const REISSUE_GAP_AFTER = 14;
/** A trip's notice is taken to cover a couple of days either side of its dates. */
const TRIP_SLACK = 2;
/** A transaction abroad shows a trip around it: days this close to one abroad are explained. */
const ABROAD_REACH = 3;
/** Busy enough that the median week is a fair picture of the usual week. */
const MEDIAN_WEEK_MIN = 5;
/** The least daily rate a weekday is given, so a quiet weekday is not "certain" to stay empty. */
const MIN_RATE = 0.02;

/** The first day of the baseline and the first day after it, for a dispute opened on `openDay`. */
export function baselineWindow(openDay: number): { from: number; until: number } {
  return { from: openDay - HISTORY_BEFORE_OPEN_DAYS, until: openDay - BASELINE_GAP };
}

/**
 * The customer's expected transactions per weekday (`rates[n mod 7]`), from the days before
 * `untilDay`. The level is the median week's when weeks are busy enough, so a holiday season in
 * the baseline does not make ordinary weeks after it look like a fall; the weekday shape is the
 * mean's, each weekday leaning on the customer's overall rate as if it were two more weeks of data.
 */
export function weekdayRates(history: UsageHistory, untilDay: number, lookback = BASELINE_DAYS): number[] | null {
  const from = Math.max(history.firstDay, untilDay - lookback);
  const sums = Array<number>(7).fill(0);
  const days = Array<number>(7).fill(0);
  const weeks: number[] = [];
  for (let day = from; day < untilDay; day++) {
    const count = history.counts[day - history.firstDay];
    if (count === undefined) continue;
    sums[day % 7] += count;
    days[day % 7] += 1;
    const week = Math.floor((untilDay - 1 - day) / 7);
    weeks[week] = (weeks[week] ?? 0) + count;
  }
  const total = days.reduce((a, b) => a + b, 0);
  if (total < 28) return null;
  const overall = sums.reduce((a, b) => a + b, 0) / total;
  const shape = sums.map((sum, w) => (sum + 2 * overall) / (days[w] + 2));
  const fullWeeks = weeks.slice(0, Math.floor(total / 7)).sort((a, b) => a - b);
  const medianWeek = fullWeeks[Math.floor((fullWeeks.length - 1) / 2)];
  const shapeWeek = shape.reduce((a, b) => a + b, 0);
  const level = medianWeek >= MEDIAN_WEEK_MIN ? Math.min(1, medianWeek / shapeWeek) : 1;
  return shape.map((rate) => Math.max(MIN_RATE, rate * level));
}

/** P(X ≤ x) for X ~ Poisson(λ). */
export function poissonCdf(x: number, lambda: number): number {
  let term = Math.exp(-lambda);
  let sum = term;
  for (let k = 1; k <= x; k++) {
    term *= lambda / k;
    sum += term;
  }
  return Math.min(1, sum);
}

/** The largest mean λ with P(X ≤ x; λ) ≥ alpha: a one-sided upper confidence bound for a count x. */
export function poissonUpperBound(x: number, alpha = 0.1): number {
  let low = x;
  let high = x + 10 + 10 * Math.sqrt(x + 1);
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (poissonCdf(x, mid) > alpha) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * One-sided Poisson CUSUM over `[from, to]`: the log-likelihood ratio of "the rate fell to
 * `dropTo` × the expected rate" against "as expected", restarted from zero whenever it goes below,
 * and how many days it has been above zero (how long the fall it sees has lasted). Days in `skip`
 * (explained by a known reason) add nothing.
 */
export function cusum(
  history: UsageHistory,
  rates: number[],
  from: number,
  to: number,
  dropTo = DROP_TO,
  skip: (day: number) => boolean = () => false,
): { evidence: number; days: number } {
  let s = 0;
  let since = to + 1;
  for (let day = Math.max(from, history.firstDay); day <= to; day++) {
    if (skip(day)) continue;
    const count = history.counts[day - history.firstDay] ?? 0;
    s = Math.max(0, s + count * Math.log(dropTo) + (1 - dropTo) * rates[day % 7]);
    if (s === 0) since = day + 1;
    else if (since > day) since = day;
  }
  return { evidence: s, days: s > 0 ? to - since + 1 : 0 };
}

/** The CUSUM's evidence alone. */
export const poissonCusum = (...args: Parameters<typeof cusum>): number => cusum(...args).evidence;

/** Observed ÷ expected per week, oldest first, for the `weeks` weeks ending on `today`. */
export function weeklyRatios(history: UsageHistory, rates: number[], today: number, weeks = 4): number[] {
  return Array.from({ length: weeks }, (_, i) => {
    const end = today - 7 * (weeks - 1 - i);
    return observedShare(history, rates, end - 6, end);
  });
}

/**
 * Where, in the last four weeks, usage most clearly changed level (the split that best explains
 * the counts as two Poisson rates), with the share of the baseline before and after it.
 */
export function changePoint(history: UsageHistory, rates: number[], today: number, window = 28) {
  const from = today - window + 1;
  const xlogx = (x: number, e: number) => (x > 0 ? x * Math.log(x / e) - x : 0);
  let best = { day: from, before: 1, after: 1, expectedAfter: 0, fit: -Infinity };
  for (let day = from + 3; day <= today - 2; day++) {
    const [xb, eb] = seenAndExpected(history, rates, from, day - 1);
    const [xa, ea] = seenAndExpected(history, rates, day, today);
    const fit = xlogx(xb, eb) + xlogx(xa, ea);
    if (fit > best.fit) best = { day, before: xb / eb, after: xa / ea, expectedAfter: ea, fit };
  }
  return { day: best.day, before: best.before, after: best.after, expectedAfter: best.expectedAfter };
}

/** A sudden stop, a steady fall over the last four weeks, or neither: how the fall looks to a person. */
export function declineShape(history: UsageHistory, rates: number[], today: number): RiskFacts['shape'] {
  const change = changePoint(history, rates, today);
  // Near normal before, next to nothing after, for long enough that the quiet cannot be chance.
  if (change.before >= 0.8 && change.after <= 0.15 && change.expectedAfter >= 6) return 'cliff';
  const ratios = weeklyRatios(history, rates, today);
  const latest = ratios[ratios.length - 1];
  return latest <= 0.6 && ratios[0] - latest >= 0.3 ? 'ramp' : 'steady';
}

function seenAndExpected(history: UsageHistory, rates: number[], from: number, to: number): [number, number] {
  let seen = 0;
  let expected = 0;
  for (let day = from; day <= to; day++) {
    seen += history.counts[day - history.firstDay] ?? 0;
    expected += rates[day % 7];
  }
  return [seen, expected];
}

/** Observed ÷ expected transactions over `[from, to]`. */
function observedShare(history: UsageHistory, rates: number[], from: number, to: number): number {
  const [seen, expected] = seenAndExpected(history, rates, from, to);
  return seen / expected;
}

function lastTransactionDay(history: UsageHistory, before: number): number | null {
  for (let day = before; day >= history.firstDay; day--) {
    if ((history.counts[day - history.firstDay] ?? 0) > 0) return day;
  }
  return null;
}

/**
 * The days a reason the bank knows explains, as of `today`: a travel notice's dates (with a
 * little slack), a reissued card's gap from its last use before the reissue until the new card
 * has had time to arrive, and the days around transactions abroad (a trip nobody announced,
 * but the card is still in use).
 */
export function explainedDays(history: UsageHistory, facts: DisputeFacts, today: number): (day: number) => boolean {
  const spans: [number, number][] = [];
  for (const e of facts.events) {
    if (e.day > today) continue;
    if (e.type === 'travel_notice') spans.push([e.day - TRIP_SLACK, (e.untilDay ?? e.day) + TRIP_SLACK]);
    if (e.type === 'card_reissued') {
      const lastUse = lastTransactionDay(history, e.day - 1);
      const from = Math.max(e.day - REISSUE_GAP_BEFORE, lastUse === null ? -Infinity : lastUse + 1);
      spans.push([from, e.day + REISSUE_GAP_AFTER]);
    }
  }
  (history.abroad ?? []).forEach((count, i) => {
    const day = history.firstDay + i;
    if (count > 0 && day <= today) spans.push([day - ABROAD_REACH, day + ABROAD_REACH]);
  });
  return (day) => spans.some(([from, to]) => day >= from && day <= to);
}

/** Every fact the rules read, at the end of `today`, from usage up to and including `today`. */
export function riskFacts(history: UsageHistory, facts: DisputeFacts, today: number): RiskFacts | null {
  const { until } = baselineWindow(facts.disputeOpenDay);
  const rates = weekdayRates(history, until);
  if (!rates) return null;
  const explained = explainedDays(history, facts, today);
  const recentFrom = today - RECENT_DAYS + 1;
  const [recentCount, recentExpected] = seenAndExpected(history, rates, recentFrom, today);
  const last = lastTransactionDay(history, today);
  let silenceSurprise = 0;
  for (let day = last === null ? history.firstDay : last + 1; day <= today; day++) {
    if (!explained(day)) silenceSurprise += rates[day % 7];
  }
  let recentlyExplained = false;
  for (let day = recentFrom; day <= today && !recentlyExplained; day++) recentlyExplained = explained(day);
  const [, weekBefore, lastWeek] = weeklyRatios(history, rates, today, 3);
  const drop = cusum(history, rates, until, today, DROP_TO, explained);
  const resolved = facts.disputeResolveDay !== null && today >= facts.disputeResolveDay;
  const open = today >= facts.disputeOpenDay && !resolved;
  return {
    disputeOpen: open,
    disputeOpenDays: Math.max(0, (resolved ? facts.disputeResolveDay! : today) - facts.disputeOpenDay),
    daysSinceResolution: resolved ? today - facts.disputeResolveDay! : 0,
    baselinePerWeek: round(rates.reduce((a, b) => a + b, 0)),
    recentCount,
    recentExpected: round(recentExpected),
    recentRateUpper: round(poissonUpperBound(recentCount) / recentExpected),
    dropEvidence: round(drop.evidence),
    dropDays: drop.days,
    slipEvidence: round(poissonCusum(history, rates, until, today, SLIP_TO, explained)),
    daysSinceLastTransaction: today - (last ?? history.firstDay - 1),
    silenceSurprise: round(silenceSurprise),
    weekOnWeek: round(weekBefore > 0 ? lastWeek / weekBefore : 1),
    shape: declineShape(history, rates, today),
    gapExplained: recentlyExplained,
    cardClosed: facts.events.some((e) => e.type === 'card_closed' && e.day <= today),
    tier: facts.tier ?? 'standard',
    lifetimeValueCents: facts.lifetimeValueCents ?? 0,
    slaBreaches: facts.slaBreaches ?? 0,
    customerContacts: facts.customerContacts ?? 0,
  };
}

/**
 * Whether the customer stayed, judged at `today` after watching since the resolution: a card
 * returned, or usage in the last four weeks all but gone, is `lost`; at least half the usual
 * usage is `retained`; anything between is `unknown`.
 */
export function retentionOutcome(history: UsageHistory, facts: DisputeFacts, today: number): RetentionOutcome {
  if (facts.events.some((e) => e.type === 'card_closed' && e.day >= facts.disputeOpenDay && e.day <= today)) {
    return 'lost';
  }
  const rates = weekdayRates(history, baselineWindow(facts.disputeOpenDay).until);
  if (!rates) return 'unknown';
  const share = observedShare(history, rates, today - 27, today);
  return share >= 0.5 ? 'retained' : share <= 0.1 ? 'lost' : 'unknown';
}

const round = (v: number) => Math.round(v * 100) / 100;
