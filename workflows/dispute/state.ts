/**
 * The case as the dispute workflow holds it, and the form in which it is carried across
 * continue-as-new. It stays bounded: the timeline lives in the audit log, and the run keeps only
 * counters (event sequence, settled credit) derived from what was written there. Every change
 * to its shape bumps CASE_STATE_VERSION and teaches `resumeCase` to upgrade the older form.
 */
import type { AttritionRisk, Outreach } from '../domain/care';
import type { Chargeback } from '../domain/chargeback';
import type { Clock } from '../domain/clocks';
import type { CaseContext } from '../domain/case-policy';
import type { CasePriority, CaseStage, NetworkPhase, Proposal, ProvisionalCredit, Resolution } from '../domain/case';
import type { DisputeInput, NotificationTemplate, TimelineEvent } from './messages';

export const CASE_STATE_VERSION = 7;

/** Request ids a case remembers; a case takes tens of actions, so this is a guard, not a limit. */
export const REMEMBERED_REQUESTS = 1000;

/** A notification waiting to be sent. `key` names the logical message, so it goes out once. */
export interface QueuedNotification {
  key: string;
  template: NotificationTemplate;
  /** Case facts the template shows (amounts, stage, dates); never names or addresses. */
  data: Record<string, unknown>;
}

/**
 * Notifications sent later, when they fall due: each has its handler in the notifier's
 * `whenDue`, which the compiler holds to this list.
 */
export const SCHEDULED_TEMPLATES = ['status_update', 'survey'] as const satisfies readonly NotificationTemplate[];
export type ScheduledTemplate = (typeof SCHEDULED_TEMPLATES)[number];

/** A notification due later; quiet hours are checked when it falls due. */
export interface ScheduledNotification {
  key: string;
  template: ScheduledTemplate;
  at: string;
  quietChecked: boolean;
}

export interface CaseState extends Omit<DisputeInput, 'departmentId'> {
  schemaVersion: typeof CASE_STATE_VERSION;
  openedAt: string;
  context: CaseContext | null;
  stage: CaseStage;
  departmentId: string;
  assigneeId: string | null;
  queue: 'agents' | 'supervisors';
  escalated: boolean;
  networkPhase: NetworkPhase | null;
  proposal: Proposal | null;
  provisionalCredit: ProvisionalCredit | null;
  resolution: Resolution | null;
  reopenUntil: string | null;
  closedAt: string | null;
  acknowledged: boolean;
  notices: QueuedNotification[];
  scheduled: ScheduledNotification[];
  statusUpdates: number;
  attritionRisk: AttritionRisk;
  clocks: Clock[];
  /** Serial for clock ids, so every started clock has an id of its own. */
  clockSerial: number;
  /** Sequence number of the latest timeline event; the events are in the audit log. */
  eventSeq: number;
  /** Credit booked at settlement so far, beyond the provisional credit (negative takes it back). */
  settledCents: number;
  /** How often the customer chased the bank about this case. */
  customerContacts: number;
  /** The attrition watch was started for this case. */
  watching: boolean;
  /** What the watch was last told of the case (JSON), so it is told only of changes. */
  progressSent: string | null;
  priority: CasePriority;
  /** Care outreach opened during the case: one per episode of high risk, so a handful at most. */
  outreach: Outreach[];
  /** Changes so far; the read model only moves forward. */
  version: number;
  /** Ids of the staff requests applied, newest last: a sealed request acts once (messages.ts). */
  requestIds: string[];
  /** When the latest risk report the case took was made: an older one, or a copy, is dropped. */
  riskAssessedAt: string | null;
  /** Chargebacks filed with the card network, one per transaction of the claim. */
  chargebacks: Chargeback[];
  heldReversal: HeldReversal | null;
}

/**
 * Provisional credit to take back, held until the customer was told: the amount, the date, and
 * (Reg E) the notice period since the notice went out.
 */
export interface HeldReversal {
  amountCents: number;
  regulation: 'reg_e' | 'reg_z';
  /** The notice that must have gone out first. */
  noticeKey: string;
  /** The date the notice gives; the reversal is never booked before it. */
  notBefore: string;
  noticeSentAt: string | null;
  /** The resolution's event, whose key the booking takes. */
  eventSeq: number;
}

/** Version 6: before card-network chargebacks and reversals held for the customer's notice. */
type CaseStateV6 = Omit<CaseState, 'schemaVersion' | 'chargebacks' | 'heldReversal'> & { schemaVersion: 6 };

/** Version 5: before staff requests and risk reports were bound to what they are for. */
type CaseStateV5 = Omit<CaseStateV6, 'schemaVersion' | 'requestIds' | 'riskAssessedAt'> & { schemaVersion: 5 };

