/**
 * The protocol of a staff action over HTTP, once its route has found the case: the caller's
 * reach over the case, the body checked, the Idempotency-Key honoured, the Update sent with its
 * deadline, and one of these answers:
 * - 200: the case as the action left it (kept under the key for retries);
 * - 202: the case took the action, or may have, and did not finish it within the deadline;
 * - 403, 409, 422: the case refused it (nothing is kept, the key is free again);
 * - 503: Temporal could not be asked (the key is kept, so a retry applies the action once).
 * The route files hold the bodies' schemas and the wiring; the workflow's validator decides
 * what depends on the case.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import {
  ApplicationFailure,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
} from '@temporalio/client';
import type { ZodType } from 'zod';
import type { CaseRow } from '../cases/start-dispute';
import type { Db } from '../db/client';
import { assertWritable } from '../db/outage';
import { staffActions } from '../metrics/registry';
import { disputeWorkflowId, STAFF_ACTIONS, type CaseView } from '../../workflows/dispute/messages';
import type { Actor } from '../../workflows/domain/case';
import type { RejectionCode } from '../../workflows/domain/action-rules';
import type { StaffActionName, StaffRequest } from '../../workflows/domain/staff-requests';
import { ACTION_DEADLINE_MS, answerPending, mayHaveArrived, withinDeadline } from './deadlines';
import { claimKey, fingerprint, previousAnswer, releaseKey, rememberAnswer, type KeyedAction } from './idempotency';
import { authorize } from './access';
import { Problem } from './problem';
import { presentAfterAction } from './routes/cases';

/** A request body checked, and how it becomes the action's Update request. */
export interface CheckedBody<Name extends StaffActionName> {
  body: unknown;
  /** May look things up, and refuse with 422 naming the field. `outreachId` is set for outreach actions. */
  request(actor: Actor, db: Db, outreachId: string): Promise<StaffRequest<Name>>;
}

/** The body an action takes: its schema (the OpenAPI document is made from it) and its check. */
export interface ActionBody<Name extends StaffActionName> {
  schema: ZodType;
  check(input: unknown): CheckedBody<Name>;
}

/** One call of a staff action, as its route received it. */
export interface ActionCall<Name extends StaffActionName> {
  action: Name;
  actor: Actor;
  caseRow: CaseRow;
  /** What the URL names: the case, or the outreach of an outreach action. */
  target: string;
  idempotencyKey: string | undefined;
  body: ActionBody<Name>;
  input: unknown;
}

export interface ActionDeps {
  db: Db;
  temporal: Client;
}

/**
 * What an action came to: done (the case as it left it), or taken and not finished in time, or
 * perhaps taken (`pending`). A refusal is thrown as a Problem.
 */
export type ActionAnswer =
  { status: 200; body: unknown } | { status: 202; caseId: string; pending: 'accepted' | 'unknown'; detail: string };

/** The case a staff action acts on: the case itself, or the one an outreach belongs to. */
export async function caseOfAction(db: Db, action: StaffActionName, target: string): Promise<CaseRow> {
  if (STAFF_ACTIONS[action].on === 'case') {
    const row = await db.case.findUnique({ where: { id: target } });
    if (!row) throw Problem.noCase(target);
    return row;
  }
  const outreach = await db.outreachTask.findUnique({ where: { id: target }, include: { case: true } });
  if (!outreach) throw Problem.notFound(`No outreach ${target}.`);
  return outreach.case;
}

/** Carries out one staff action; the caller answers it (JSON for the API, a page for the console). */
export async function carryOutAction<Name extends StaffActionName>(
  deps: ActionDeps,
  call: ActionCall<Name>,
): Promise<ActionAnswer> {
  try {
    const answer = await attemptAction(deps, call);
    staffActions.inc({ action: call.action, outcome: answer.status === 200 ? 'done' : 'accepted' });
    return answer;
  } catch (error) {
    const status = error instanceof Problem ? error.status : 500;
    staffActions.inc({ action: call.action, outcome: status < 500 ? 'refused' : 'failed' });
    throw error;
  }
}

