import { DateTime } from 'luxon';

/** Local hours in which no scheduled message goes out: from `start` (inclusive) to `end`. */
export interface QuietHours {
  start: number;
  end: number;
}

/** `at`, or the end of the customer's quiet hours when `at` falls inside them. */
export function outsideQuietHours(at: number, timezone: string, { start, end }: QuietHours): number {
  const local = DateTime.fromMillis(at, { zone: timezone });
  const hour = local.hour + local.minute / 60 + local.second / 3600;
  const quiet = start > end ? hour >= start || hour < end : hour >= start && hour < end;
  if (!quiet) return at;
  let next = local.set({ hour: end, minute: 0, second: 0, millisecond: 0 });
  if (next <= local) next = next.plus({ days: 1 });
  return next.toMillis();
}

/** The customer's own quiet hours when she set them on her case page, else the bank's. */
export function quietHoursOf(
  customer: { quietHoursStart: number | null; quietHoursEnd: number | null },
  bank: QuietHours,
): QuietHours {
  const { quietHoursStart: start, quietHoursEnd: end } = customer;
  return start !== null && end !== null ? { start, end } : bank;
}

/** Parses `21-8` into quiet hours from 21:00 to 08:00. */
export function parseQuietHours(text: string): QuietHours {
  const match = /^(\d{1,2})-(\d{1,2})$/.exec(text.trim());
  const [start, end] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(start >= 0 && start <= 23 && end >= 0 && end <= 23 && start !== end)) {
    throw new Error(`must be two different hours such as 21-8, not "${text}"`);
  }
  return { start, end };
}
