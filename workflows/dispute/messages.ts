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

/** Goodwill a care agent may offer a customer at risk of leaving. */
export const CONCESSION_KINDS = ['reward_points', 'fee_waiver', 'interest_refund'] as const;
export type ConcessionKind = (typeof CONCESSION_KINDS)[number];
export interface Concession {
  kind: ConcessionKind;
  /** What it costs the bank, in minor units; the customer is credited this much when it is granted. */
  valueCents: number;
}

/** What the care agent is asked to do: call back, commit to a date, and maybe offer goodwill. */
export interface OutreachRecommendation {
  actions: ('call_back' | 'commit_resolve_by' | 'offer_concession')[];
  /** The regulatory resolve-by date from the case's clocks, to commit to on the call. */
  resolveBy: string | null;
  /** The pre-approved concession the customer's value warrants, within a care agent's authority. */
  concession: Concession | null;
}

/** An offer above the care agent's authority, waiting for (or given) a supervisor's word. */
export interface OfferRequest extends Concession {
  requestedBy: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  at: string;
}

export const OFFER_RESPONSES = ['made', 'accepted', 'declined'] as const;
export interface OutreachOutcome {
  reached: boolean;
  /** The offer put to the customer and their answer; null when none was made. */
  offer: (Concession & { response: (typeof OFFER_RESPONSES)[number] }) | null;
  note: string | null;
  by: string;
  at: string;
}

/** An outreach is live (`open`, `claimed`) until the call is recorded (`done`) or the case closes (`expired`). */
export const OUTREACH_STATUSES = ['open', 'claimed', 'done', 'expired'] as const;
export const LIVE_OUTREACH_STATUSES = ['open', 'claimed'] as const;
export const isLiveOutreach = (o: Pick<Outreach, 'status'>): boolean =>
  (LIVE_OUTREACH_STATUSES as readonly string[]).includes(o.status);

/** A care outreach: opened once per episode of high attrition risk while the case is open. */
export interface Outreach {
  id: string;
  episode: number;
  openedAt: string;
  dueAt: string;
  status: (typeof OUTREACH_STATUSES)[number];
  assigneeId: string | null;
  recommendation: OutreachRecommendation;
  offerRequest: OfferRequest | null;
  outcome: OutreachOutcome | null;
}

/** `high` while a customer at risk of leaving waits on the case: it goes first in its department's queue. */
export type CasePriority = 'normal' | 'high';

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
  priority: CasePriority;
  /** Care outreach opened for the customer during the case, oldest first. */
  outreach: Outreach[];
  /** The earliest deadline of a running clock. */
  nextDeadlineAt: string | null;
  /** Every clock of the case, live ones first. */
  clocks: ClockView[];
  version: number;
}

/**
 * What a staff request is for, sealed with it: the case's workflow, the action and the request
 * (the Update's id). The validator refuses a copy sent to another case, as another action or a
 * second time, so a payload lifted from one history acts nowhere else. Clients built by this
 * code add it to every staff action they send (src/temporal/bound-requests.ts).
 */
export interface RequestBinding {
  workflowId: string;
  action: string;
  requestId: string;
}

/** What every staff request carries: who acts (as the API vouches), and what the request is for. */
export interface StaffMessage {
  actor: Actor;
  binding?: RequestBinding;
}

// Staff actions.
export interface AssignRequest extends StaffMessage {
  assignee: { id: string; role: StaffRole; departmentId: string };
  reason?: string;
}
export interface TransferRequest extends StaffMessage {
  departmentId: string;
  reason: string;
}
export interface NoteRequest extends StaffMessage {
  text: string;
}
export interface RequestInfoRequest extends StaffMessage {
  question: string;
}
export interface AwaitPartyRequest extends StaffMessage {
  party: 'merchant' | 'network';
  phase?: NetworkPhase;
  note?: string;
}
export interface RecordResponseRequest extends StaffMessage {
  party: 'customer' | 'merchant' | 'network';
  summary: string;
}
export interface ResolutionRequest extends StaffMessage {
  outcome: Outcome;
  amountCents?: number;
  rationale: string;
}
export interface DecisionRequest extends StaffMessage {
  comment?: string;
}
export interface ReasonRequest extends StaffMessage {
  reason: string;
}
export const CONTACT_CHANNELS = ['phone', 'email', 'chat', 'branch'] as const;
export interface RecordContactRequest extends StaffMessage {
  channel: (typeof CONTACT_CHANNELS)[number];
  note?: string;
}
/** Outreach actions name the outreach they act on; the API finds its case. */
export interface OutreachRequest extends StaffMessage {
  outreachId: string;
}
export interface OfferRequestRequest extends OutreachRequest {
  concession: Concession;
  reason: string;
}
export interface OfferDecisionRequest extends OutreachRequest {
  comment?: string;
}
export interface OutreachOutcomeRequest extends OutreachRequest {
  reached: boolean;
  offer?: OutreachOutcome['offer'];
  note?: string;
}
export interface ProvisionalCreditRequest extends StaffMessage {
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
export const claimOutreachUpdate = defineUpdate<CaseView, [OutreachRequest], 'claimOutreach'>('claimOutreach');
export const requestOfferUpdate = defineUpdate<CaseView, [OfferRequestRequest], 'requestOffer'>('requestOffer');
export const approveOfferUpdate = defineUpdate<CaseView, [OfferDecisionRequest], 'approveOffer'>('approveOffer');
export const rejectOfferUpdate = defineUpdate<CaseView, [OfferDecisionRequest], 'rejectOffer'>('rejectOffer');
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

/** Each key must be its Update's name, so one name runs from the URL to the rule and the handler. */
type StaffActionTable<T> = { [Name in keyof T & string]: StaffAction<Name, RequestOf<T[Name]>> };
type RequestOf<A> = A extends { update: UpdateDefinition<CaseView, [infer Req], string> } ? Req : never;
const staffActions = <T extends StaffActionTable<T>>(table: T): T => table;

const table = staffActions({
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
});

export type StaffActionName = keyof typeof table;
export type StaffRequest<Name extends StaffActionName> = RequestOf<(typeof table)[Name]>;

/**
 * Every staff action, named once: the name is the Update's name, the key of its rule in
 * `domain/rules.ts` and of its route in `src/api/routes/actions.ts`. The URL segment is what
 * `POST /cases/:id/<path>` takes; the audit log records facts in the past tense (`records`).
 */
export const STAFF_ACTIONS: { [Name in StaffActionName]: StaffAction<Name, StaffRequest<Name>> } = table;

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

/** The `type` of the ApplicationFailure a validator throws; the API maps it to a status. */
export type RejectionCode = 'StageConflict' | 'Forbidden' | 'InvalidArgument';
