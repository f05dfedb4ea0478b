/**
 * Facts about a customer's card usage while a dispute is open, for the attrition risk rules.
 * Plain functions of day-by-day counts, so the attrition watch (in the workflow) and the cohort
 * evaluation (over a file) compute exactly the same thing.
 *
 * Daily transaction counts are small numbers, so usage is judged as Poisson counts against the
 * customer's own weekday rates before the dispute: a one-sided Poisson CUSUM accumulates the
 * evidence that the rate has halved, and a Poisson upper bound says how high the recent rate
 * could still be. Days are numbered consecutively; day `n`'s weekday is `n mod 7`.
 */

import type { RetentionOutcome } from '../attrition-watch/messages';

/** Usage per day: `counts[i]` transactions on day `firstDay + i`. */
export interface UsageHistory {
  firstDay: number;
  counts: number[];
}

export type CardEventType = 'card_reissued' | 'card_closed' | 'travel_notice';

export interface CaseFacts {
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
  /** Expected transactions per week before the dispute. */
  baselinePerWeek: number;
  /** Last 14 days: transactions seen, transactions expected from the baseline. */
  recentCount: number;
  recentExpected: number;
  /** The highest recent rate (share of baseline) the recent count is consistent with (90%). */
  recentRateUpper: number;
  /** Poisson CUSUM since the dispute opened: evidence (log-likelihood) that usage has halved. */
  cusumDrop: number;
  daysSinceLastTransaction: number;
  /** How unlikely the current silence is for this customer: −ln P(no transaction for that long). */
  silenceSurprise: number;
  /** Last week's usage ÷ the week before's (1 when the week before had none): below 1, still falling. */
  weekOnWeek: number;
  /** `cliff` (a sudden stop, like a blocked card), `ramp` (a steady fall, like churn), or `steady`. */
  shape: 'cliff' | 'ramp' | 'steady';
  /** A card was reissued lately, or a travel notice covers recent days. */
  gapExplained: boolean;
  cardClosed: boolean;
  tier: string;
  lifetimeValueCents: number;
  slaBreaches: number;
  customerContacts: number;
}

const BASELINE_DAYS = 91;
const RECENT_DAYS = 14;
/** The CUSUM tests for usage falling to this share of the baseline. */
const DROP_TO = 0.5;
/** A reissued card explains a gap for this long. */
const REISSUE_DAYS = 21;
/** A cliff: at least this share of the baseline before the change… */
const CLIFF_BEFORE = 0.8;
/** …and silence since over a stretch in which this many transactions were expected. */
const CLIFF_EXPECTED = 6;
/** The least daily rate a weekday is given, so a quiet weekday is not "certain" to stay empty. */
const MIN_RATE = 0.02;

/** The customer's expected transactions per weekday (`rates[n mod 7]`), from the days before `untilDay`. */
export function weekdayRates(history: UsageHistory, untilDay: number, lookback = BASELINE_DAYS): number[] | null {
  const sums = Array<number>(7).fill(0);
  const days = Array<number>(7).fill(0);
  for (let day = Math.max(history.firstDay, untilDay - lookback); day < untilDay; day++) {
    const count = history.counts[day - history.firstDay];
    if (count === undefined) continue;
    sums[day % 7] += count;
    days[day % 7] += 1;
  }
  const total = days.reduce((a, b) => a + b, 0);
  if (total < 28) return null;
  const overall = sums.reduce((a, b) => a + b, 0) / total;
  // Each weekday leans on the customer's overall rate as if it were two more weeks of data.
  return sums.map((sum, w) => Math.max(MIN_RATE, (sum + 2 * overall) / (days[w] + 2)));
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

/** One-sided Poisson CUSUM for a fall to `dropTo` × the expected rate, over `[from, to]`. */
export function poissonCusum(
  history: UsageHistory,
  rates: number[],
  from: number,
  to: number,
  dropTo = DROP_TO,
): number {
  let s = 0;
  for (let day = Math.max(from, history.firstDay); day <= to; day++) {
    const count = history.counts[day - history.firstDay] ?? 0;
    const lambda = rates[day % 7];
    s = Math.max(0, s + count * Math.log(dropTo) + (1 - dropTo) * lambda);
  }
  return s;
}

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

/**
 * A sudden stop (usage near normal, then next to nothing for days, as with a blocked card or a
 * trip), a steady fall over the last four weeks (as when spending moves elsewhere), or neither.
 */
export function declineShape(history: UsageHistory, rates: number[], today: number): RiskFacts['shape'] {
  const change = changePoint(history, rates, today);
  // Near normal before, next to nothing after, for long enough that the quiet cannot be chance.
  if (change.before >= CLIFF_BEFORE && change.after <= 0.15 && change.expectedAfter >= CLIFF_EXPECTED) return 'cliff';
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

function lastTransactionDay(history: UsageHistory, today: number): number | null {
  for (let day = today; day >= history.firstDay; day--) {
    if ((history.counts[day - history.firstDay] ?? 0) > 0) return day;
  }
  return null;
}

/** Every fact the rules read, at the end of `today`, from usage up to and including `today`. */
export function riskFacts(history: UsageHistory, facts: CaseFacts, today: number): RiskFacts | null {
  const rates = weekdayRates(history, facts.disputeOpenDay);
  if (!rates) return null;
  const recentFrom = today - RECENT_DAYS + 1;
  let recentCount = 0;
  let recentExpected = 0;
  for (let day = recentFrom; day <= today; day++) {
    recentCount += history.counts[day - history.firstDay] ?? 0;
    recentExpected += rates[day % 7];
  }
  const last = lastTransactionDay(history, today);
  const silentFrom = last === null ? history.firstDay : last + 1;
  let silenceSurprise = 0;
  for (let day = silentFrom; day <= today; day++) silenceSurprise += rates[day % 7];
  const gapExplained = facts.events.some(
    (e) =>
      e.day <= today &&
      ((e.type === 'card_reissued' && e.day >= today - REISSUE_DAYS) ||
        (e.type === 'travel_notice' && (e.untilDay ?? e.day) >= recentFrom)),
  );
  const [, weekBefore, lastWeek] = weeklyRatios(history, rates, today, 3);
  const open = today >= facts.disputeOpenDay && (facts.disputeResolveDay === null || today < facts.disputeResolveDay);
  return {
    disputeOpen: open,
    disputeOpenDays: Math.max(0, (open ? today : (facts.disputeResolveDay ?? today)) - facts.disputeOpenDay),
    baselinePerWeek: round(rates.reduce((a, b) => a + b, 0)),
    recentCount,
    recentExpected: round(recentExpected),
    recentRateUpper: round(poissonUpperBound(recentCount) / recentExpected),
    cusumDrop: round(poissonCusum(history, rates, facts.disputeOpenDay, today)),
    daysSinceLastTransaction: today - (last ?? history.firstDay - 1),
    silenceSurprise: round(silenceSurprise),
    weekOnWeek: round(weekBefore > 0 ? lastWeek / weekBefore : 1),
    shape: declineShape(history, rates, today),
    gapExplained,
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
export function retentionOutcome(history: UsageHistory, facts: CaseFacts, today: number): RetentionOutcome {
  if (facts.events.some((e) => e.type === 'card_closed' && e.day >= facts.disputeOpenDay && e.day <= today)) {
    return 'lost';
  }
  const rates = weekdayRates(history, facts.disputeOpenDay);
  if (!rates) return 'unknown';
  const share = observedShare(history, rates, today - 27, today);
  return share >= 0.5 ? 'retained' : share <= 0.1 ? 'lost' : 'unknown';
}

const round = (v: number) => Math.round(v * 100) / 100;
