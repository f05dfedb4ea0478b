/**
 * Staff actions: `POST /cases/:id/<path>` on a case, `POST /outreach/:id/<path>` on a care
 * outreach (sent to the outreach's case), one route per action of STAFF_ACTIONS. Each
 * checks its body here (shape, and that the staff or department it names exists), then sends
 * the action's Update; the workflow's validator decides what depends on the case (stage, role,
 * department, authority, four-eyes). The answer is the case as the Update left it; a refusal is
 * problem+json with the workflow's reason and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import {
  ApplicationFailure,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type Client,
} from '@temporalio/client';
import { z, type ZodType } from 'zod';
import type { Db } from '../../db/client';
import {
  CONCESSION_KINDS,
  CONTACT_CHANNELS,
  NETWORK_PHASES,
  OFFER_RESPONSES,
  OUTCOMES,
  STAFF_ACTIONS,
  disputeWorkflowId,
  type Actor,
  type CaseView,
  type RejectionCode,
  type ResolutionRequest,
  type StaffActionName,
  type StaffRequest,
} from '../../../workflows/dispute/messages';
import { assertWritable, isDatabaseOutage } from '../../db/outage';
import { actorOf } from '../auth';
import { authorize } from '../policy';
import { claimKey, fingerprint, previousAnswer, releaseKey, rememberAnswer } from '../idempotency';
import { ACTION_DEADLINE_MS, answerPending, causes, mayHaveArrived, withinDeadline } from '../deadlines';
import { Problem } from '../problem';
import { auditAs } from '../staff-calls';
import { amountCents, id, idempotencyKey, oneOf, requireJson, text } from '../validation';
import { presentAfterAction } from './cases';

/** A request body checked, and how it becomes the action's Update request. */
interface CheckedBody<Name extends StaffActionName> {
  body: unknown;
  /** May look things up, and refuse with 422 naming the field. `outreachId` is set for outreach actions. */
  request(actor: Actor, db: Db, outreachId: string): Promise<StaffRequest<Name>>;
}

interface ActionRoute<Name extends StaffActionName> {
  /** The body's schema: the handler checks with it, and the OpenAPI document is made from it. */
  schema: ZodType;
  check(input: unknown): CheckedBody<Name>;
}

function route<Name extends StaffActionName, Body>(
  schema: ZodType<Body>,
  request: (body: Body, actor: Actor, db: Db, outreachId: string) => StaffRequest<Name> | Promise<StaffRequest<Name>>,
): ActionRoute<Name> {
  return {
    schema,
    check(input) {
      const body = schema.parse(input);
      return { body, request: async (actor, db, outreachId) => request(body, actor, db, outreachId) };
    },
  };
}

const withReason = z.strictObject({ reason: text(2000) });
const byReason = ({ reason }: z.infer<typeof withReason>, actor: Actor) => ({ actor, reason });
const resolution = z.strictObject({ outcome: oneOf(OUTCOMES), amount: amountCents.optional(), rationale: text(2000) });
const toResolution = ({ outcome, amount, rationale }: z.infer<typeof resolution>, actor: Actor): ResolutionRequest => ({
  actor,
  outcome,
  amountCents: amount,
  rationale,
});

const concession = { kind: oneOf(CONCESSION_KINDS), amount: amountCents };
const offerDecision = z.strictObject({ comment: text(2000).optional() });
const byOutreach = (body: z.infer<typeof offerDecision>, actor: Actor, _db: Db, outreachId: string) => ({
  actor,
  outreachId,
  ...body,
});

