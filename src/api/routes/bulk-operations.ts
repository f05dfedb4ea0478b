/**
 * Bulk operations: `POST /bulk-operations` sends one staff action (reassign, transfer, escalate)
 * to many cases, chosen by hand (`caseIds`) or by a filter; `GET /bulk-operations/:id` shows its
 * progress case by case; `POST /bulk-operations/:id/cancel` stops it. Each runs as a workflow of its
 * own (workflows/bulk-operation), whose steps go through the same protocol as one staff action
 * (`caseActionsOver`): the runner's reach, the body, the case's rules, one idempotency key per case.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { z, ZodError } from 'zod';
import type { CaseActions } from '../../../activities/bulk';
import { bulkCounts } from '../../../activities/bulk';
import type { Db } from '../../db/client';
import type { BulkOperation } from '../../db/generated/sqlite/client';
import { loadActor } from '../../cases/actors';
import { BULK_ACTIONS, MAX_BULK_CASES, type BulkAction } from '../../../workflows/domain/bulk';
import { OPEN_STAGES, REASON_CODES, type Actor, type CaseStage } from '../../../workflows/domain/case';
import { bulkOperationWorkflowId, type BulkOperationInput } from '../../../workflows/bulk-operation/messages';
import { carryOutAction } from '../action-requests';
import { reachOf } from '../access';
import { actorOf } from '../auth';
import { ACTION_DEADLINE_MS, withinDeadline } from '../deadlines';
import { fieldErrors, Problem } from '../problem';
import { auditAs } from '../staff-calls';
import { ACTION_BODIES } from './actions';
import { id, idempotencyKey, oneOf, requireJson } from '../validation';

/** Which open cases a filter selects; every field narrows it. */
const BulkFilter = z.strictObject({
  stage: oneOf(OPEN_STAGES as [CaseStage, ...CaseStage[]]).optional(),
  departmentId: id().optional(),
  /** A staff id, or `none` for cases nobody holds. */
  assigneeId: id().optional(),
  reasonCode: oneOf(REASON_CODES).optional(),
  slaBreached: z.boolean({ error: 'must be true or false' }).optional(),
});

export const NewBulkOperation = z
  .strictObject({
    action: oneOf(BULK_ACTIONS),
    caseIds: z.array(id()).min(1, 'must name at least one case').max(MAX_BULK_CASES).optional(),
    filter: BulkFilter.optional(),
    /** The action's body, as `POST /cases/:id/<action>` takes it; the same for every case. */
    body: z.looseObject({}),
  })
  .refine((op) => (op.caseIds === undefined) !== (op.filter === undefined), {
    message: 'give either caseIds or filter',
    path: ['caseIds'],
  });
export type NewBulkOperation = z.infer<typeof NewBulkOperation>;

export interface BulkDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
}

/** An error about the action's body names the field under `body`. */
const underBody = (error: unknown) => {
  if (error instanceof ZodError) {
    return Problem.invalid(fieldErrors(error).map((e) => ({ ...e, field: `body.${e.field}` })));
  }
  if (error instanceof Problem && error.status === 422) {
    const errors = (error.extra.errors as { field: string; message: string }[] | undefined) ?? [];
    return Problem.invalid(errors.map((e) => ({ ...e, field: `body.${e.field}` })));
  }
  return error;
};

/** The body checked once, as the action's own route checks it (its assignee, its department). */
async function checkedBody(db: Db, actor: Actor, op: NewBulkOperation) {
  try {
    const checked = ACTION_BODIES[op.action].check(op.body);
    await checked.request(actor, db, '');
    return checked;
  } catch (error) {
    throw underBody(error);
  }
}

