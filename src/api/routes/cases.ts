import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/client';
import type { Prisma } from '../../db/generated/sqlite/client';
import { disputeWorkflowId, getCaseQuery, type CaseView } from '../../../workflows/dispute/messages';
import { REASON_CODES, STAGES, INTAKE_DEPARTMENT, type Actor, type ReasonCode } from '../../../workflows/domain/case';
import {
  CARD_PRESENT_CHANNELS,
  filingWindows,
  NETWORK_RULES,
  networkRules,
  type CardNetwork,
} from '../../../workflows/domain/network-rules';
import { gatheredEvidence, type GatheredEvidence } from '../../../workflows/domain/chargeback';
import { formatMoney, toUnits } from '../../../workflows/domain/money';
import { startDispute, type CaseRow } from '../../cases/start-dispute';
import { actorOf } from '../auth';
import { authorize, reachOf } from '../access';
import { assertNotUsedForAction } from '../idempotency';
import { ACTION_DEADLINE_MS, answerPending, mayHaveArrived, READ_DEADLINE_MS, withinDeadline } from '../deadlines';
import { Problem } from '../problem';
import { revokeCaseLinks } from '../../self-service/links';
import { auditAs } from '../staff-calls';
import { amountCents, flagParam, id, idempotencyKey, limitParam, oneOf, optionalText } from '../validation';

/** Where a new case starts until routing picks an investigation team. */

export const NewCase = z.strictObject({
  customerId: id(),
  cardId: id(),
  transactionId: id(),
  amount: amountCents,
  reasonCode: oneOf(REASON_CODES),
  description: optionalText(2000),
});
export type NewCase = z.infer<typeof NewCase>;

export const CaseFilter = z.strictObject({
  stage: oneOf(STAGES).optional(),
  departmentId: id().optional(),
  assigneeId: id().optional(),
  customerId: id().optional(),
  slaBreached: flagParam().optional(),
  limit: limitParam(100, 25),
  cursor: z.string().optional(),
});

/**
 * Keyset pagination over (priority, openedAt, id): cases with a customer at risk first, then
 * newest first; stable while cases are being opened.
 */
const Cursor = z.object({ priority: z.number().int(), openedAt: z.iso.datetime(), id: z.string() });
const encodeCursor = (row: CaseRow) =>
  Buffer.from(JSON.stringify({ priority: row.priority, openedAt: row.openedAt.toISOString(), id: row.id })).toString(
    'base64url',
  );