/** Version 4: before care outreach. */
type CaseStateV4 = Omit<CaseStateV5, 'schemaVersion' | 'priority' | 'outreach'> & { schemaVersion: 4 };

/** Version 3: before the attrition watch. */
type CaseStateV3 = Omit<CaseStateV4, 'schemaVersion' | 'watching' | 'progressSent'> & { schemaVersion: 3 };

/** Version 2: before customer contacts were counted. */
type CaseStateV2 = Omit<CaseStateV3, 'schemaVersion' | 'customerContacts'> & { schemaVersion: 2 };

/** Version 1: the whole timeline carried, and SLA clocks that named their stage only in their id. */
type CaseStateV1 = Omit<CaseStateV2, 'schemaVersion' | 'eventSeq' | 'settledCents' | 'clocks' | 'attritionRisk'> & {
  schemaVersion?: undefined;
  timeline: TimelineEvent[];
  clocks: Omit<Clock, 'stage'>[];
  attritionRisk: string;
};

export type CarriedCase = CaseState | CaseStateV6 | CaseStateV5 | CaseStateV4 | CaseStateV3 | CaseStateV2 | CaseStateV1;

/** The workflow's argument: a new case's input, or (after continue-as-new) the case so far. */
export interface DisputeRun extends DisputeInput {
  resume?: CarriedCase;
}

export function newCase(input: DisputeInput, openedAt: Date): CaseState {
  return {
    schemaVersion: CASE_STATE_VERSION,
    caseId: input.caseId,
    customerId: input.customerId,
    cardId: input.cardId,
    transactionId: input.transactionId,
    amountCents: input.amountCents,
    currency: input.currency,
    reasonCode: input.reasonCode,
    openedBy: input.openedBy,
    openedAt: openedAt.toISOString(),
    context: null,
    stage: 'intake',
    departmentId: input.departmentId,
    assigneeId: null,
    queue: 'agents',
    escalated: false,
    networkPhase: null,
    proposal: null,
    provisionalCredit: null,
    resolution: null,
    reopenUntil: null,
    closedAt: null,
    acknowledged: false,
    notices: [],
    scheduled: [],
    statusUpdates: 0,
    attritionRisk: 'none',
    clocks: [],
    clockSerial: 0,
    eventSeq: 0,
    settledCents: 0,
    customerContacts: 0,
    watching: false,
    progressSent: null,
    priority: 'normal',
    outreach: [],
    version: 0,
    requestIds: [],
    riskAssessedAt: null,
    chargebacks: [],
    heldReversal: null,
  };
}

/** The carried case in today's form, whichever version carried it. */
export function resumeCase(carried: CarriedCase): CaseState {
  if (carried.schemaVersion === CASE_STATE_VERSION) return carried;
  const v6 = carried.schemaVersion === 6 ? carried : fromV5(carried);
  return { ...v6, schemaVersion: CASE_STATE_VERSION, chargebacks: [], heldReversal: null };
}

function fromV5(carried: Exclude<CarriedCase, CaseState | CaseStateV6>): CaseStateV6 {
  const v5 = carried.schemaVersion === 5 ? carried : fromV4(carried.schemaVersion === 4 ? carried : fromV3(carried));
  // The requests of earlier runs were applied before they carried their binding.
  return { ...v5, schemaVersion: 6, requestIds: [], riskAssessedAt: null };
}

function fromV4(carried: CaseStateV4): CaseStateV5 {
  return { ...carried, schemaVersion: 5, priority: 'normal', outreach: [] };
}

function fromV3(carried: Exclude<CarriedCase, CaseState | CaseStateV6 | CaseStateV5 | CaseStateV4>): CaseStateV4 {
  const v3 = carried.schemaVersion === 3 ? carried : fromV2(carried.schemaVersion === 2 ? carried : fromV1(carried));
  // Cases opened before the attrition watch existed get one when they next continue as new.
  return { ...v3, schemaVersion: 4, watching: false, progressSent: null };
}

function fromV2(carried: CaseStateV2): CaseStateV3 {
  return { ...carried, schemaVersion: 3, customerContacts: 0 };
}

function fromV1(carried: CaseStateV1): CaseStateV2 {
  const { timeline, clocks, attritionRisk, ...rest } = carried;
  return {
    ...rest,
    schemaVersion: 2,
    // Every event was in the audit log before the run continued as new.
    eventSeq: timeline.at(-1)?.seq ?? 0,
    settledCents: timeline
      .filter((e) => e.type === 'settled')
      .reduce((sum, e) => sum + (e.data.creditCents as number), 0),
    clocks: clocks.map((clock) => ({ ...clock, stage: clock.kind === 'sla' ? clock.id.split(':')[1] : null })),
    attritionRisk: attritionRisk === 'watch' || attritionRisk === 'high' ? attritionRisk : 'none',
  };
}