async function attemptAction<Name extends StaffActionName>(
  { db, temporal }: ActionDeps,
  call: ActionCall<Name>,
): Promise<ActionAnswer> {
  const { action, actor, caseRow, idempotencyKey } = call;
  const caseId = caseRow.id;
  const keyOnRecord = idempotencyKey
    ? await db.actionRequest.findUnique({ where: { idempotencyKey: idempotencyKey } })
    : null;
  // A retry of a request that was answered is answered again, even if the case has since left
  // the caller's sight or closed: that answer went to this caller already (the fingerprint says).
  if (!keyOnRecord?.response) authorize(actor, action, { caseId, departmentId: caseRow.departmentId });
  const checked = call.body.check(call.input);
  const keyed: KeyedAction | null = idempotencyKey
    ? { key: idempotencyKey, caseId, action, fingerprint: fingerprint(actor, checked.body) }
    : null;
  const earlierAnswer = keyed ? await previousAnswer(db, keyed) : null;
  if (earlierAnswer) return { status: 200, body: earlierAnswer };
  if (caseRow.stage === 'closed') {
    const detail = `Case ${caseId} closed at ${caseRow.closedAt?.toISOString()}; it takes no more actions.`;
    throw new Problem(409, 'Case closed', detail, { code: 'StageConflict' });
  }
  const request = await checked.request(actor, db, call.target);
  // The case's records must be writable before it is asked: claiming the key writes, else a probe.
  if (!keyed) await assertWritable(db);
  const answerOfSameRequest = keyed ? await claimKey(db, keyed) : null;
  if (answerOfSameRequest) return { status: 200, body: answerOfSameRequest };

  const sent = await sendUpdate(temporal, caseRow.workflowId, action, request, idempotencyKey ?? randomUUID());
  if ('view' in sent) {
    const answer = presentAfterAction(caseRow, sent.view);
    if (keyed) await rememberAnswer(db, keyed.key, answer);
    return { status: 200, body: answer };
  }
  const { error, accepted } = sent;
  const refused = error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError;
  // Neither refused nor answered. If the case may have taken it (it did accept, or this or an
  // earlier try of the key reached the server), a 503 would invite a second, different action:
  // 202 says it may be done, and how to learn the outcome.
  if (!refused && (accepted || keyOnRecord !== null || mayHaveArrived(error))) {
    const seconds = ACTION_DEADLINE_MS / 1000;
    const what = accepted
      ? `Case ${caseId} accepted the action but did not finish it within ${seconds} s. `
      : `Case ${caseId} may have taken the action; Temporal did not say within ${seconds} s. `;
    const next = keyed
      ? 'Send the same request with the same Idempotency-Key to learn its outcome; it is applied once.'
      : `Its outcome shows in GET /cases/${caseId}.`;
    return { status: 202, caseId, pending: accepted ? 'accepted' : 'unknown', detail: what + next };
  }
  const problem = refusal(error, caseId);
  // A refused action leaves no trace; one that may not have arrived keeps its key for the retry.
  if (keyed && problem.status !== 503) await releaseKey(db, keyed.key);
  throw problem;
}

/** Answers an action over the API: the case as JSON, or 202 with how to learn the outcome. */
export function sendActionAnswer(res: Response, answer: ActionAnswer): void {
  if (answer.status === 200) res.json(answer.body);
  else answerPending(res, answer.caseId, answer.pending, answer.detail);
}

type Sent = { view: CaseView } | { error: unknown; accepted: boolean };

/** The action's Update, within the deadline. The key is the Update's id: Temporal runs it once. */
async function sendUpdate<Name extends StaffActionName>(
  temporal: Client,
  workflowId: string,
  action: Name,
  request: StaffRequest<Name>,
  updateId: string,
): Promise<Sent> {
  let accepted = false;
  try {
    const view = await withinDeadline(temporal, ACTION_DEADLINE_MS, async () => {
      const started = await temporal.workflow.getHandle(workflowId).startUpdate(STAFF_ACTIONS[action].update, {
        args: [request],
        updateId,
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      accepted = true;
      return started.result();
    });
    return { view };
  } catch (error) {
    return { error, accepted };
  }
}

/**
 * The database is away, so nothing new is sent; the case says what became of the key. Taken: 202
 * (done, or still finishing). Never seen: the outage stands (503). Temporal cannot be asked (it is
 * away too, or slow): an earlier try of the key may have been taken, and a 503 would invite a
 * different action, so 202 with the outcome unknown; the same key learns it later.
 */
export async function outcomeFromCase(
  temporal: Client,
  res: Response,
  caseId: string,
  idempotencyKey: string,
  outage: unknown,
): Promise<void> {
  const update = temporal.workflow.getHandle(disputeWorkflowId(caseId)).getUpdateHandle<CaseView>(idempotencyKey);
  try {
    await withinDeadline(temporal, ACTION_DEADLINE_MS, () => update.result());
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw refusal(error, caseId);
    if (error instanceof WorkflowNotFoundError) throw outage;
    answerPending(
      res,
      caseId,
      'unknown',
      `Case ${caseId} could not be asked whether it took the action, nor can its records be read now. Send the same request with the same Idempotency-Key to learn its outcome; it is applied once.`,
    );
    return;
  }
  answerPending(
    res,
    caseId,
    'accepted',
    `Case ${caseId} took the action; its records cannot be read now. Send the same request with the same Idempotency-Key for the full answer.`,
  );
}

const STATUS: Record<RejectionCode, [number, string]> = {
  StageConflict: [409, 'Not allowed in this stage'],
  Forbidden: [403, 'Forbidden'],
  InvalidArgument: [422, 'Invalid request'],
};

const isRejectionCode = (code: string | null | undefined): code is RejectionCode =>
  typeof code === 'string' && Object.hasOwn(STATUS, code);

/** The workflow's refusal as problem+json; anything else means Temporal could not be asked. */
function refusal(error: unknown, caseId: string): Problem {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const code = error.cause.type;
    const [status, title] = isRejectionCode(code) ? STATUS[code] : [422, 'Refused'];
    const field = error.cause.details?.[0];
    const extra: Record<string, unknown> = { code };
    if (typeof field === 'string') extra.errors = [{ field, message: error.cause.message }];
    return new Problem(
      status,
      title,
      typeof field === 'string' ? `${field}: ${error.cause.message}` : error.cause.message,
      extra,
    );
  }
  if (error instanceof WorkflowNotFoundError) {
    return new Problem(409, 'Case closed', `Case ${caseId} has finished; it takes no more actions.`, {
      code: 'StageConflict',
    });
  }
  // It may have reached the case before the line went quiet: the same Idempotency-Key tells.
  return new Problem(
    503,
    'Temporal unavailable',
    `No answer from case ${caseId} within ${ACTION_DEADLINE_MS / 1000} s (${(error as Error).message}); ` +
      'retry with the same Idempotency-Key to apply it once or learn that it was.',
    {},
    { 'Retry-After': '5' },
  );
}
