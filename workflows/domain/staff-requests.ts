/**
 * What staff ask of a case: one request type per staff action, under the action's name. The
 * dispute workflow defines an Update for each (dispute/messages.ts), and the action rules judge
 * them (action-rules.ts); this map is where a new action's name and request begin.
 */
import type { Actor, NetworkPhase, Outcome, StaffRole } from './case';
import type { Concession, OutreachOutcome } from './care';
import type { NetworkDecision, NetworkEventInput } from './chargeback';

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
  /** The network evidence items the answer is to give; her documents tick them on the case's checklist. */
  evidence?: string[];
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
/** A chargeback for one transaction of the claim: the case's own, or another of the same card. */
export interface FileChargebackRequest extends StaffMessage {
  code: string;
  /** The transaction as the API found it on the case's card. */
  transaction: { id: string; postedAt: string; amountCents: number; cardPresent: boolean };
  amountCents: number;
  /** When the goods or services were to arrive, for codes whose time limit counts from it. */
  expectedDeliveryAt?: string;
  evidence: string[];
  note?: string;
}
export interface NetworkDecisionRequest extends StaffMessage {
  chargebackId: string;
  decision: NetworkDecision;
  evidence?: string[];
  note?: string;
}
/** What the network sent, as the inbound feed (a system) vouches for it. */
export interface NetworkEventRequest extends StaffMessage {
  event: NetworkEventInput;
}

/** Every staff action's name, and the request it takes. Names are Update names in recorded histories. */
export interface StaffRequests {
  assign: AssignRequest;
  transfer: TransferRequest;
  addNote: NoteRequest;
  requestInfo: RequestInfoRequest;
  awaitParty: AwaitPartyRequest;
  recordResponse: RecordResponseRequest;
  proposeResolution: ResolutionRequest;
  approveResolution: DecisionRequest;
  rejectResolution: ReasonRequest;
  resolve: ResolutionRequest;
  reopen: ReasonRequest;
  withdraw: ReasonRequest;
  grantProvisionalCredit: ProvisionalCreditRequest;
  escalate: ReasonRequest;
  recordContact: RecordContactRequest;
  claimOutreach: OutreachRequest;
  requestOffer: OfferRequestRequest;
  approveOffer: OfferDecisionRequest;
  rejectOffer: OfferDecisionRequest;
  recordOutreachOutcome: OutreachOutcomeRequest;
  fileChargeback: FileChargebackRequest;
  decideChargeback: NetworkDecisionRequest;
}
export type StaffActionName = keyof StaffRequests;
export type StaffRequest<Name extends StaffActionName> = StaffRequests[Name];
