/**
 * Staff actions on a case: `POST /cases/:id/<action>`. Each validates its body here (shape, and
 * that the staff or department it names exists), then sends a workflow Update; the workflow's
 * validator decides what depends on the case (stage, role, department, authority, four-eyes).
 * A refusal comes back as problem+json with the workflow's reason and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z, type ZodType } from 'zod';
import type { Db } from '../../db/client';
import {
  addNoteUpdate,
  approveResolutionUpdate,
  assignUpdate,
  awaitPartyUpdate,
  escalateUpdate,
  grantProvisionalCreditUpdate,
  NETWORK_PHASES,
  OUTCOMES,
  proposeResolutionUpdate,
  recordResponseUpdate,
  rejectResolutionUpdate,
  reopenUpdate,
  requestInfoUpdate,
  resolveUpdate,
  transferUpdate,
  withdrawUpdate,
  type Actor,
  type CaseView,
  type RejectionCode,
} from '../../../workflows/dispute/messages';
import { actorOf, assertMaySee } from '../auth';
import { Problem } from '../problem';
import { amountCents, id, idempotencyKey, requireJson, text } from '../validation';
import { caseDetail } from './cases';

interface ActionSpec<Body, Req> {
  body: ZodType<Body>;
  update: UpdateDefinition<CaseView, [Req]>;
  /** Turns the checked body into the Update's request; may look things up and refuse with 422. */
  request: (body: Body, actor: Actor, db: Db) => Req | Promise<Req>;
}

const action = <Body, Req>(spec: ActionSpec<Body, Req>) => spec;

const reason = z.strictObject({ reason: text(2000) });
const resolution = z.strictObject({ outcome: z.enum(OUTCOMES), amount: amountCents.optional(), rationale: text(2000) });
const toResolution = ({ outcome, amount, rationale }: z.infer<typeof resolution>, actor: Actor) => ({
  actor,
  outcome,
  amountCents: amount,
  rationale,
});

/** Every action, by the last segment of its path. */
const ACTIONS = {
  assign: action({
    body: z.strictObject({ assigneeId: id(), reason: text(2000).optional() }),
    update: assignUpdate,
    request: async ({ assigneeId, reason }, actor, db) => {
      const staff = await db.staff.findUnique({ where: { id: assigneeId } });
      if (!staff || !staff.active)
        throw Problem.invalid([{ field: 'assigneeId', message: `no active staff member ${assigneeId}` }]);
      return { actor, assignee: { id: staff.id, role: staff.role, departmentId: staff.departmentId }, reason };
    },
  }),
  transfer: action({
    body: z.strictObject({ departmentId: id(), reason: text(2000) }),
    update: transferUpdate,
    request: async ({ departmentId, reason }, actor, db) => {
      if (!(await db.department.findUnique({ where: { id: departmentId } })))
        throw Problem.invalid([{ field: 'departmentId', message: `no department ${departmentId}` }]);
      return { actor, departmentId, reason };
    },
  }),
  notes: action({
    body: z.strictObject({ text: text(4000) }),
    update: addNoteUpdate,
    request: ({ text }, actor) => ({ actor, text }),
  }),
  'request-info': action({
    body: z.strictObject({ question: text(2000) }),
    update: requestInfoUpdate,
    request: ({ question }, actor) => ({ actor, question }),
  }),
  await: action({
    body: z.strictObject({
      party: z.enum(['merchant', 'network']),
      phase: z.enum(NETWORK_PHASES).optional(),
      note: text(2000).optional(),
    }),
    update: awaitPartyUpdate,
    request: (body, actor) => ({ actor, ...body }),
  }),
  responses: action({
    body: z.strictObject({ party: z.enum(['customer', 'merchant', 'network']), summary: text(4000) }),
    update: recordResponseUpdate,
    request: (body, actor) => ({ actor, ...body }),
  }),
  propose: action({ body: resolution, update: proposeResolutionUpdate, request: toResolution }),
  approve: action({
    body: z.strictObject({ comment: text(2000).optional() }),
    update: approveResolutionUpdate,
    request: ({ comment }, actor) => ({ actor, comment }),
  }),
  reject: action({ body: reason, update: rejectResolutionUpdate, request: ({ reason }, actor) => ({ actor, reason }) }),
  resolve: action({ body: resolution, update: resolveUpdate, request: toResolution }),
  reopen: action({ body: reason, update: reopenUpdate, request: ({ reason }, actor) => ({ actor, reason }) }),
  withdraw: action({ body: reason, update: withdrawUpdate, request: ({ reason }, actor) => ({ actor, reason }) }),
  'provisional-credit': action({
    body: z.strictObject({ amount: amountCents.optional() }),
    update: grantProvisionalCreditUpdate,
    request: ({ amount }, actor) => ({ actor, amountCents: amount }),
  }),
  escalate: action({ body: reason, update: escalateUpdate, request: ({ reason }, actor) => ({ actor, reason }) }),
};

export const ACTION_NAMES = Object.keys(ACTIONS);

const STATUS: Record<RejectionCode, [number, string]> = {
  StageConflict: [409, 'Not allowed in this stage'],
  Forbidden: [403, 'Forbidden'],
  InvalidArgument: [422, 'Invalid request'],
};

export interface ActionRouteDeps {
  db: Db;
  temporal: Client;
}

export function actionRoutes({ db, temporal }: ActionRouteDeps): Router {
  const router = Router();

  router.post('/cases/:id/:action', async (req, res) => {
    const caseId = String(req.params.id);
    const name = String(req.params.action);
    if (!Object.hasOwn(ACTIONS, name))
      throw Problem.notFound(`No action ${name}; actions are: ${ACTION_NAMES.join(', ')}.`);
    const spec = ACTIONS[name as keyof typeof ACTIONS] as unknown as ActionSpec<unknown, unknown>;
    requireJson(req);
    const actor = actorOf(res);
    const key = idempotencyKey(req);

    const row = await db.case.findUnique({ where: { id: caseId } });
    if (!row) throw Problem.notFound(`No case ${caseId}.`);
    assertMaySee(actor, row.departmentId, row.id);
    if (row.stage === 'closed')
      throw new Problem(
        409,
        'Case closed',
        `Case ${caseId} closed at ${row.closedAt?.toISOString()}; it takes no more actions.`,
        { code: 'StageConflict' },
      );

    const body = spec.body.parse(req.body ?? {});
    const request = await spec.request(body, actor, db);
    try {
      // The Idempotency-Key becomes the update id: Temporal runs a repeated update once.
      await temporal.workflow
        .getHandle(row.workflowId)
        .executeUpdate(spec.update, { args: [request], updateId: key ?? randomUUID() });
    } catch (error) {
      throw refusal(error, caseId);
    }
    res.json(await caseDetail(db, temporal, caseId, actor));
  });

  return router;
}

/** The workflow's refusal as problem+json; anything else means Temporal could not be asked. */
function refusal(error: unknown, caseId: string): Problem {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const code = error.cause.type as RejectionCode;
    const [status, title] = STATUS[code] ?? [422, 'Refused'];
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
  return new Problem(
    503,
    'Temporal unavailable',
    `The action could not be delivered to case ${caseId}: ${(error as Error).message}`,
  );
}
