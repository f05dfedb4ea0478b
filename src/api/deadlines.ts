/**
 * Every call the API makes to Temporal has a deadline, so an unreachable server (or a worker that
 * is away) answers 503 within seconds instead of holding the request through the client's
 * retries. Reads are quick or fail; an action waits longer, for the workflow to apply it.
 */
import type { Client } from '@temporalio/client';
import type { Response } from 'express';

export const READ_DEADLINE_MS = 2_000;
export const ACTION_DEADLINE_MS = 5_000;

export function withinDeadline<T>(temporal: Client, ms: number, call: () => Promise<T>): Promise<T> {
  return temporal.withDeadline(Date.now() + ms, call);
}

/** Failures that say the request never left for the server: there was no connection to send it on. */
const NEVER_SENT =
  /No connection established|ECONNREFUSED|waiting for LB pick|metadata filters|Name resolution failed/i;

/**
 * Whether a call that failed (a deadline, a dropped line) may have reached Temporal: then its
 * effect is unknown, not absent, and the answer must not invite the caller to do it differently.
 * gRPC names the server's address on a call that was under way on a connection.
 */
export function mayHaveArrived(error: unknown): boolean {
  const text = causes(error);
  return /remote_addr=/.test(text) || !NEVER_SENT.test(text);
}

/** The messages of an error and of its causes, in one line. */
export function causes(error: unknown): string {
  let text = '';
  for (
    let e = error as { message?: string; details?: string; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    text += ` ${e.message ?? ''} ${e.details ?? ''}`;
  }
  return text;
}

/**
 * 202 for what a case took but did not finish in time (`accepted`), or may have taken (`unknown`):
 * the same request with the same Idempotency-Key learns the outcome, and acts once.
 */
export function answerPending(res: Response, caseId: string, status: 'accepted' | 'unknown', detail: string): void {
  res.status(202).location(`/cases/${caseId}`).json({ status, caseId, detail });
}
