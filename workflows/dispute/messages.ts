/**
 * The dispute workflow's public contract: what the admin API, the activities and the tests may
 * know of a case. Staff actions are Updates: the caller learns whether the action was accepted,
 * and a refused one leaves nothing in the case's history. The state the workflow carries is its
 * own business (state.ts) and is not exported from here.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RiskReport } from '../attrition-watch/messages';
import type { AttritionRisk, Outreach } from '../domain/care';
import type { Chargeback } from '../domain/chargeback';
import type {
  CasePriority,
  CaseStage,
  NetworkPhase,
  Proposal,
  ProvisionalCredit,
  ReasonCode,
  Resolution,
} from '../domain/case';
import type { CaseContext, CustomerTier } from '../domain/case-policy';
import type { ClockView } from '../domain/clocks';
import type {
  AssignRequest,
  AwaitPartyRequest,
  DecisionRequest,
  FileChargebackRequest,
  NetworkDecisionRequest,
  NetworkEventRequest,
  NoteRequest,
  OfferDecisionRequest,
  OfferRequestRequest,
  OutreachOutcomeRequest,
  OutreachRequest,
  ProvisionalCreditRequest,
  ReasonRequest,
  RecordContactRequest,
  RecordResponseRequest,
  RequestInfoRequest,
  ResolutionRequest,
  StaffActionName,
  StaffRequest,
  TransferRequest,
} from '../domain/staff-requests';

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

/** Every kind of notification a customer may receive about a case; each has a template set in src/notifications/templates. */
export const NOTIFICATION_TEMPLATES = [
  'acknowledgement',
  'status_update',
  'info_requested',
  'provisional_credit',
  'resolved',
  'reopened',
  'withdrawn',
  'survey',
  'network_update',
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

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
  'priority_raised',
  'outreach_opened',
  'outreach_claimed',
  'offer_requested',
  'offer_approved',
  'offer_rejected',
  'outreach_completed',
  'concession_granted',
  'outreach_expired',
  'customer_notified',
  'notification_failed',
  'preferences_changed',
  'chargeback_requested',
  'network_filed',
  'network_filing_refused',
  'network_event',
  'network_window_passed',
  'chargeback_answered',
  'chargeback_decided',
  'network_deadline_warning',
  'network_deadline_passed',
  'written_off',
  'reversal_held',
  'reversal_cancelled',
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
  /** The card's network and the version of its dispute rules the case opened with; null before they were kept. */
  network?: CaseContext['network'] | null;
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
  priority: CasePriority;
  /** Care outreach opened for the customer during the case, oldest first. */
  outreach: Outreach[];
  /** The earliest deadline of a running clock. */
  nextDeadlineAt: string | null;
  /** Every clock of the case, live ones first. */
  clocks: ClockView[];
  /** Chargebacks filed with the card network, oldest first. */
  chargebacks?: Chargeback[];
  /** Provisional credit to be taken back once the customer was told, and from when. */
  heldReversal?: { amountCents: number; notBefore: string; noticeSentAt: string | null } | null;
  version: number;
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

/** Why a customer says, from her case page, that she is still unhappy: words she picks, no free text. */
export const UNHAPPY_REASONS = ['too_slow', 'no_news', 'disagree', 'other'] as const;
export interface StillUnhappyRequest {
  /** The customer the case page's session is for; the case checks it is its own. */
  customerId: string;
  reason: (typeof UNHAPPY_REASONS)[number];
}
/** The customer's own actions, from her case page (ids only: no names, no free text). */
export const stillUnhappyUpdate = defineUpdate<CaseView, [StillUnhappyRequest], 'stillUnhappy'>('stillUnhappy');
/** She withdraws her dispute herself, having confirmed it and entered a one-time code. */
export const customerWithdrawUpdate = defineUpdate<CaseView, [{ customerId: string }], 'customerWithdraw'>(
  'customerWithdraw',
);
/** Her answer to the bank's question, stored by the API first: the case gets its ids only. */
export interface CustomerAnswerRequest {
  customerId: string;
  answerId: string;
  documentIds: string[];
}
export const customerAnswerUpdate = defineUpdate<CaseView, [CustomerAnswerRequest], 'customerAnswer'>('customerAnswer');
/** How she wants to hear from the bank, as she set it on her case page (her channel and quiet hours
 * are kept on her record and read when a message goes; the interval steers the case's schedule). */
export interface CustomerPreferencesRequest {
  customerId: string;
  statusUpdateDays: number;
  channel: string;
  quietHours: { start: number; end: number } | null;
}
export const customerPreferencesUpdate = defineUpdate<CaseView, [CustomerPreferencesRequest], 'customerPreferences'>(
  'customerPreferences',
);
export const claimOutreachUpdate = defineUpdate<CaseView, [OutreachRequest], 'claimOutreach'>('claimOutreach');
export const requestOfferUpdate = defineUpdate<CaseView, [OfferRequestRequest], 'requestOffer'>('requestOffer');
export const approveOfferUpdate = defineUpdate<CaseView, [OfferDecisionRequest], 'approveOffer'>('approveOffer');
export const rejectOfferUpdate = defineUpdate<CaseView, [OfferDecisionRequest], 'rejectOffer'>('rejectOffer');
export const fileChargebackUpdate = defineUpdate<CaseView, [FileChargebackRequest], 'fileChargeback'>('fileChargeback');
export const decideChargebackUpdate = defineUpdate<CaseView, [NetworkDecisionRequest], 'decideChargeback'>(
  'decideChargeback',
);
/** What the card network sent, from the inbound feed: not a staff action, a system's. */
export const networkEventUpdate = defineUpdate<CaseView, [NetworkEventRequest], 'networkEvent'>('networkEvent');
export const recordOutreachOutcomeUpdate = defineUpdate<CaseView, [OutreachOutcomeRequest], 'recordOutreachOutcome'>(
  'recordOutreachOutcome',
);

/**
 * A staff action: its Update, the URL segment it is posted to, and the timeline events it may
 * record. Case actions are posted to `/cases/:id/<path>`, outreach actions to `/outreach/:id/<path>`.
 */
export interface StaffAction<Name extends string, Req> {
  update: UpdateDefinition<CaseView, [Req], Name>;
  on: 'case' | 'outreach';
  path: string;
  records: readonly TimelineEventType[];
}

/**
 * Every staff action, named once: the name is the Update's name, the key of its request in
 * `domain/staff-requests.ts`, of its rule in `domain/action-rules.ts` and of its route in
 * `src/api/routes/actions.ts`. The URL segment is what `POST /cases/:id/<path>` takes; the audit
 * log records facts in the past tense (`records`).
 */
export const STAFF_ACTIONS: { [Name in StaffActionName]: StaffAction<Name, StaffRequest<Name>> } = {
  assign: { update: assignUpdate, on: 'case', path: 'assign', records: ['assigned'] },
  transfer: { update: transferUpdate, on: 'case', path: 'transfer', records: ['transferred'] },
  addNote: { update: addNoteUpdate, on: 'case', path: 'notes', records: ['note'] },
  requestInfo: { update: requestInfoUpdate, on: 'case', path: 'request-info', records: ['info_requested'] },
  awaitParty: {
    update: awaitPartyUpdate,
    on: 'case',
    path: 'await',
    records: ['awaiting_merchant', 'awaiting_network'],
  },
  recordResponse: {
    update: recordResponseUpdate,
    on: 'case',
    path: 'responses',
    records: ['customer_responded', 'merchant_responded', 'network_responded'],
  },
  proposeResolution: { update: proposeResolutionUpdate, on: 'case', path: 'propose', records: ['resolution_proposed'] },
  approveResolution: {
    update: approveResolutionUpdate,
    on: 'case',
    path: 'approve',
    records: ['resolution_approved', 'resolved', 'settled'],
  },
  rejectResolution: { update: rejectResolutionUpdate, on: 'case', path: 'reject', records: ['resolution_rejected'] },
  resolve: { update: resolveUpdate, on: 'case', path: 'resolve', records: ['resolved', 'settled'] },
  reopen: { update: reopenUpdate, on: 'case', path: 'reopen', records: ['reopened'] },
  withdraw: { update: withdrawUpdate, on: 'case', path: 'withdraw', records: ['withdrawn', 'settled', 'closed'] },
  grantProvisionalCredit: {
    update: grantProvisionalCreditUpdate,
    on: 'case',
    path: 'provisional-credit',
    records: ['provisional_credit_granted'],
  },
  escalate: { update: escalateUpdate, on: 'case', path: 'escalate', records: ['escalated'] },
  recordContact: { update: recordContactUpdate, on: 'case', path: 'contacts', records: ['customer_contacted'] },
  claimOutreach: { update: claimOutreachUpdate, on: 'outreach', path: 'claim', records: ['outreach_claimed'] },
  requestOffer: { update: requestOfferUpdate, on: 'outreach', path: 'offer-request', records: ['offer_requested'] },
  approveOffer: { update: approveOfferUpdate, on: 'outreach', path: 'offer-approval', records: ['offer_approved'] },
  rejectOffer: { update: rejectOfferUpdate, on: 'outreach', path: 'offer-rejection', records: ['offer_rejected'] },
  recordOutreachOutcome: {
    update: recordOutreachOutcomeUpdate,
    on: 'outreach',
    path: 'outcome',
    records: ['outreach_completed', 'concession_granted'],
  },
  fileChargeback: { update: fileChargebackUpdate, on: 'case', path: 'chargebacks', records: ['chargeback_requested'] },
  decideChargeback: {
    update: decideChargebackUpdate,
    on: 'case',
    path: 'chargeback-decisions',
    records: ['chargeback_answered', 'chargeback_decided', 'resolved', 'settled', 'reversal_held'],
  },
};

/** The action's route, Express style: `/cases/:id/notes`, `/outreach/:id/claim`. */
export function actionPath(name: StaffActionName): string {
  const { on, path } = STAFF_ACTIONS[name];
  return `/${on === 'case' ? 'cases' : 'outreach'}/:id/${path}`;
}

/** The attrition watch's word on the customer: sent whenever its level changes. */
export const attritionRiskSignal = defineSignal<[RiskReport]>('attritionRisk');

export const getCaseQuery = defineQuery<CaseView>('getCase');
/** The events of the current run; the audit log in the database holds the whole timeline. */
export const getTimelineQuery = defineQuery<TimelineEvent[]>('getTimeline');

/** The workflow as its callers start it: the type name the worker registers, and its signature. */
export const DISPUTE_WORKFLOW_TYPE = 'disputeWorkflow';
export type DisputeWorkflow = (input: DisputeInput) => Promise<CaseView>;

export const disputeWorkflowId = (caseId: string): string => `dispute-${caseId}`;