/** The body each action takes, under the action's name. */
export const ACTION_ROUTES: { [Name in StaffActionName]: ActionRoute<Name> } = {
  assign: route(z.strictObject({ assigneeId: id(), reason: text(2000).optional() }), async (body, actor, db) => {
    const staff = await db.staff.findUnique({ where: { id: body.assigneeId } });
    if (!staff || !staff.active) {
      throw Problem.invalid([{ field: 'assigneeId', message: `no active staff member ${body.assigneeId}` }]);
    }
    const assignee = { id: staff.id, role: staff.role, departmentId: staff.departmentId };
    return { actor, assignee, reason: body.reason };
  }),
  transfer: route(z.strictObject({ departmentId: id(), reason: text(2000) }), async (body, actor, db) => {
    if (!(await db.department.findUnique({ where: { id: body.departmentId } }))) {
      throw Problem.invalid([{ field: 'departmentId', message: `no department ${body.departmentId}` }]);
    }
    return { actor, ...body };
  }),
  addNote: route(z.strictObject({ text: text(4000) }), (body, actor) => ({ actor, ...body })),
  requestInfo: route(z.strictObject({ question: text(2000) }), (body, actor) => ({ actor, ...body })),
  awaitParty: route(
    z.strictObject({
      party: oneOf(['merchant', 'network']),
      phase: oneOf(NETWORK_PHASES).optional(),
      note: text(2000).optional(),
    }),
    (body, actor) => ({ actor, ...body }),
  ),
  recordResponse: route(
    z.strictObject({ party: oneOf(['customer', 'merchant', 'network']), summary: text(4000) }),
    (body, actor) => ({ actor, ...body }),
  ),
  proposeResolution: route(resolution, toResolution),
  approveResolution: route(z.strictObject({ comment: text(2000).optional() }), (body, actor) => ({ actor, ...body })),
  rejectResolution: route(withReason, byReason),
  resolve: route(resolution, toResolution),
  reopen: route(withReason, byReason),
  withdraw: route(withReason, byReason),
  grantProvisionalCredit: route(z.strictObject({ amount: amountCents.optional() }), ({ amount }, actor) => ({
    actor,
    amountCents: amount,
  })),
  escalate: route(withReason, byReason),
  recordContact: route(
    z.strictObject({ channel: oneOf(CONTACT_CHANNELS), note: text(2000).optional() }),
    (body, actor) => ({
      actor,
      ...body,
    }),
  ),
  claimOutreach: route(z.strictObject({}), (_body, actor, _db, outreachId) => ({ actor, outreachId })),
  requestOffer: route(
    z.strictObject({ ...concession, reason: text(2000) }),
    ({ kind, amount, reason }, actor, _db, outreachId) => ({
      actor,
      outreachId,
      concession: { kind, valueCents: amount },
      reason,
    }),
  ),
  approveOffer: route(offerDecision, byOutreach),
  rejectOffer: route(offerDecision, byOutreach),
  recordOutreachOutcome: route(
    z.strictObject({
      reached: z.boolean({ error: 'must be true or false' }),
      offer: z.strictObject({ ...concession, response: oneOf(OFFER_RESPONSES) }).optional(),
      note: text(4000).optional(),
    }),
    ({ reached, offer, note }, actor, _db, outreachId) => ({
      actor,
      outreachId,
      reached,
      offer: offer ? { kind: offer.kind, valueCents: offer.amount, response: offer.response } : null,
      note,
    }),
  ),
};

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

  /** The case an action is for: named in the URL, or the case of the outreach named there. */
  async function caseOf(on: 'case' | 'outreach', id: string) {
    if (on === 'case') {
      const row = await db.case.findUnique({ where: { id } });
      if (!row) throw Problem.noCase(id);
      return row;
    }
    const outreach = await db.outreachTask.findUnique({ where: { id }, include: { case: true } });
    if (!outreach) throw Problem.notFound(`No outreach ${id}.`);
    return outreach.case;
  }

  function handle<Name extends StaffActionName>(name: Name): void {
    const { update, path, on } = STAFF_ACTIONS[name];
    router.post(`/${on === 'case' ? 'cases' : 'outreach'}/:id/${path}`, async (req, res) => {
      try {
        await act(req, res);
      } catch (error) {
        // Without the database a retry can still learn from the case what became of its key.
        const key = on === 'case' && isDatabaseOutage(error) && !res.headersSent ? idempotencyKey(req) : undefined;
        if (!key) throw error;
        await outcomeFromCase(res, String(req.params.id), key, error);
      }
    });

    async function act(req: Request, res: Response): Promise<void> {
      const target = String(req.params.id);
      requireJson(req);
      const actor = actorOf(res);
      auditAs(res, { action: name });
      authorize(actor, name);
      const key = idempotencyKey(req);

      const row = await caseOf(on, target);
      const caseId = row.id;
      auditAs(res, { action: name, caseId });
      // A retry of a request that was answered is answered again, even if the case has since left
      // the caller's sight or closed: that answer went to this caller already (the fingerprint says).
      const stored = key ? await db.actionRequest.findUnique({ where: { idempotencyKey: key } }) : null;
      if (!stored?.response) authorize(actor, name, { caseId, departmentId: row.departmentId });
      const checked = ACTION_ROUTES[name].check(req.body ?? {});
      const keyed = key ? { key, caseId, action: name, fingerprint: fingerprint(actor, checked.body) } : null;
      const answered = keyed ? await previousAnswer(db, keyed) : null;
      if (answered) {
        res.json(answered);
        return;
      }
      if (row.stage === 'closed') {
        const detail = `Case ${caseId} closed at ${row.closedAt?.toISOString()}; it takes no more actions.`;
        throw new Problem(409, 'Case closed', detail, { code: 'StageConflict' });
      }
      const request = await checked.request(actor, db, target);
      // The case's records must be writable before it is asked: claiming the key writes, else a probe.
      if (!keyed) await assertWritable(db);
      const raced = keyed ? await claimKey(db, keyed) : null;
      if (raced) {
        res.json(raced);
        return;
      }

      let view;
      let accepted = false;
      try {
        // The key is the update id too: Temporal runs a repeated update once.
        const handle = temporal.workflow.getHandle(row.workflowId);
        view = await withinDeadline(temporal, ACTION_DEADLINE_MS, async () => {
          const started = await handle.startUpdate(update, {
            args: [request],
            updateId: key ?? randomUUID(),
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          });
          accepted = true;
          return started.result();
        });
      } catch (error) {
        const refused = error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError;
        // Neither refused nor answered. If the case may have taken it (it did accept, or this or an
        // earlier try of the key reached the server), a 503 would invite a second, different
        // action: 202 says it may be done, and how to learn the outcome.
        const pending = accepted || stored !== null || mayHaveArrived(error);
        if (!refused && pending) {
          const seconds = ACTION_DEADLINE_MS / 1000;
          const what = accepted
            ? `Case ${caseId} accepted the action but did not finish it within ${seconds} s. `
            : `Case ${caseId} may have taken the action; Temporal did not say within ${seconds} s. `;
          const next = key
            ? 'Send the same request with the same Idempotency-Key to learn its outcome; it is applied once.'
            : `Its outcome shows in GET /cases/${caseId}.`;
          return answerPending(res, caseId, accepted ? 'accepted' : 'unknown', what + next);
        }
        const problem = refusal(error, caseId);
        // A refused action leaves no trace; one that may not have arrived keeps its key for the retry.
        if (keyed && problem.status !== 503) await releaseKey(db, keyed.key);
        throw problem;
      }
      const answer = presentAfterAction(row, view);
      if (keyed) await rememberAnswer(db, keyed.key, answer);
      res.json(answer);
    }
  }

  /**
   * The database is away, so nothing new is sent; but an Update with this key that the case took
   * is answered 202 (done, or still finishing), not 503. A key the case never saw keeps the 503.
   */
  async function outcomeFromCase(res: Response, caseId: string, key: string, outage: unknown): Promise<void> {
    const update = temporal.workflow.getHandle(disputeWorkflowId(caseId)).getUpdateHandle<CaseView>(key);
    try {
      await withinDeadline(temporal, ACTION_DEADLINE_MS, () => update.result());
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) throw refusal(error, caseId);
      const unknownKey = /not found/i.test(causes(error)) || !mayHaveArrived(error);
      if (unknownKey) throw outage;
    }
    answerPending(
      res,
      caseId,
      'accepted',
      `Case ${caseId} took the action; its records cannot be read now. Send the same request with the same Idempotency-Key for the full answer.`,
    );
  }

  for (const { update } of Object.values(STAFF_ACTIONS)) handle(update.name);
  for (const on of ['case', 'outreach'] as const) {
    // Middleware, not a route: a helpful 404 for an unknown action, outside the documented API.
    router.use(`/${on === 'case' ? 'cases' : 'outreach'}/:id/:action`, (req) => {
      const paths = Object.values(STAFF_ACTIONS)
        .filter((a) => a.on === on)
        .map((a) => a.path);
      throw Problem.notFound(`No action ${String(req.params.action)}; actions are: ${paths.join(', ')}.`);
    });
  }
  return router;
}

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
