/**
 * The attrition watch's public contract. The watch is a child of the dispute workflow (id
 * `attrition-watch-<caseId>`) that follows the customer's card usage while the dispute is open
 * and tells its parent when the customer looks likely to leave.
 */

/** How likely the customer is to leave: `watch` asks for attention, `high` for a care outreach. */
export const ATTRITION_RISKS = ['none', 'watch', 'high'] as const;
export type AttritionRisk = (typeof ATTRITION_RISKS)[number];

export const attritionWatchWorkflowId = (caseId: string): string => `attrition-watch-${caseId}`;
