import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { disputeWorkflowId, getCaseQuery, REASON_CODES } from '../../../workflows/messages';
import { startDispute, type CaseRow } from '../../cases/start';
import { Problem } from '../problem';

/** Where a new case starts until routing picks an investigation team. */
const INTAKE_DEPARTMENT = 'intake';
const DEFAULT_ACTOR = 'intake-api';

const amount = z
  .union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number such as 12.99')])
  .transform(Number)
  .refine((v) => Number.isFinite(v) && v > 0, 'must be positive')
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'must have at most two decimal places');

const id = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters');

const NewCase = z.strictObject({
  customerId: id(),
  cardId: id(),
  transactionId: id(),
  amount,
  reasonCode: z.enum(REASON_CODES),
  description: z.string().max(2000).optional(),
});
type NewCase = z.infer<typeof NewCase>;

const IdempotencyKey = z.string().min(1).max(200);

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
    const key = req.get('Idempotency-Key');
    if (key !== undefined && !IdempotencyKey.safeParse(key).success) {
      throw Problem.invalid([{ field: 'Idempotency-Key', message: 'must be 1 to 200 characters' }]);
    }
    const actor = req.get('X-Actor') || DEFAULT_ACTOR;
    const amountCents = Math.round(body.amount * 100);

    if (key) {
      const existing = await db.case.findUnique({ where: { idempotencyKey: key } });
      if (existing) {
        assertSameRequest(existing, body, amountCents);
        await startDispute(temporal, taskQueue, existing); // a no-op unless the first try died before starting it
        res.status(200).location(`/cases/${existing.id}`).json(present(existing));
        return;
      }
    }

    await validateAgainstAccount(db, body, amountCents);

    const id = `DSP-${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    const row = await db.case.create({
      data: {
        id,
        workflowId: disputeWorkflowId(id),
        idempotencyKey: key ?? null,
        customerId: body.customerId,
        cardId: body.cardId,
        transactionId: body.transactionId,
        amountCents,
        reasonCode: body.reasonCode,
        description: body.description ?? null,
        stage: 'intake',
        departmentId: INTAKE_DEPARTMENT,
        openedBy: actor,
      },
    });
    try {
      await startDispute(temporal, taskQueue, row);
    } catch (error) {
      // No half-done case: without its workflow the row would be a case nobody works.
      await db.case.delete({ where: { id: row.id } });
      throw new Problem(503, 'Temporal unavailable', `The case could not be started and was not created: ${(error as Error).message}`);
    }
    res.status(201).location(`/cases/${row.id}`).json(present(row));
  });

  router.get('/cases/:id', async (req, res) => {
    const id = String(req.params.id);
    const row = await db.case.findUnique({ where: { id }, include: { events: { orderBy: { at: 'asc' } } } });
    if (!row) throw Problem.notFound(`No case ${id}.`);
    let workflow: Record<string, unknown>;
    try {
      const handle = temporal.workflow.getHandle(row.workflowId);
      const [description, state] = await Promise.all([handle.describe(), handle.query(getCaseQuery)]);
      workflow = { status: description.status.name, ...state };
    } catch (error) {
      workflow = { status: 'UNREACHABLE', error: (error as Error).message };
    }
    const timeline = row.events.map((e) => ({ type: e.type, actor: e.actor, at: e.at.toISOString(), data: JSON.parse(e.data) }));
    res.json({ ...present(row), timeline, workflow });
  });

  return router;
}

function present(row: CaseRow) {
  return {
    id: row.id,
    workflowId: row.workflowId,
    customerId: row.customerId,
    cardId: row.cardId,
    transactionId: row.transactionId,
    amount: row.amountCents / 100,
    currency: row.currency,
    reasonCode: row.reasonCode,
    description: row.description,
    stage: row.stage,
    departmentId: row.departmentId,
    assigneeId: row.assigneeId,
    slaBreached: row.slaBreached,
    attritionRisk: row.attritionRisk,
    openedBy: row.openedBy,
    openedAt: row.openedAt.toISOString(),
  };
}

function assertSameRequest(existing: CaseRow, body: NewCase, amountCents: number): void {
  const same =
    existing.customerId === body.customerId &&
    existing.cardId === body.cardId &&
    existing.transactionId === body.transactionId &&
    existing.amountCents === amountCents &&
    existing.reasonCode === body.reasonCode;
  if (!same) {
    throw new Problem(422, 'Idempotency-Key reused', `Idempotency-Key was already used for case ${existing.id} with a different dispute.`, {
      errors: [{ field: 'Idempotency-Key', message: 'already used with a different request body' }],
    });
  }
}

/** Checks the dispute against the customer's account; every failure names its field. */
async function validateAgainstAccount(db: Db, body: NewCase, amountCents: number): Promise<void> {
  const customer = await db.customer.findUnique({ where: { id: body.customerId }, select: { id: true } });
  if (!customer) throw Problem.invalid([{ field: 'customerId', message: `no customer ${body.customerId}` }]);
  const card = await db.card.findUnique({ where: { id: body.cardId } });
  if (!card || card.customerId !== body.customerId) {
    throw Problem.invalid([{ field: 'cardId', message: `no card ${body.cardId} for customer ${body.customerId}` }]);
  }
  const transaction = await db.cardTransaction.findUnique({ where: { id: body.transactionId } });
  if (!transaction || transaction.cardId !== body.cardId) {
    throw Problem.invalid([{ field: 'transactionId', message: `no transaction ${body.transactionId} on card ${body.cardId}` }]);
  }
  if (amountCents > transaction.amountCents) {
    throw Problem.invalid([{ field: 'amount', message: `exceeds the transaction amount ${(transaction.amountCents / 100).toFixed(2)}` }]);
  }
  const open = await db.case.findFirst({ where: { transactionId: body.transactionId, closedAt: null }, select: { id: true } });
  if (open) {
    throw new Problem(409, 'Already disputed', `Transaction ${body.transactionId} is already disputed in case ${open.id}.`, { caseId: open.id });
  }
}
