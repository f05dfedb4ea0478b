/**
 * A bulk operation: sends each selected case the same staff action, a few at a time, each under an
 * idempotency key of its own (operation and case), so a step retried after a worker dies acts once.
 * What each case came to is written by the step itself; the workflow only walks the list. It is
 * cancelled by a mark on the operation's row (the API's cancel): the next read of the list is empty,
 * the steps under way finish (a step that starts after the mark sends nothing) and the rest are
 * marked cancelled; cancelling the workflow itself does the same. A long list continues as new, so
 * the history stays bounded; the list is read again, from the steps not yet taken.
 */
import { CancellationScope, continueAsNew, isCancellation, workflowInfo } from '@temporalio/workflow';
import { activities, bulkSteps } from '../activity-options';
import type { BulkCounts } from '../domain/bulk';
import type { BulkOperationInput } from './messages';

/** Cases sent their action at once: a supervisor's operation should not crowd out staff at work. */
export const BULK_CONCURRENCY = 5;
/** Steps per run before continuing as new (three history events each). */
const STEPS_PER_RUN = 250;

export async function bulkOperationWorkflow({ operationId }: BulkOperationInput): Promise<BulkCounts> {
  try {
    let steps = 0;
    for (;;) {
      const batch = await activities.pendingBulkCases({ operationId, limit: BULK_CONCURRENCY });
      if (batch.length === 0) break;
      await Promise.all(batch.map((caseId) => bulkSteps.applyBulkStep({ operationId, caseId })));
      steps += batch.length;
      if (steps >= STEPS_PER_RUN || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof bulkOperationWorkflow>({ operationId });
      }
    }
    return await activities.finishBulkOperation({ operationId, cancelled: false });
  } catch (error) {
    if (!isCancellation(error)) throw error;
    return await CancellationScope.nonCancellable(() =>
      activities.finishBulkOperation({ operationId, cancelled: true }),
    );
  }
}
