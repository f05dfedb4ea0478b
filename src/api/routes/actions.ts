/**
 * Staff actions: `POST /cases/:id/<path>` on a case, `POST /outreach/:id/<path>` on a care
 * outreach (sent to the outreach's case), one route per action of STAFF_ACTIONS. Here: the body
 * each action takes (its shape, and that the staff or department it names exists) and the
 * wiring; `action-requests.ts` carries the action out. The workflow's validator decides what
 * depends on the case (stage, role, department, authority, four-eyes).
 */
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z, type ZodType } from 'zod';
import type { Db } from '../../db/client';
import { actionPath, STAFF_ACTIONS } from '../../../workflows/dispute/messages';
import { CONCESSION_KINDS, OFFER_RESPONSES } from '../../../workflows/domain/care';
import {
  CONTACT_CHANNELS,
  type ResolutionRequest,
  type StaffActionName,
  type StaffRequest,
} from '../../../workflows/domain/staff-requests';
import { NETWORK_PHASES, OUTCOMES, type Actor } from '../../../workflows/domain/case';
import { NETWORK_DECISIONS } from '../../../workflows/domain/chargeback';
import { CARD_PRESENT_CHANNELS } from '../../../workflows/domain/network-rules';
import { isDatabaseOutage } from '../../db/outage';
import { carryOutAction, caseOfAction, outcomeFromCase, sendActionAnswer, type ActionBody } from '../action-requests';
import { actorOf } from '../auth';
import { Problem } from '../problem';
import { auditAs } from '../staff-calls';
import { amountCents, id, idempotencyKey, oneOf, requireJson, text } from '../validation';

function route<Name extends StaffActionName, Body>(
  schema: ZodType<Body>,
  request: (body: Body, actor: Actor, db: Db, outreachId: string) => StaffRequest<Name> | Promise<StaffRequest<Name>>,
): ActionBody<Name> {
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

/** The evidence a filing or a decision names: keys of the code's evidence list, or the bank's own words. */
const evidence = z
  .array(text(200), { error: 'must be a list of evidence items' })
  .max(20, 'must name at most 20 items')
  .optional();

const chargeback = z.strictObject({
  code: text(20),
  amount: amountCents.optional(),
  transactionId: id().optional(),
  expectedDeliveryAt: z.iso
    .date({ error: 'must be a date such as 2026-11-20' })
    .transform((d) => `${d}T00:00:00.000Z`)
    .optional(),
  evidence,
  note: text(2000).optional(),
});

/**
 * A chargeback's transaction, as the case's card holds it: the disputed one unless another of the
 * same card is named (a claim of several charges), with what its time limit is counted from.
 */
async function chargebackRequest(body: z.infer<typeof chargeback>, actor: Actor, db: Db, caseId: string) {
  const row = await db.case.findUniqueOrThrow({
    where: { id: caseId },
    select: { cardId: true, transactionId: true, amountCents: true },
  });
  const transactionId = body.transactionId ?? row.transactionId;
  const txn = await db.cardTransaction.findUnique({ where: { id: transactionId } });
  if (!txn || txn.cardId !== row.cardId) {
    throw Problem.invalid([{ field: 'transactionId', message: `no transaction ${transactionId} on the case's card` }]);
  }
  const own = transactionId === row.transactionId;
  return {
    actor,
    code: body.code,
    transaction: {
      id: txn.id,
      postedAt: txn.postedAt.toISOString(),
      amountCents: txn.amountCents,
      cardPresent: CARD_PRESENT_CHANNELS.includes(txn.channel),
    },
    amountCents: body.amount ?? (own ? row.amountCents : txn.amountCents),
    expectedDeliveryAt: body.expectedDeliveryAt,
    evidence: body.evidence ?? [],
    note: body.note,
  };
}

/** The body each action takes, under the action's name. */
export const ACTION_BODIES: { [Name in StaffActionName]: ActionBody<Name> } = {
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
  requestInfo: route(z.strictObject({ question: text(2000), evidence }), (body, actor) => ({ actor, ...body })),
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
  fileChargeback: route(chargeback, chargebackRequest),
  decideChargeback: route(
    z.strictObject({
      chargebackId: id(),
      decision: oneOf(NETWORK_DECISIONS),
      evidence,
      note: text(2000).optional(),
    }),
    (body, actor) => ({ actor, ...body }),
  ),
};

export interface ActionRouteDeps {
  db: Db;
  temporal: Client;
}

export function actionRoutes({ db, temporal }: ActionRouteDeps): Router {
  const router = Router();

  // The route guard has checked the caller's role against the access table, and the audit names the action.
  for (const action of Object.keys(STAFF_ACTIONS) as StaffActionName[]) {
    const { on } = STAFF_ACTIONS[action];
    router.post(actionPath(action), async (req, res) => {
      const target = String(req.params.id);
      requireJson(req);
      const key = idempotencyKey(req);
      try {
        const caseRow = await caseOfAction(db, action, target);
        auditAs(res, { action, caseId: caseRow.id });
        const call = { action, actor: actorOf(res), caseRow, target, idempotencyKey: key };
        const answer = await carryOutAction(
          { db, temporal },
          { ...call, body: ACTION_BODIES[action], input: req.body ?? {} },
        );
        sendActionAnswer(res, answer);
      } catch (error) {
        // Without the database a retry can still learn from the case what became of its key.
        if (!(on === 'case' && key && isDatabaseOutage(error) && !res.headersSent)) throw error;
        await outcomeFromCase(temporal, res, target, key, error);
      }
    });
  }
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
