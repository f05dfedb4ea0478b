/**
 * The shapes that cross the boundary between the admin API and the dispute workflow,
 * defined once and imported by both (and by the tests).
 */
import { defineQuery } from '@temporalio/workflow';

export const REASON_CODES = [
  'unrecognized',
  'fraud_card_absent',
  'fraud_card_present',
  'duplicate_charge',
  'incorrect_amount',
  'not_received',
  'not_as_described',
  'cancelled_recurring',
  'credit_not_processed',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type CaseStage = 'intake' | 'investigation' | 'closed';

/** Workflow input: ids and amounts only, never personal data. */
export interface DisputeInput {
  caseId: string;
  customerId: string;
  cardId: string;
  transactionId: string;
  amountCents: number;
  currency: string;
  reasonCode: ReasonCode;
  departmentId: string;
  openedBy: string;
}

export interface CaseView {
  caseId: string;
  stage: CaseStage;
  departmentId: string;
  assigneeId: string | null;
  amountCents: number;
  currency: string;
  reasonCode: ReasonCode;
  openedBy: string;
  openedAt: string;
}

export const getCaseQuery = defineQuery<CaseView>('getCase');

export const disputeWorkflowId = (caseId: string): string => `dispute-${caseId}`;
