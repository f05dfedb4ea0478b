/**
 * The words of a dispute case, shared by the workflows, the activities and the API: its reasons,
 * stages, outcomes, who acts on it, and the departments every bank has. Pure data, no imports from
 * above: the domain is the lowest layer.
 */

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

export const STAGES = [
  'intake',
  'investigation',
  'awaiting_customer',
  'awaiting_merchant',
  'awaiting_network',
  'pending_approval',
  'resolved',
  'closed',
] as const;
export type CaseStage = (typeof STAGES)[number];

/** Stages in which the case is being worked: staff act on it and the customer gets status updates. */
export const OPEN_STAGES: readonly CaseStage[] = [
  'investigation',
  'awaiting_customer',
  'awaiting_merchant',
  'awaiting_network',
  'pending_approval',
];

export const OUTCOMES = ['customer_favour', 'merchant_favour', 'partial', 'write_off'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Card-network phases while the case waits on the network. */
export const NETWORK_PHASES = ['chargeback', 'representment', 'pre_arbitration', 'arbitration'] as const;
export type NetworkPhase = (typeof NETWORK_PHASES)[number];

export const STAFF_ROLES = ['agent', 'supervisor', 'care_agent', 'auditor', 'admin', 'system'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Who acts, as the admin API vouches for it after authenticating the caller. The workflow's
 * validators decide with these facts alone, so a rejection never needs an activity.
 */
export interface Actor {
  id: string;
  role: StaffRole;
  departmentId: string;
  authorityLimitCents: number;
}

export interface Proposal {
  outcome: Outcome;
  amountCents: number;
  rationale: string;
  proposedBy: string;
  at: string;
}

export interface Resolution {
  outcome: Outcome | 'withdrawn';
  /** What the customer is credited in the end. */
  amountCents: number;
  resolvedBy: string;
  approvedBy: string | null;
  at: string;
}

export interface ProvisionalCredit {
  amountCents: number;
  grantedBy: string;
  at: string;
}

/** `high` while a customer at risk of leaving waits on the case: it goes first in its department's queue. */
export type CasePriority = 'normal' | 'high';

/** Where every case starts, and whose staff open cases for every department. */
export const INTAKE_DEPARTMENT = 'intake';
/** The care team: it looks after customers at risk of leaving, on any department's case. */
export const CARE_DEPARTMENT = 'care';
/** The card processor's system: the one sender of card usage. */
export const CARD_PROCESSOR_SYSTEM = 'card-processor';
/** The card network's system: the one sender of the network's answers to chargebacks. */
export const CARD_NETWORK_SYSTEM = 'card-network';
