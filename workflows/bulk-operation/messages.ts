/**
 * The bulk operation's public contract. The workflow (id `bulk-operation-<operationId>`) takes only
 * the operation's id: what to do, to which cases and as whom are rows the API wrote, read by
 * activities, so no case detail and no comment enters its history.
 */
export const bulkOperationWorkflowId = (operationId: string): string => `bulk-operation-${operationId}`;

export interface BulkOperationInput {
  operationId: string;
}

export interface BulkStepInput {
  operationId: string;
  caseId: string;
}
