/**
 * The shapes that cross the boundary between the admin API and the dispute workflow, defined
 * once and imported by both (and by the tests). Staff actions are Updates: the caller learns
 * whether the action was accepted, and a rejected one leaves nothing in the case's history.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Clock, ClockView } from './domain/clocks';
import type { CasePolicy, CustomerTier } from './domain/policy';
import type { RegulationFacts } from './domain/regulations';

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

export const OUTCOMES = ['customer_favour', 'merchant_favour', 'partial', 'write_off'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Card-network phases while the case waits on the network. */
export const NETWORK_PHASES = ['chargeback', 'representment', 'pre_arbitration', 'arbitration'] as const;
export type NetworkPhase = (typeof NETWORK_PHASES)[number];

export const STAFF_ROLES = ['agent', 'supervisor', 'care_agent', 'admin'] as const;
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

/** Workflow input: ids and amounts only, never personal data. */
export interface DisputeInput {
  caseId: string;
  customerId: string;
  cardId: string;
  transactionId: string;
  amountCents: number;
  currency: string;
  reasonCode: ReasonCode;
  /** Where the case sits until routing picks a department. */
  departmentId: string;
  openedBy: string;
  /** Set only by continue-as-new: the case so far. */
  resume?: CaseState;
}

/** What an activity learns about the case at intake; fixed for the case's life. */
export interface CaseContext {
  tier: CustomerTier;
  facts: RegulationFacts;
  route: { departmentId: string; ruleId: number | null; description: string };
  policy: CasePolicy;
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

/** Every kind of message a customer may receive about a case; each has a template set in src/mail/templates. */
export const MESSAGE_TEMPLATES = [
  'acknowledgement',
  'status_update',
  'info_requested',
  'provisional_credit',
  'resolved',
  'reopened',
  'withdrawn',
  'survey',
] as const;
export type MessageTemplate = (typeof MESSAGE_TEMPLATES)[number];

/** A customer message waiting to be sent. `key` names the logical message, so it goes out once. */
export interface Notice {
  key: string;
  template: MessageTemplate;
  /** Case facts the template shows (amounts, stage, dates); never names or addresses. */
  data: Record<string, unknown>;
}

/** A message due later (status updates, the survey); quiet hours are checked when it falls due. */
export interface ScheduledNotice {
  key: string;
  template: 'status_update' | 'survey';
  at: string;
  quietChecked: boolean;
}

export interface TimelineEvent {
  seq: number;
  type: string;
  actor: string;
  at: string;
  data: Record<string, unknown>;
}

/** The whole case as the workflow holds it; carried across continue-as-new. */
export interface CaseState extends Omit<DisputeInput, 'departmentId' | 'resume'> {
  openedAt: string;
  context: CaseContext | null;
  stage: CaseStage;
  departmentId: string;
  assigneeId: string | null;
  queue: 'agents' | 'supervisors';
  escalated: boolean;
  networkPhase: NetworkPhase | null;
  proposal: Proposal | null;
  provisionalCredit: { amountCents: number; grantedBy: string; at: string } | null;
  resolution: Resolution | null;
  reopenUntil: string | null;
  closedAt: string | null;
  acknowledged: boolean;
  notices: Notice[];
  scheduled: ScheduledNotice[];
  statusUpdates: number;
  attritionRisk: string;
  clocks: Clock[];
  /** Serial for clock ids, so every started clock has an id of its own. */
  clockSerial: number;
  timeline: TimelineEvent[];
  /** Changes so far; the read model only moves forward. */
  version: number;
}

/** The case as the `getCase` query and every accepted action return it. */
export interface CaseView {
  caseId: string;
  customerId: string;
  stage: CaseStage;
  departmentId: string;
  assigneeId: string | null;
  queue: 'agents' | 'supervisors';
  escalated: boolean;
  slaBreached: boolean;
  networkPhase: NetworkPhase | null;
  amountCents: number;
  currency: string;
  reasonCode: ReasonCode;
  openedBy: string;
  openedAt: string;
  tier: CustomerTier | null;
  pendingApproval: Proposal | null;
  provisionalCredit: CaseState['provisionalCredit'];
  resolution: Resolution | null;
  reopenUntil: string | null;
  closedAt: string | null;
  /** Every clock of the case, live ones first. */
  clocks: ClockView[];
  version: number;
}

// Staff actions. Every request carries its actor.
export interface AssignRequest {
  actor: Actor;
  assignee: { id: string; role: StaffRole; departmentId: string };
  reason?: string;
}
export interface TransferRequest {
  actor: Actor;
  departmentId: string;
  reason: string;
}
export interface NoteRequest {
  actor: Actor;
  text: string;
}
export interface RequestInfoRequest {
  actor: Actor;
  question: string;
}
export interface AwaitPartyRequest {
  actor: Actor;
  party: 'merchant' | 'network';
  phase?: NetworkPhase;
  note?: string;
}
export interface RecordResponseRequest {
  actor: Actor;
  party: 'customer' | 'merchant' | 'network';
  summary: string;
}
export interface ResolutionRequest {
  actor: Actor;
  outcome: Outcome;
  amountCents?: number;
  rationale: string;
}
export interface DecisionRequest {
  actor: Actor;
  comment?: string;
}
export interface ReasonRequest {
  actor: Actor;
  reason: string;
}
export interface ProvisionalCreditRequest {
  actor: Actor;
  amountCents?: number;
}

export const assignUpdate = defineUpdate<CaseView, [AssignRequest]>('assign');
export const transferUpdate = defineUpdate<CaseView, [TransferRequest]>('transfer');
export const addNoteUpdate = defineUpdate<CaseView, [NoteRequest]>('addNote');
export const requestInfoUpdate = defineUpdate<CaseView, [RequestInfoRequest]>('requestInfo');
export const awaitPartyUpdate = defineUpdate<CaseView, [AwaitPartyRequest]>('awaitParty');
export const recordResponseUpdate = defineUpdate<CaseView, [RecordResponseRequest]>('recordResponse');
export const proposeResolutionUpdate = defineUpdate<CaseView, [ResolutionRequest]>('proposeResolution');
export const approveResolutionUpdate = defineUpdate<CaseView, [DecisionRequest]>('approveResolution');
export const rejectResolutionUpdate = defineUpdate<CaseView, [ReasonRequest]>('rejectResolution');
export const resolveUpdate = defineUpdate<CaseView, [ResolutionRequest]>('resolve');
export const reopenUpdate = defineUpdate<CaseView, [ReasonRequest]>('reopen');
export const withdrawUpdate = defineUpdate<CaseView, [ReasonRequest]>('withdraw');
export const grantProvisionalCreditUpdate = defineUpdate<CaseView, [ProvisionalCreditRequest]>(
  'grantProvisionalCredit',
);
export const escalateUpdate = defineUpdate<CaseView, [ReasonRequest]>('escalate');

export const getCaseQuery = defineQuery<CaseView>('getCase');
export const getTimelineQuery = defineQuery<TimelineEvent[]>('getTimeline');

export const disputeWorkflowId = (caseId: string): string => `dispute-${caseId}`;

/** The `type` of the ApplicationFailure a validator throws; the API maps it to a status. */
export type RejectionCode = 'StageConflict' | 'Forbidden' | 'InvalidArgument';
