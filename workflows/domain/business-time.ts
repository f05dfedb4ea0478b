/**
 * Business-time arithmetic over a holiday calendar. Pure and deterministic, so the workflow can
 * compute deadlines itself. A business day is a weekday (UTC) that is not a holiday; "N business
 * days" is N × 24 hours of business time, so a clock started on Monday at 10:00 with one business
 * day runs out on Tuesday at 10:00, and one started on Saturday runs out at the end of Monday.
 */
import { DAY_MS } from './time';

/** Holidays as `YYYY-MM-DD` dates (UTC). */
export type Holidays = ReadonlySet<string>;

const dayStart = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;

export function isBusinessDay(t: number, holidays: Holidays): boolean {
  const date = new Date(t);
  const weekday = date.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date.toISOString().slice(0, 10));
}

/** The instant `ms` of business time after `from`. */
export function addBusinessTime(from: number, ms: number, holidays: Holidays): number {
  if (ms <= 0) return from;
  let t = from;
  let left = ms;
  for (;;) {
    const end = dayStart(t) + DAY_MS;
    if (isBusinessDay(t, holidays)) {
      if (t + left <= end) return t + left;
      left -= end - t;
    }
    t = end;
  }
}

/** How much business time lies between `from` and `to` (0 when `to` is not after `from`). */
export function businessTimeBetween(from: number, to: number, holidays: Holidays): number {
  let total = 0;
  for (let t = from; t < to; t = dayStart(t) + DAY_MS) {
    if (isBusinessDay(t, holidays)) total += Math.min(to, dayStart(t) + DAY_MS) - t;
  }
  return total;
}
