/**
 * Every call the API makes to Temporal has a deadline, so an unreachable server (or a worker that
 * is away) answers 503 within seconds instead of holding the request through the client's
 * retries. Reads are quick or fail; an action waits longer, for the workflow to apply it.
 */
import type { Client } from '@temporalio/client';

export const READ_DEADLINE_MS = 2_000;
export const ACTION_DEADLINE_MS = 5_000;

export function withinDeadline<T>(temporal: Client, ms: number, call: () => Promise<T>): Promise<T> {
  return temporal.withDeadline(Date.now() + ms, call);
}
