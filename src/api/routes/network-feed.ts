/**
 * The card network's answers: `POST /feed/network-events`, from the network's system alone. A
 * batch is checked whole before anything is sent on: a malformed row, or one naming a chargeback
 * no case has, refuses the batch, naming the row and the field. Each event then goes to its case
 * as a bound Update whose id is the event's, so an event sent again acts once; the answer says of
 * each whether it was applied, was a repeat, or was refused by the case (with why).
 */
import { Router } from 'express';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { disputeWorkflowId, networkEventUpdate } from '../../../workflows/dispute/messages';
import { NETWORK_EVENT_TYPES } from '../../../workflows/domain/chargeback';
import { actorOf } from '../auth';
import { ACTION_DEADLINE_MS, causes, withinDeadline } from '../deadlines';
import { Problem, type FieldError } from '../problem';
import { amountCents, id, oneOf, requireJson, text } from '../validation';

const MAX_BATCH = 100;

/** `<caseId>-CB<n>`: the chargeback's reference names its case. */
const CHARGEBACK_ID = /^(.+)-CB\d+$/;

const NetworkEventRow = z
  .strictObject({
    id: id(),
    chargebackId: z.string().regex(CHARGEBACK_ID, 'must be a chargeback reference such as DSP-1A2B3C4D5E6F-CB1'),
    type: oneOf(NETWORK_EVENT_TYPES),
    amount: amountCents.optional(),
    winner: oneOf(['issuer', 'acquirer']).optional(),
    evidence: z.array(text(200)).max(20, 'must name at most 20 items').optional(),
    note: text(2000).optional(),
  })
  .refine((e) => (e.type === 'ruling') === (e.winner !== undefined), {
    path: ['winner'],
    message: 'is required for a ruling (issuer or acquirer) and only for one',
  })
  .refine((e) => e.type === 'represented' || e.amount === undefined, {
    path: ['amount'],
    message: 'is only for a representment (the amount the merchant contests)',
  });

export const NetworkEvents = z.strictObject({
  events: z
    .array(NetworkEventRow)
    .min(1, 'must hold at least one event')
    .max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`),
});

export const NetworkFeedResult = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      outcome: z.enum(['applied', 'repeated', 'refused']),
      detail: z.string().optional(),
    }),
  ),
});
type Result = z.infer<typeof NetworkFeedResult>['results'][number];

export function networkFeedRoutes({ db, temporal }: { db: Db; temporal: Client }): Router {
  const router = Router();

  router.post('/feed/network-events', async (req, res) => {
    requireJson(req);
    const { events } = NetworkEvents.parse(req.body ?? {});
    const caseOf = (chargebackId: string) => CHARGEBACK_ID.exec(chargebackId)![1];
    const known = new Set(
      (
        await db.case.findMany({
          where: { id: { in: events.map((e) => caseOf(e.chargebackId)) } },
          select: { id: true },
        })
      ).map((c) => c.id),
    );
    const errors: FieldError[] = events.flatMap((e, i) =>
      known.has(caseOf(e.chargebackId))
        ? []
        : [{ field: `events.${i}.chargebackId`, message: `no case ${caseOf(e.chargebackId)}` }],
    );
    if (errors.length) throw Problem.invalid(errors);

    const actor = actorOf(res);
    const results: Result[] = [];
    for (const { id: eventId, amount, ...rest } of events) {
      const event = { eventId, ...rest, ...(amount === undefined ? {} : { amountCents: amount }) };
      const handle = temporal.workflow.getHandle(disputeWorkflowId(caseOf(rest.chargebackId)));
      try {
        await withinDeadline(temporal, ACTION_DEADLINE_MS, () =>
          handle.executeUpdate(networkEventUpdate, { args: [{ actor, event }], updateId: `network-event:${eventId}` }),
        );
        results.push({ id: eventId, outcome: 'applied' });
      } catch (error) {
        results.push(refusalOf(eventId, error));
      }
    }
    res.json({ results });
  });

  return router;
}

/** The case's refusal of an event, or a repeat of one it took; anything else fails the batch (send it again). */
function refusalOf(eventId: string, error: unknown): Result {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const { message } = error.cause;
    return /was applied already/.test(message)
      ? { id: eventId, outcome: 'repeated' }
      : { id: eventId, outcome: 'refused', detail: message };
  }
  if (error instanceof WorkflowNotFoundError || /already completed/i.test(causes(error))) {
    return { id: eventId, outcome: 'refused', detail: 'the case is closed: it takes no more network events' };
  }
  throw new Problem(503, 'Temporal unavailable', `Event ${eventId} could not reach its case; send the batch again.`);
}
