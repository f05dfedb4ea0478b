// The workflow bundle's entry point: every workflow type the worker registers.
export { disputeWorkflow } from './dispute/workflow';
export { attritionWatchWorkflow } from './attrition-watch/workflow';
export { bulkOperationWorkflow } from './bulk-operation/workflow';
