import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Typed search attributes every dispute workflow keeps current, so engineers can find a case
 * in the Temporal UI by id, customer, department, stage, SLA breach, risk or network deadline.
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
/** Where the case's chargebacks are at the card network (chargeback, representment, …), or `none`. */
export const NetworkPhase = defineSearchAttributeKey('NetworkPhase', 'KEYWORD');
/** The next card-network deadline: the filing limit, or the window of a live chargeback. */
export const NextNetworkDeadline = defineSearchAttributeKey('NextNetworkDeadline', 'DATETIME');

export const CASE_SEARCH_ATTRIBUTES = [
  CaseId,
  CustomerId,
  Department,
  CaseStage,
  DisputeAmount,
  SlaBreached,
  AttritionRisk,
  AssignedAgent,
  NetworkPhase,
  NextNetworkDeadline,
] as const;