/** The cases the operation takes, in order: each in the runner's reach for the action, and open. */
async function selection(db: Db, actor: Actor, op: NewBulkOperation): Promise<string[]> {
  const department = reachOf(actor, op.action)?.department ?? null;
  const inReach = department === null ? {} : { departmentId: department };
  const open = { in: [...OPEN_STAGES] };
  if (op.caseIds) {
    const unique = [...new Set(op.caseIds)];
    const found = await db.case.findMany({
      where: { id: { in: unique }, ...inReach, stage: open },
      select: { id: true },
    });
    const known = new Set(found.map((c) => c.id));
    const missing = unique.flatMap((caseId, index) => (known.has(caseId) ? [] : [{ caseId, index }]));
    if (missing.length) {
      throw Problem.invalid(
        missing.map(({ caseId, index }) => ({ field: `caseIds.${index}`, message: `no open case ${caseId}` })),
      );
    }
    return unique;
  }
  const f = op.filter!;
  if (f.departmentId && department !== null && f.departmentId !== department) {
    throw Problem.invalid([{ field: 'filter.departmentId', message: `you move ${department}'s cases only` }]);
  }
  const rows = await db.case.findMany({
    where: {
      ...inReach,
      ...(f.departmentId ? { departmentId: f.departmentId } : {}),
      stage: f.stage ?? open,
      reasonCode: f.reasonCode,
      slaBreached: f.slaBreached,
      assigneeId: f.assigneeId === 'none' ? null : f.assigneeId,
    },
    orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
    take: MAX_BULK_CASES + 1,
    select: { id: true },
  });
  if (rows.length > MAX_BULK_CASES) {
    throw Problem.invalid([{ field: 'filter', message: `selects over ${MAX_BULK_CASES} cases; narrow it` }]);
  }
  if (rows.length === 0) throw Problem.invalid([{ field: 'filter', message: 'selects no open case' }]);
  return rows.map((row) => row.id);
}

/** Starts the operation's workflow; a second start (a retried request) finds the first. */
async function startWorkflow(temporal: Client, taskQueue: string, operationId: string): Promise<void> {
  await withinDeadline(temporal, ACTION_DEADLINE_MS, () =>
    temporal.workflow.start('bulkOperationWorkflow', {
      workflowId: bulkOperationWorkflowId(operationId),
      taskQueue,
      args: [{ operationId } satisfies BulkOperationInput],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    }),
  );
}

/**
 * Records the operation and its cases, then starts its workflow. The Idempotency-Key makes a
 * retried request find the operation the first one recorded (and start it, if that try could not).
 */
