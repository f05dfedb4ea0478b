/**
 * Deadline clocks: internal SLAs (pausable, business time), regulatory clocks and the card
 * network's windows (never paused).
 * A clock is plain data so it lives in workflow state and survives continue-as-new; these
 * functions are pure, so the workflow can ask "what is due now" and "when do I wake next".
 */
import { addBusinessTime, businessTimeBetween, type Holidays } from './business-time';

/** What a clock does by itself before its deadline passes. */
export type ClockAction = 'grant_provisional_credit' | 'acknowledge' | 'escalate' | 'acquirer_silent';

export interface Clock {
  /** Unique within the case, e.g. `sla:investigation:3`, `reg-e:provisional-credit` or `network:<chargeback>:<step>`. */
  id: string;
  /** Card-network clocks time the network's windows: the bank's own, and the acquirer's. */
  kind: 'sla' | 'regulatory' | 'network';
  /** The stage an SLA clock times; null for regulatory clocks, which time the whole case. */
  stage: string | null;
  /** What a person reads in the UI and the timeline, e.g. "Investigation SLA (fraud)". */
  label: string;
  basis: 'business' | 'calendar';
  budgetMs: number;
  /** Time used before `runningSince`; grows on every pause. */
  consumedMs: number;
  /** Null while paused. */
  runningSince: number | null;
  warnBeforeMs: number | null;
  /** Regulatory clocks fire their action this long before the deadline. */
  action: ClockAction | null;
  actBeforeMs: number;
  warnedAt: number | null;
  actedAt: number | null;
  breachedAt: number | null;
  endedAt: number | null;
  /** Why the clock stopped: `met`, `transferred`, `withdrawn`… */
  endReason: string | null;
}

export type ClockStatus = 'running' | 'paused' | 'warned' | 'breached' | 'met' | 'met_late' | 'ended';

export type ClockEvent = 'warn' | 'act' | 'breach';

export interface NewClock {
  id: string;
  kind: Clock['kind'];
  stage?: string | null;
  label: string;
  basis: Clock['basis'];
  budgetMs: number;
  warnBeforeMs?: number | null;
  action?: ClockAction | null;
  actBeforeMs?: number;
}

export function startClock(spec: NewClock, now: number): Clock {
  return {
    stage: null,
    warnBeforeMs: null,
    action: null,
    actBeforeMs: 0,
    ...spec,
    consumedMs: 0,
    runningSince: now,
    warnedAt: null,
    actedAt: null,
    breachedAt: null,
    endedAt: null,
    endReason: null,
  };
}

const elapsed = (clock: Clock, from: number, to: number, holidays: Holidays) =>
  clock.basis === 'business' ? businessTimeBetween(from, to, holidays) : Math.max(0, to - from);

const after = (clock: Clock, from: number, ms: number, holidays: Holidays) =>
  clock.basis === 'business' ? addBusinessTime(from, ms, holidays) : from + ms;

/**
 * When the clock has used `share` of its budget (a past instant when it already has), or null while
 * paused or ended: the console's "over 80% of its SLA".
 */
export function usedShareAt(clock: Clock, share: number, holidays: Holidays): number | null {
  return pointBefore(clock, (1 - share) * clock.budgetMs, holidays);
}

/** When the clock reaches `budget - beforeMs` of used time, or null while paused or ended. */
function pointBefore(clock: Clock, beforeMs: number, holidays: Holidays): number | null {
  if (clock.runningSince === null || clock.endedAt !== null) return null;
  return after(clock, clock.runningSince, Math.max(0, clock.budgetMs - clock.consumedMs - beforeMs), holidays);
}

export const deadlineOf = (clock: Clock, holidays: Holidays) => pointBefore(clock, 0, holidays);

export function pauseClock(clock: Clock, now: number, holidays: Holidays): void {
  if (clock.runningSince === null || clock.endedAt !== null) return;
  clock.consumedMs += elapsed(clock, clock.runningSince, now, holidays);
  clock.runningSince = null;
}

export function resumeClock(clock: Clock, now: number): void {
  if (clock.runningSince === null && clock.endedAt === null) clock.runningSince = now;
}

export function endClock(clock: Clock, now: number, reason: string, holidays: Holidays): void {
  if (clock.endedAt !== null) return;
  pauseClock(clock, now, holidays);
  clock.endedAt = now;
  clock.endReason = reason;
}

/** Events that are due at `now` and have not happened yet, with when they fell due, in order. */
export function dueEvents(clock: Clock, now: number, holidays: Holidays): { event: ClockEvent; at: number }[] {
  return pendingEvents(clock, holidays).filter((e) => e.at <= now);
}

/** The instant this clock next needs attention, or null when nothing is pending. */
export function nextWake(clock: Clock, holidays: Holidays): number | null {
  return nextEvent(clock, holidays)?.at ?? null;
}

/** The next event this clock has pending, with when it falls due. */
export function nextEvent(clock: Clock, holidays: Holidays): { event: ClockEvent; at: number } | null {
  return pendingEvents(clock, holidays)[0] ?? null;
}

function pendingEvents(clock: Clock, holidays: Holidays): { event: ClockEvent; at: number }[] {
  const events: { event: ClockEvent; at: number }[] = [];
  const deadline = deadlineOf(clock, holidays);
  if (deadline === null) return events;
  if (clock.warnBeforeMs !== null && clock.warnedAt === null && clock.breachedAt === null) {
    events.push({ event: 'warn', at: pointBefore(clock, clock.warnBeforeMs, holidays)! });
  }
  if (clock.action !== null && clock.actedAt === null) {
    events.push({ event: 'act', at: pointBefore(clock, clock.actBeforeMs, holidays)! });
  }
  if (clock.breachedAt === null) events.push({ event: 'breach', at: deadline });
  return events.sort((a, b) => a.at - b.at);
}

export function clockStatus(clock: Clock): ClockStatus {
  if (clock.endedAt !== null) {
    if (clock.endReason !== 'met') return 'ended';
    return clock.breachedAt !== null ? 'met_late' : 'met';
  }
  if (clock.breachedAt !== null) return 'breached';
  if (clock.runningSince === null) return 'paused';
  return clock.warnedAt !== null ? 'warned' : 'running';
}

/** A clock as the query, the API and the UI show it. */
export interface ClockView {
  id: string;
  kind: Clock['kind'];
  label: string;
  status: ClockStatus;
  /** Null while paused or after the clock ended. */
  deadline: string | null;
  /** Budget left while paused, in ms of the clock's own basis. */
  remainingMs: number | null;
  action: ClockAction | null;
  actedAt: string | null;
  breachedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function viewClock(clock: Clock, holidays: Holidays): ClockView {
  return {
    id: clock.id,
    kind: clock.kind,
    label: clock.label,
    status: clockStatus(clock),
    deadline: iso(deadlineOf(clock, holidays)),
    remainingMs: clock.runningSince === null && clock.endedAt === null ? clock.budgetMs - clock.consumedMs : null,
    action: clock.action,
    actedAt: iso(clock.actedAt),
    breachedAt: iso(clock.breachedAt),
    endedAt: iso(clock.endedAt),
    endReason: clock.endReason,
  };
}