function decodeCursor(cursor: string): z.infer<typeof Cursor> {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw Problem.invalid([{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  }
}

export interface CaseRouteDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

export function caseRoutes({ db, temporal, taskQueue }: CaseRouteDeps): Router {
  const router = Router();

  router.post('/cases', async (req, res) => {
    if (!req.is('application/json')) {
      throw new Problem(415, 'Unsupported media type', 'Send the dispute as application/json.');
    }
    const body = NewCase.parse(req.body ?? {});
    const { row, outcome } = await openCase({ db, temporal, taskQueue }, actorOf(res), body, idempotencyKey(req));
    auditAs(res, { caseId: row.id });
    if (outcome === 'unknown') return void maybeStarted(res, row.id);
    res
      .status(outcome === 'opened' ? 201 : 200)
      .location(`/cases/${row.id}`)
      .json(present(row));
  });

  router.get('/cases', async (req, res) => {
    const filter = CaseFilter.parse(req.query);
    const actor = actorOf(res);
    const visible = reachOf(actor, 'readCases')!.department;
    if (visible !== null && filter.departmentId !== undefined && filter.departmentId !== visible) {
      throw new Problem(403, 'Forbidden', `${actor.id} sees only cases of department ${visible}.`, {
        errors: [{ field: 'departmentId', message: `must be ${visible}` }],
      });
    }
    const where: Prisma.CaseWhereInput = {
      stage: filter.stage,
      departmentId: filter.departmentId ?? visible ?? undefined,
      assigneeId: filter.assigneeId,
      customerId: filter.customerId,
      slaBreached: filter.slaBreached,
    };
    if (filter.cursor) {
      const { priority, id, openedAt: at } = decodeCursor(filter.cursor);
      const openedAt = new Date(at);
      where.OR = [
        { priority: { lt: priority } },
        { priority, openedAt: { lt: openedAt } },
        { priority, openedAt, id: { lt: id } },
      ];
    }
    const rows = await db.case.findMany({
      where,
      orderBy: [{ priority: 'desc' }, { openedAt: 'desc' }, { id: 'desc' }],
      take: filter.limit + 1,
    });
    const page = rows.slice(0, filter.limit);
    res.json({ items: page.map(present), nextCursor: rows.length > filter.limit ? encodeCursor(page.at(-1)!) : null });
  });

  router.get('/cases/:id', async (req, res) => {
    res.json(await caseDetail(db, temporal, String(req.params.id), actorOf(res)));
  });

  router.post('/cases/:id/customer-links/revoke', async (req, res) => {
    const row = await db.case.findUnique({ where: { id: String(req.params.id) } });
    if (!row) throw Problem.noCase(String(req.params.id));
    authorize(actorOf(res), 'revokeCustomerLinks', { caseId: row.id, departmentId: row.departmentId });
    auditAs(res, { caseId: row.id });
    res.json({ caseId: row.id, revoked: await revokeCaseLinks(db, row.id) });
  });

  return router;
}

/**
 * Opens a dispute: the case row, then its workflow. With an Idempotency-Key a repeat finds the
 * case the first try opened (`repeated`; its workflow started if that try died first); `unknown`
 * when Temporal did not confirm the start in time, so the retry with the key learns it. Without
 * its workflow no case is left behind.
 */
export async function openCase(
  { db, temporal, taskQueue }: CaseRouteDeps,
  actor: Actor,
  body: NewCase,
  key: string | undefined,
): Promise<{ row: CaseRow; outcome: 'opened' | 'repeated' | 'unknown' }> {
  if (key) {
    await assertNotUsedForAction(db, key);
    const existing = await db.case.findUnique({ where: { idempotencyKey: key } });
    if (existing) {
      assertSameRequest(existing, body);
      // A no-op unless the first try died before starting it.
      try {
        await withinDeadline(temporal, ACTION_DEADLINE_MS, () => startDispute(temporal, taskQueue, existing));
      } catch {
        return { row: existing, outcome: 'unknown' };
      }
      return { row: existing, outcome: 'repeated' };
    }
  }

  await validateAgainstAccount(db, body);

  const id = `DSP-${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
  const row = await db.case.create({
    data: {
      id,
      workflowId: disputeWorkflowId(id),
      idempotencyKey: key ?? null,
      customerId: body.customerId,
      cardId: body.cardId,
      transactionId: body.transactionId,
      amountCents: body.amount,
      reasonCode: body.reasonCode,
      description: body.description ?? null,
      stage: 'intake',
      departmentId: INTAKE_DEPARTMENT,
      openedBy: actor.id,
    },
  });
  try {
    await withinDeadline(temporal, ACTION_DEADLINE_MS, () => startDispute(temporal, taskQueue, row));
  } catch (error) {
    // Its workflow may be running: keep the row, and let the retry with the key start it or find it.
    if (key && mayHaveArrived(error)) return { row, outcome: 'unknown' };
    // No half-done case: without its workflow the row would be a case nobody works.
    await db.case.delete({ where: { id: row.id } });
    throw new Problem(
      503,
      'Temporal unavailable',
      `The case could not be started and was not created: ${(error as Error).message}`,
    );
  }
  return { row, outcome: 'opened' };
}

/** The answer for a case whose workflow Temporal may or may not have started: ask again with the key. */
function maybeStarted(res: Response, caseId: string): void {
  answerPending(
    res,
    caseId,
    'unknown',
    `Case ${caseId} is recorded but Temporal did not confirm its start within ${ACTION_DEADLINE_MS / 1000} s. Send the same request with the same Idempotency-Key to learn it; the case is opened once.`,
  );
}

/** How long a read waits for the read model to catch up with an action just answered. */
const CATCH_UP_MS = 2_000;

/** A case as GET /cases/:id shows it: read model, timeline and live workflow state. */
export async function caseDetail(db: Db, temporal: Client, id: string, actor: Actor) {
  const read = () =>
    db.case.findUnique({
      where: { id },
      include: {
        events: { orderBy: { id: 'asc' } },
        transaction: { select: { postedAt: true, channel: true } },
        card: { select: { network: true } },
      },
    });
  let row = await read();
  if (!row) throw Problem.noCase(id);
  authorize(actor, 'readCases', { caseId: row.id, departmentId: row.departmentId });
  // The server answers a describe; a query needs a worker. Without one the read model is what
  // there is, marked stale: it may lag behind what the case has done.
  const handle = temporal.workflow.getHandle(row.workflowId);
  const [description, state] = await withinDeadline(temporal, READ_DEADLINE_MS, () =>
    Promise.allSettled([handle.describe(), handle.query(getCaseQuery)]),
  );
  // An action answers before its read-model write lands: who reads the case after acting sees
  // that write, waited for here (briefly) rather than a timeline without the action.
  const version = state.status === 'fulfilled' ? state.value.version : 0;
  for (const deadline = Date.now() + CATCH_UP_MS; row.version < version && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    row = (await read()) ?? row;
  }
  const status = description.status === 'fulfilled' ? description.value.status.name : 'UNREACHABLE';
  const failed = [description, state].find((r) => r.status === 'rejected');
  const workflow =
    state.status === 'fulfilled' && !failed
      ? { status, ...state.value }
      : { status, error: ((failed as PromiseRejectedResult).reason as Error).message };
  const timeline = row.events.map((e) => ({
    type: e.type,
    actor: e.actor,
    at: e.at.toISOString(),
    data: JSON.parse(e.data),
  }));
  const captured = state.status === 'fulfilled' ? (state.value.network ?? null) : null;
  return {
    ...present(row),
    stale: state.status === 'rejected' || row.version < version,
    network: networkView(row, captured, gatheredEvidence(timeline)),
    timeline,
    workflow,
  };
}

/**
 * The card network's rules for the case: the version it opened with (the newest, marked not
 * captured, when the case cannot be asked, opened before it was kept, or names a version this API
 * does not know), and each code a chargeback may be filed under with its time limit left, counted
 * from the transaction, and its evidence checklist.
 */
function networkView(
  row: CaseRow & { transaction: { postedAt: Date; channel: string }; card: { network: CardNetwork } },
  captured: CaseView['network'] | null,
  gathered: GatheredEvidence[],
) {
  // A version this API does not know (a newer worker's) shows as the newest it knows, not captured.
  const known =
    captured && NETWORK_RULES.some((r) => r.network === captured.network && r.version === captured.rulesVersion);
  const rules = known ? networkRules(captured.network, captured.rulesVersion) : networkRules(row.card.network);
  const windows = filingWindows(
    rules,
    row.reasonCode as ReasonCode,
    {
      processedAt: row.transaction.postedAt.getTime(),
      cardPresent: CARD_PRESENT_CHANNELS.includes(row.transaction.channel),
    },
    Date.now(),
  );
  return {
    network: rules.network,
    rulesVersion: rules.version,
    captured: Boolean(known),
    effective: rules.effective,
    source: rules.source,
    codes: windows.map((w) => ({
      ...w,
      filingDeadline: new Date(w.filingDeadline).toISOString(),
      // Ticked by what the case holds: items named in a filing, or documents the customer sent for them.
      checklist: w.evidence.map((item) => {
        const found = gathered.find((g) => g.item === item);
        return { item, ticked: found !== undefined, source: found?.source ?? null };
      }),
    })),
  };
}

const units = (cents: number | null) => (cents === null ? null : toUnits(cents));

function present(row: CaseRow) {
  return {
    id: row.id,
    workflowId: row.workflowId,
    customerId: row.customerId,
    cardId: row.cardId,
    transactionId: row.transactionId,
    amount: toUnits(row.amountCents),
    currency: row.currency,
    reasonCode: row.reasonCode,
    description: row.description,
    stage: row.stage,
    departmentId: row.departmentId,
    assigneeId: row.assigneeId,
    queue: row.queue,
    escalated: row.escalated,
    slaBreached: row.slaBreached,
    nextDeadlineAt: row.nextDeadlineAt?.toISOString() ?? null,
    attritionRisk: row.attritionRisk,
    priority: row.priority > 0 ? 'high' : 'normal',
    retentionOutcome: row.retentionOutcome,
    careVerdict: row.careVerdict,
    provisionalCredit: units(row.provisionalCreditCents),
    outcome: row.outcome,
    resolvedAmount: units(row.resolvedAmountCents),
    openedBy: row.openedBy,
    openedAt: row.openedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/**
 * A case as an action answers it: what GET /cases/:id shows but the timeline, taken from the case
 * as the action's Update returned it (the row supplies only what never changes).
 */
export function presentAfterAction(row: CaseRow, view: CaseView) {
  return {
    ...present(row),
    stage: view.stage,
    departmentId: view.departmentId,
    assigneeId: view.assigneeId,
    queue: view.queue,
    escalated: view.escalated,
    slaBreached: view.slaBreached,
    nextDeadlineAt: view.nextDeadlineAt,
    attritionRisk: view.attritionRisk,
    priority: view.priority ?? 'normal',
    provisionalCredit: units(view.provisionalCredit?.amountCents ?? null),
    outcome: view.resolution?.outcome ?? null,
    resolvedAmount: units(view.resolution?.amountCents ?? null),
    resolvedAt: view.resolution?.at ?? null,
    closedAt: view.closedAt,
    workflow: { status: 'RUNNING', ...view },
  };
}

function assertSameRequest(existing: CaseRow, body: NewCase): void {
  const same =
    existing.customerId === body.customerId &&
    existing.cardId === body.cardId &&
    existing.transactionId === body.transactionId &&
    existing.amountCents === body.amount &&
    existing.reasonCode === body.reasonCode &&
    existing.description === (body.description ?? null);
  if (!same) {
    throw new Problem(
      422,
      'Idempotency-Key reused',
      `Idempotency-Key was already used for case ${existing.id} with a different dispute.`,
      {
        errors: [{ field: 'Idempotency-Key', message: 'already used with a different request body' }],
      },
    );
  }
}

/** Checks the dispute against the customer's account; every failure names its field. */
async function validateAgainstAccount(db: Db, body: NewCase): Promise<void> {
  const customer = await db.customer.findUnique({ where: { id: body.customerId }, select: { id: true } });
  if (!customer) throw Problem.invalid([{ field: 'customerId', message: `no customer ${body.customerId}` }]);
  const card = await db.card.findUnique({ where: { id: body.cardId } });
  if (!card || card.customerId !== body.customerId) {
    throw Problem.invalid([{ field: 'cardId', message: `no card ${body.cardId} for customer ${body.customerId}` }]);
  }
  const transaction = await db.cardTransaction.findUnique({ where: { id: body.transactionId } });
  if (!transaction || transaction.cardId !== body.cardId) {
    throw Problem.invalid([
      { field: 'transactionId', message: `no transaction ${body.transactionId} on card ${body.cardId}` },
    ]);
  }
  if (body.amount > transaction.amountCents) {
    throw Problem.invalid([
      { field: 'amount', message: `exceeds the transaction amount ${formatMoney(transaction.amountCents)}` },
    ]);
  }
  const open = await db.case.findFirst({
    where: { transactionId: body.transactionId, closedAt: null },
    select: { id: true },
  });
  if (open) {
    throw new Problem(
      409,
      'Already disputed',
      `Transaction ${body.transactionId} is already disputed in case ${open.id}.`,
      { caseId: open.id },
    );
  }
}
