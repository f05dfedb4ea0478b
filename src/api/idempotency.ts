/**
 * Idempotency-Key on staff actions. A key names one request: the same action on the same case by
 * the same person with the same body. A retry of it gets the answer the action first gave (and,
 * while that is unknown, sends the same Update id, which Temporal runs once); any other use of
 * the key is refused with 422, so a reused key never silently swallows a different action.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/client';
import { log } from '../log';
import type { Actor } from '../../workflows/domain/case';
import type { StaffActionName } from '../../workflows/domain/staff-requests';
import { Problem } from './problem';

export interface KeyedAction {
  key: string;
  caseId: string;
  action: StaffActionName;
  fingerprint: string;
}

/** What identifies a request beyond its case and action: who sends it, and its checked body. */
export function fingerprint(actor: Actor, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ actor: actor.id, body }))
    .digest('hex');
}

/**
 * The answer this request was given already, if any; null when it has none yet (never sent, or
 * still on its way). Refuses a key that was used for anything else.
 */
export async function previousAnswer(db: Db, request: KeyedAction): Promise<unknown> {
  const opened = await db.case.findUnique({ where: { idempotencyKey: request.key }, select: { id: true } });
  if (opened) throw reused(`it opened case ${opened.id}`);
  const earlier = await db.actionRequest.findUnique({ where: { idempotencyKey: request.key } });
  if (!earlier) return null;
  if (earlier.caseId !== request.caseId || earlier.action !== request.action) {
    throw reused(`it was sent with ${earlier.action} on case ${earlier.caseId}`);
  }
  if (earlier.fingerprint !== request.fingerprint) throw reused('it was sent with a different body or by someone else');
  return earlier.response === null ? null : JSON.parse(earlier.response);
}

/**
 * Claims the key just before the action is sent. When the same request got in first, returns
 * its answer (or null while it is on its way: both send the same Update id, which runs once).
 */
export async function claimKey(db: Db, request: KeyedAction): Promise<unknown> {
  const { key, caseId, action, fingerprint } = request;
  try {
    await db.actionRequest.create({ data: { idempotencyKey: key, caseId, action, fingerprint } });
    return null;
  } catch (error) {
    // Only a taken key means the same request raced us; an outage must stop the action here.
    if ((error as { code?: string }).code !== 'P2002') throw error;
    return previousAnswer(db, request);
  }
}

/** The case refused the action: it leaves no trace, and the key is free again. */
export async function releaseKey(db: Db, key: string): Promise<void> {
  try {
    await db.actionRequest.deleteMany({ where: { idempotencyKey: key, response: null } });
  } catch (error) {
    // The refusal is still the answer; a retry finds the key unanswered and asks the case again.
    log.warn({ err: error as Error }, `Idempotency-Key ${key}: could not be released after a refusal`);
  }
}

/** Keeps the answer for retries. The action is applied already, so a failure here is only logged. */
export async function rememberAnswer(db: Db, key: string, answer: unknown): Promise<void> {
  try {
    await db.actionRequest.update({ where: { idempotencyKey: key }, data: { response: JSON.stringify(answer) } });
  } catch (error) {
    log.error(
      { err: error as Error },
      `Idempotency-Key ${key}: the answer could not be kept; a retry repeats the Update under the same id`,
    );
  }
}

/** A key that opens a case must not have been used for a staff action. */
export async function assertNotUsedForAction(db: Db, key: string): Promise<void> {
  const earlier = await db.actionRequest.findUnique({ where: { idempotencyKey: key } });
  if (earlier) throw reused(`it was sent with ${earlier.action} on case ${earlier.caseId}`);
}

function reused(why: string): Problem {
  const message = `was already used for another request: ${why}`;
  return new Problem(422, 'Idempotency-Key reused', `Idempotency-Key ${message}.`, {
    errors: [{ field: 'Idempotency-Key', message }],
  });
}