export async function startBulkOperation(
  { db, temporal, taskQueue }: BulkDeps,
  actor: Actor,
  op: NewBulkOperation,
  key: string | undefined,
): Promise<{ operation: BulkOperation; repeated: boolean }> {
  const earlier = key ? await db.bulkOperation.findUnique({ where: { idempotencyKey: key } }) : null;
  if (earlier && earlier.requestedBy !== actor.id) {
    throw new Problem(409, 'Idempotency-Key reused', 'This Idempotency-Key was used for another request.');
  }
  let operation = earlier;
  if (!operation) {
    const checked = await checkedBody(db, actor, op);
    const caseIds = await selection(db, actor, op);
    const operationId = `BULK-${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    [operation] = await db.$transaction([
      db.bulkOperation.create({
        data: {
          id: operationId,
          idempotencyKey: key ?? null,
          action: op.action,
          body: JSON.stringify(checked.body),
          requestedBy: actor.id,
        },
      }),
      db.bulkOperationItem.createMany({
        data: caseIds.map((caseId, position) => ({ operationId, caseId, position })),
      }),
    ]);
  }
  try {
    await startWorkflow(temporal, taskQueue, operation.id);
  } catch (error) {
    throw new Problem(
      503,
      'Temporal unavailable',
      `Operation ${operation.id} is recorded but could not be started: ${(error as Error).message}. ` +
        'Send the same request with the same Idempotency-Key to start it.',
    );
  }
  return { operation, repeated: earlier !== null };
}

/** Who sees an operation: whoever ran it, and those who oversee everyone (admins, auditors). */
export async function loadBulkOperation(db: Db, operationId: string, actor: Actor) {
  const operation = await db.bulkOperation.findUnique({
    where: { id: operationId },
    include: { items: { orderBy: { position: 'asc' } } },
  });
  const oversees = actor.role === 'admin' || actor.role === 'auditor';
  if (!operation || (!oversees && operation.requestedBy !== actor.id)) {
    throw Problem.notFound(`No bulk operation ${operationId}.`);
  }
  return { ...operation, counts: await bulkCounts(db, operationId) };
}

export type BulkOperationFile = Awaited<ReturnType<typeof loadBulkOperation>>;

export function presentBulkOperation(op: BulkOperationFile) {
  return {
    id: op.id,
    action: op.action,
    body: JSON.parse(op.body) as unknown,
    requestedBy: op.requestedBy,
    status: op.status,
    cancelledBy: op.cancelledBy,
    createdAt: op.createdAt.toISOString(),
    finishedAt: op.finishedAt?.toISOString() ?? null,
    counts: op.counts,
    items: op.items.map((item) => ({ caseId: item.caseId, status: item.status, detail: item.detail })),
  };
}

/**
 * Cancels a running operation: its steps read the mark before acting, so no case is sent the
 * action after this, and its workflow stops once the steps under way finish. Cancelling a
 * finished one changes nothing.
 */
export async function cancelBulkOperation(db: Db, operationId: string, actor: Actor) {
  const op = await loadBulkOperation(db, operationId, actor);
  if (op.status === 'running') {
    await db.bulkOperation.updateMany({ where: { id: op.id, cancelledBy: null }, data: { cancelledBy: actor.id } });
  }
  return loadBulkOperation(db, operationId, actor);
}

/**
 * A bulk operation's step as one staff action through the API's protocol, as the runner: their
 * reach over the case, the body, the rules, the key. A refusal is the case's answer, recorded;
 * anything else (Temporal or the database away, the outcome unknown) is thrown, to be retried.
 */
export function caseActionsOver({ db, temporal }: { db: Db; temporal: Client }): CaseActions {
  return {
    async carryOut({ caseId, action, body, actorId, idempotencyKey: key }) {
      const actor = await loadActor(db, actorId);
      if (!actor) return { status: 'refused', detail: `${actorId} is no longer active staff` };
      const caseRow = await db.case.findUnique({ where: { id: caseId } });
      if (!caseRow) return { status: 'refused', detail: `no case ${caseId}` };
      try {
        const call = { action: action as BulkAction, actor, caseRow, target: caseId, idempotencyKey: key };
        const answer = await carryOutAction({ db, temporal }, { ...call, body: ACTION_BODIES[action], input: body });
        if (answer.status === 200 || answer.pending === 'accepted') return { status: 'done' };
        throw new Error(answer.detail);
      } catch (error) {
        if (error instanceof Problem && [403, 404, 409, 422].includes(error.status)) {
          const errors = (error.extra.errors as { field: string; message: string }[] | undefined) ?? [];
          const detail = errors.length ? errors.map((e) => `${e.field} ${e.message}`).join('; ') : error.detail;
          return { status: 'refused', detail };
        }
        throw error;
      }
    },
  };
}

export function bulkOperationRoutes(deps: BulkDeps): Router {
  const router = Router();

  router.post('/bulk-operations', async (req, res) => {
    requireJson(req);
    const key = idempotencyKey(req);
    const op = NewBulkOperation.parse(req.body);
    auditAs(res, { action: `bulk:${op.action}` });
    const { operation, repeated } = await startBulkOperation(deps, actorOf(res), op, key);
    const file = await loadBulkOperation(deps.db, operation.id, actorOf(res));
    res
      .status(repeated ? 200 : 202)
      .location(`/bulk-operations/${operation.id}`)
      .json(presentBulkOperation(file));
  });

  router.get('/bulk-operations/:id', async (req, res) => {
    res.json(presentBulkOperation(await loadBulkOperation(deps.db, String(req.params.id), actorOf(res))));
  });

  router.post('/bulk-operations/:id/cancel', async (req, res) => {
    res.json(presentBulkOperation(await cancelBulkOperation(deps.db, String(req.params.id), actorOf(res))));
  });

  return router;
}
