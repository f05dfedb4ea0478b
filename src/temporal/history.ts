import type { temporal } from '@temporalio/proto';

/**
 * When a history event happened, in epoch milliseconds. Its seconds are a Long in a history
 * fetched from the server and a plain number in one read from JSON, so Number() takes both
 * (the SDK's tsToMs takes only the first).
 */
export function eventTimeMs(event: temporal.api.history.v1.IHistoryEvent): number {
  return Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
}
