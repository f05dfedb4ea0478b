import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Typed search attributes every dispute workflow keeps current, so engineers can find a case
 * in the Temporal UI by id, customer, department, stage, SLA breach or risk.
 */
export const CaseId = defineSearchAttributeKey('CaseId', 'KEYWORD');
export const CustomerId = defineSearchAttributeKey('CustomerId', 'KEYWORD');
export const Department = defineSearchAttributeKey('Department', 'KEYWORD');
export const CaseStage = defineSearchAttributeKey('CaseStage', 'KEYWORD');
/** In currency units (not cents), so the UI shows a readable amount. */
export const DisputeAmount = defineSearchAttributeKey('DisputeAmount', 'DOUBLE');
export const SlaBreached = defineSearchAttributeKey('SlaBreached', 'BOOL');
export const AttritionRisk = defineSearchAttributeKey('AttritionRisk', 'KEYWORD');
export const AssignedAgent = defineSearchAttributeKey('AssignedAgent', 'KEYWORD');

export const CASE_SEARCH_ATTRIBUTES = [
  CaseId,
  CustomerId,
  Department,
  CaseStage,
  DisputeAmount,
  SlaBreached,
  AttritionRisk,
  AssignedAgent,
] as const;
