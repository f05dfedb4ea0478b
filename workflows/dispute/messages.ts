/**
 * The dispute workflow's public contract: what the admin API, the activities and the tests may
 * know of a case. Staff actions are Updates: the caller learns whether the action was accepted,
 * and a refused one leaves nothing in the case's history. The state the workflow carries is its
 * own business (state.ts) and is not exported from here.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttritionRisk, RiskReport } from '../attrition-watch/messages';
import type { ClockView } from '../domain/clocks';
import type { CustomerTier } from '../domain/policy';

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

/** What starts a case: ids and amounts only, never personal data. */
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

/** What the audit log records, as past-tense facts. */
export const TIMELINE_EVENT_TYPES = [
  'opened',
  'regulatory_clocks_started',
  'routed',
  'assigned',
  'transferred',
  'note',
  'info_requested',
  'awaiting_merchant',
  'awaiting_network',
  'customer_responded',
  'merchant_responded',
  'network_responded',
  'resolution_proposed',
  'resolution_approved',
  'resolution_rejected',
  'resolved',
  'settled',
  'reopened',
  'withdrawn',
  'provisional_credit_granted',
  'escalated',
  'sla_warning',
  'sla_breached',
  'regulatory_deadline_passed',
  'regulatory_escalation',
  'acknowledgement_resent',
  'customer_contacted',
  'attrition_risk_changed',
  'customer_notified',
  'notification_failed',
  'closed',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

export interface TimelineEvent {
  /** Position in the case's audit log, counted across continue-as-new. */
  seq: number;
  type: TimelineEventType;
  actor: string;
  at: string;
  data: Record<string, unknown>;
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
  attritionRisk: AttritionRisk;
  networkPhase: NetworkPhase | null;
  amountCents: number;
  currency: string;
  reasonCode: ReasonCode;
  openedBy: string;
  openedAt: string;
  tier: CustomerTier | null;
  pendingApproval: Proposal | null;
  provisionalCredit: ProvisionalCredit | null;
  resolution: Resolution | null;
  reopenUntil: string | null;
  closedAt: string | null;
  /** How often the customer chased the bank about the case. */
  customerContacts: number;
  /** The earliest deadline of a running clock. */
  nextDeadlineAt: string | null;
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
export const CONTACT_CHANNELS = ['phone', 'email', 'chat', 'branch'] as const;
export interface RecordContactRequest {
  actor: Actor;
  channel: (typeof CONTACT_CHANNELS)[number];
  note?: string;
}
export interface ProvisionalCreditRequest {
  actor: Actor;
  amountCents?: number;
}

// The Update names are in recorded histories: renaming one breaks running cases.
export const assignUpdate = defineUpdate<CaseView, [AssignRequest], 'assign'>('assign');
export const transferUpdate = defineUpdate<CaseView, [TransferRequest], 'transfer'>('transfer');
export const addNoteUpdate = defineUpdate<CaseView, [NoteRequest], 'addNote'>('addNote');
export const requestInfoUpdate = defineUpdate<CaseView, [RequestInfoRequest], 'requestInfo'>('requestInfo');
export const awaitPartyUpdate = defineUpdate<CaseView, [AwaitPartyRequest], 'awaitParty'>('awaitParty');
export const recordResponseUpdate = defineUpdate<CaseView, [RecordResponseRequest], 'recordResponse'>('recordResponse');
export const proposeResolutionUpdate = defineUpdate<CaseView, [ResolutionRequest], 'proposeResolution'>(
  'proposeResolution',
);
export const approveResolutionUpdate = defineUpdate<CaseView, [DecisionRequest], 'approveResolution'>(
  'approveResolution',
);
export const rejectResolutionUpdate = defineUpdate<CaseView, [ReasonRequest], 'rejectResolution'>('rejectResolution');
export const resolveUpdate = defineUpdate<CaseView, [ResolutionRequest], 'resolve'>('resolve');
export const reopenUpdate = defineUpdate<CaseView, [ReasonRequest], 'reopen'>('reopen');
export const withdrawUpdate = defineUpdate<CaseView, [ReasonRequest], 'withdraw'>('withdraw');
export const grantProvisionalCreditUpdate = defineUpdate<
  CaseView,
  [ProvisionalCreditRequest],
  'grantProvisionalCredit'
>('grantProvisionalCredit');
export const escalateUpdate = defineUpdate<CaseView, [ReasonRequest], 'escalate'>('escalate');
export const recordContactUpdate = defineUpdate<CaseView, [RecordContactRequest], 'recordContact'>('recordContact');

/** A staff action: its Update, the URL segment it is posted to, and the timeline events it may record. */
export interface StaffAction<Name extends string, Req> {
  update: UpdateDefinition<CaseView, [Req], Name>;
  path: string;
  records: readonly TimelineEventType[];
}

/** Each key must be its Update's name, so one name runs from the URL to the rule and the handler. */
type StaffActionTable<T> = { [Name in keyof T & string]: StaffAction<Name, RequestOf<T[Name]>> };
type RequestOf<A> = A extends { update: UpdateDefinition<CaseView, [infer Req], string> } ? Req : never;
const staffActions = <T extends StaffActionTable<T>>(table: T): T => table;

const table = staffActions({
  assign: { update: assignUpdate, path: 'assign', records: ['assigned'] },
  transfer: { update: transferUpdate, path: 'transfer', records: ['transferred'] },
  addNote: { update: addNoteUpdate, path: 'notes', records: ['note'] },
  requestInfo: { update: requestInfoUpdate, path: 'request-info', records: ['info_requested'] },
  awaitParty: { update: awaitPartyUpdate, path: 'await', records: ['awaiting_merchant', 'awaiting_network'] },
  recordResponse: {
    update: recordResponseUpdate,
    path: 'responses',
    records: ['customer_responded', 'merchant_responded', 'network_responded'],
  },
  proposeResolution: { update: proposeResolutionUpdate, path: 'propose', records: ['resolution_proposed'] },
  approveResolution: {
    update: approveResolutionUpdate,
    path: 'approve',
    records: ['resolution_approved', 'resolved', 'settled'],
  },
  rejectResolution: { update: rejectResolutionUpdate, path: 'reject', records: ['resolution_rejected'] },
  resolve: { update: resolveUpdate, path: 'resolve', records: ['resolved', 'settled'] },
  reopen: { update: reopenUpdate, path: 'reopen', records: ['reopened'] },
  withdraw: { update: withdrawUpdate, path: 'withdraw', records: ['withdrawn', 'settled', 'closed'] },
  grantProvisionalCredit: {
    update: grantProvisionalCreditUpdate,
    path: 'provisional-credit',
    records: ['provisional_credit_granted'],
  },
  escalate: { update: escalateUpdate, path: 'escalate', records: ['escalated'] },
  recordContact: { update: recordContactUpdate, path: 'contacts', records: ['customer_contacted'] },
});

export type StaffActionName = keyof typeof table;
export type StaffRequest<Name extends StaffActionName> = RequestOf<(typeof table)[Name]>;

/**
 * Every staff action, named once: the name is the Update's name, the key of its rule in
 * `domain/rules.ts` and of its route in `src/api/routes/actions.ts`. The URL segment is what
 * `POST /cases/:id/<path>` takes; the audit log records facts in the past tense (`records`).
 */
export const STAFF_ACTIONS: { [Name in StaffActionName]: StaffAction<Name, StaffRequest<Name>> } = table;

/** The attrition watch's word on the customer: sent whenever its level changes. */
export const attritionRiskSignal = defineSignal<[RiskReport]>('attritionRisk');

export const getCaseQuery = defineQuery<CaseView>('getCase');
/** The events of the current run; the audit log in the database holds the whole timeline. */
export const getTimelineQuery = defineQuery<TimelineEvent[]>('getTimeline');

/** The workflow as its callers start it: the type name the worker registers, and its signature. */
export const DISPUTE_WORKFLOW_TYPE = 'disputeWorkflow';
export type DisputeWorkflow = (input: DisputeInput) => Promise<CaseView>;

export const disputeWorkflowId = (caseId: string): string => `dispute-${caseId}`;

/** The `type` of the ApplicationFailure a validator throws; the API maps it to a status. */
export type RejectionCode = 'StageConflict' | 'Forbidden' | 'InvalidArgument';
