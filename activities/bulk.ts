/**
 * A bulk operation's side effects: reading which cases still wait for their step, one case's step,
 * and closing the operation. A step is carried out by `CaseActions`, which the worker wires to the
 * API's own action protocol (access, body check, rules, idempotency key), so a bulk operation can
 * do nothing its runner could not do one case at a time; this layer only records what came of it.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../src/db/client';
import type { BulkAction, BulkCounts, BulkItemStatus, BulkStepOutcome } from '../workflows/domain/bulk';
import type { BulkStepInput } from '../workflows/bulk-operation/messages';
import { heartbeating } from './heartbeat';

/** One staff action on one case, as its runner, under a key: a second call with the key acts no more. */
export interface CaseActions {
  carryOut(step: {
    caseId: string;
    action: BulkAction;
    /** The action's body, as the API takes it. */
    body: unknown;
    actorId: string;
    idempotencyKey: string;
  }): Promise<BulkStepOutcome>;
}

export interface BulkDeps {
  db: Db;
  /** Absent where no API protocol is wired (a workflow test): a step then fails, saying so. */
  caseActions?: CaseActions;
}

/** The key a case's step is sent under: the same on every retry, different for every case. */
export const bulkStepKey = ({ operationId, caseId }: BulkStepInput): string => `bulk:${operationId}:${caseId}`;

export function bulkActivities({ db, caseActions }: BulkDeps) {
  return {
    /** The next cases to take, in order; none once someone cancelled the operation. */
    async pendingBulkCases({ operationId, limit }: { operationId: string; limit: number }): Promise<string[]> {
      const operation = await db.bulkOperation.findUniqueOrThrow({ where: { id: operationId } });
      if (operation.cancelledBy) return [];
      const items = await db.bulkOperationItem.findMany({
        where: { operationId, status: 'pending' },
        orderBy: { position: 'asc' },
        take: limit,
        select: { caseId: true },
      });
      return items.map((item) => item.caseId);
    },

    async applyBulkStep(step: BulkStepInput): Promise<BulkItemStatus> {
      const item = await db.bulkOperationItem.findUniqueOrThrow({
        where: { operationId_caseId: step },
        include: { operation: true },
      });
      if (item.status !== 'pending') return item.status as BulkItemStatus;
      const { operation } = item;
      const outcome: BulkStepOutcome = operation.cancelledBy
        ? { status: 'cancelled', detail: `cancelled by ${operation.cancelledBy} before this case's turn` }
        : await heartbeating(() => {
            if (!caseActions) {
              throw ApplicationFailure.nonRetryable('This worker has no case actions wired; bulk steps need them.');
            }
            return caseActions.carryOut({
              caseId: step.caseId,
              action: operation.action as BulkAction,
              body: JSON.parse(operation.body),
              actorId: operation.requestedBy,
              idempotencyKey: bulkStepKey(step),
            });
          });
      await db.bulkOperationItem.update({
        where: { operationId_caseId: step },
        data: { status: outcome.status, detail: 'detail' in outcome ? outcome.detail : null },
      });
      return outcome.status;
    },

    /**
     * Marks the operation finished (once) and what never ran as cancelled; answers the counts. It
     * was cancelled if someone marked it so, or its workflow was cancelled (from the Temporal UI, say).
     */
    async finishBulkOperation({
      operationId,
      cancelled,
    }: {
      operationId: string;
      cancelled: boolean;
    }): Promise<BulkCounts> {
      const operation = await db.bulkOperation.findUniqueOrThrow({ where: { id: operationId } });
      const status = cancelled || operation.cancelledBy ? 'cancelled' : 'completed';
      await db.$transaction([
        db.bulkOperationItem.updateMany({
          where: { operationId, status: 'pending' },
          data: { status: 'cancelled', detail: 'the operation was cancelled before this case’s turn' },
        }),
        db.bulkOperation.updateMany({
          where: { id: operationId, status: 'running' },
          data: { status, finishedAt: new Date() },
        }),
      ]);
      return bulkCounts(db, operationId);
    },
  };
}

export async function bulkCounts(db: Db, operationId: string): Promise<BulkCounts> {
  const groups = await db.bulkOperationItem.groupBy({ by: ['status'], where: { operationId }, _count: true });
  const counts: BulkCounts = { pending: 0, done: 0, refused: 0, cancelled: 0 };
  for (const group of groups) counts[group.status as BulkItemStatus] = group._count;
  return counts;
}
