import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { DISPUTE_WORKFLOW_TYPE, type DisputeInput, type DisputeWorkflow } from '../../workflows/dispute/messages';
import { formatMoney } from '../../workflows/domain/money';
import { CaseId, CaseStage, CustomerId, Department } from '../../workflows/search-attributes';

export type CaseRow = Awaited<ReturnType<Db['case']['create']>>;

/**
 * Starts the case's workflow; a no-op when it runs already or has finished, so a retried request
 * is safe and a case never gets a second dispute.
 */
export async function startDispute(temporal: Client, taskQueue: string, row: CaseRow): Promise<void> {
  const input: DisputeInput = {
    caseId: row.id,
    customerId: row.customerId,
    cardId: row.cardId,
    transactionId: row.transactionId,
    amountCents: row.amountCents,
    currency: row.currency,
    reasonCode: row.reasonCode as DisputeInput['reasonCode'],
    departmentId: row.departmentId,
    openedBy: row.openedBy,
  };
  try {
    await temporal.workflow.start<DisputeWorkflow>(DISPUTE_WORKFLOW_TYPE, {
      workflowId: row.workflowId,
      taskQueue,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [input],
      // Set at start too, so the case is findable before the first workflow task runs.
      typedSearchAttributes: [
        { key: CaseId, value: row.id },
        { key: CustomerId, value: row.customerId },
        { key: CaseStage, value: row.stage },
        { key: Department, value: row.departmentId },
      ],
      staticSummary: `Dispute ${row.id}: ${formatMoney(row.amountCents, row.currency)}, ${row.reasonCode}`,
      staticDetails: `Customer \`${row.customerId}\`, card \`${row.cardId}\`, transaction \`${row.transactionId}\`. Opened by ${row.openedBy}.`,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
