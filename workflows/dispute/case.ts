/**
 * One dispute case inside its workflow: the state, the timeline it records, the read model it
 * keeps in step, and the steps that staff actions and clocks share (queueing for supervisors,
 * alerting staff, crediting, resolving, closing). The workflow, the staff-action handlers, the
 * clocks, the notifier, the attrition watch's link, the care outreach and the network desk all
 * work on this one object, as the entity-workflow samples do.
 */
import { patched } from '@temporalio/workflow';
import type { CaseSnapshot, OutreachSnapshot, PlacedEvent, PlaceEntered } from '../../activities/cases';
import type { Holidays } from '../domain/business-time';
import { DAY_MS, HOUR_MS } from '../domain/time';
import { holidaySet } from '../domain/case-policy';
import { REG_E_PROVISIONAL_CREDIT, REG_E_REVERSAL_NOTICE_BUSINESS_DAYS } from '../domain/regulations';
import { addBusinessTime } from '../domain/business-time';
import { activities } from '../activity-options';
import { AttritionWatchLink } from './attrition';
import { CaseClocks } from './clocks';
import { NetworkDesk } from './network';
import { Notifier } from './notifier';
import { CareOutreach } from './outreach';
import { OPEN_STAGES, type Outcome } from '../domain/case';
import type { CaseView, TimelineEvent, TimelineEventType } from './messages';
import type { CaseState, HeldReversal } from './state';
import { Visibility } from './visibility';

const NO_HOLIDAYS: Holidays = new Set();

/** Before this patch a resolution took back provisional credit at once, in the message that told of it. */
export const REVERSAL_NOTICE_PATCH = 'notice-before-reversal';

export class DisputeCase {
  /** The events recorded in this run; earlier runs' events are in the audit log. */
  readonly timeline: TimelineEvent[] = [];
  readonly clocks: CaseClocks;
  readonly notifier: Notifier;
  readonly watch: AttritionWatchLink;
  readonly care: CareOutreach;
  readonly network: NetworkDesk;
  private readonly visibility = new Visibility();
  private readonly unsynced: PlacedEvent[] = [];
  // Where the case sits (stage and department) as last committed, so each move is written once,
  // with its instant: the stays of the journey figures. Null before the case's first commit (a
  // later run starts where the earlier one left off, and has nothing to write until it moves).
  private place: Omit<PlaceEntered, 'at'> | null;
  private readonly unsyncedMoves: PlaceEntered[] = [];
  // One read-model write at a time, in order, so the read model never moves backwards.
  private syncing: Promise<void> = Promise.resolve();
  // The calendar is fixed once the context is loaded; build its set once, not on every use.
  private calendar: Holidays | null = null;

  constructor(readonly state: CaseState) {
    this.place = state.version === 0 ? null : { stage: state.stage, departmentId: state.departmentId };
    this.clocks = new CaseClocks(this);
    this.notifier = new Notifier(this);
    this.watch = new AttritionWatchLink(this);
    this.care = new CareOutreach(this);
    this.network = new NetworkDesk(this);
  }

  now(): number {
    return Date.now();
  }

  holidays(): Holidays {
    this.calendar ??= this.state.context ? holidaySet(this.state.context.policy) : null;
    return this.calendar ?? NO_HOLIDAYS;
  }

  isOpen(): boolean {
    return OPEN_STAGES.includes(this.state.stage);
  }

  // Handlers change the stage behind TypeScript's back, so callers ask rather than narrow.
  isClosed(): boolean {
    return this.state.stage === 'closed';
  }

  // --- the timeline, the read model and what the Temporal UI shows --------------------------

  /** Adds an event to the timeline; clock events pass the instant they fell due (`at`). */
  record(type: TimelineEventType, actor: string, data: Record<string, unknown> = {}, at = this.now()): TimelineEvent {
    const event = { seq: ++this.state.eventSeq, type, actor, at: new Date(at).toISOString(), data };
    this.timeline.push(event);
    this.unsynced.push({ ...event, stage: this.state.stage, departmentId: this.state.departmentId });
    return event;
  }

  /** Search attributes and the case cover in the Temporal UI. */
  publish(): void {
    this.visibility.publish(this.state, this.view());
  }

  /** A change is done: show it, and write it to the read model and the audit log (in order). */
  commit(): Promise<void> {
    this.state.version += 1;
    this.notePlace();
    this.publish();
    this.watch.tell();
    this.syncing = this.syncing.then(async () => {
      const events = this.unsynced.splice(0);
      await activities.syncCase({
        caseId: this.state.caseId,
        version: this.state.version,
        snapshot: this.snapshot(),
        outreach: this.outreachSnapshots(),
        events,
        moves: this.unsyncedMoves.splice(0),
      });
    });
    return this.syncing;
  }

  /** Notes a move to another stage or department, at the instant of the change that made it. */
  private notePlace(): void {
    const { stage, departmentId } = this.state;
    if (this.place?.stage === stage && this.place.departmentId === departmentId) return;
    this.place = { stage, departmentId };
    this.unsyncedMoves.push({ stage, departmentId, at: new Date(this.now()).toISOString() });
  }

  /**
   * Settles once every commit is written, those made while waiting too: an action answers before
   * its write, so one may slip in during the wait (and a run must not end with it unwritten).
   */
  async synced(): Promise<void> {
    let awaited: Promise<void>;
    do {
      awaited = this.syncing;
      await awaited;
    } while (awaited !== this.syncing);
  }

  view(): CaseView {
    const s = this.state;
    return {
      caseId: s.caseId,
      customerId: s.customerId,
      stage: s.stage,
      departmentId: s.departmentId,
      assigneeId: s.assigneeId,
      queue: s.queue,
      escalated: s.escalated,
      slaBreached: this.clocks.slaBreached(),
      attritionRisk: s.attritionRisk,
      networkPhase: s.networkPhase,
      network: s.context?.network ?? null,
      amountCents: s.amountCents,
      currency: s.currency,
      reasonCode: s.reasonCode,
      openedBy: s.openedBy,
      openedAt: s.openedAt,
      tier: s.context?.tier ?? null,
      pendingApproval: s.stage === 'pending_approval' ? s.proposal : null,
      provisionalCredit: s.provisionalCredit,
      resolution: s.resolution,
      reopenUntil: s.reopenUntil,
      closedAt: s.closedAt,
      customerContacts: s.customerContacts,
      priority: s.priority,
      outreach: s.outreach,
      nextDeadlineAt: this.clocks.nextDeadline(),
      clocks: this.clocks.views(),
      chargebacks: s.chargebacks,
      heldReversal: s.heldReversal && {
        amountCents: s.heldReversal.amountCents,
        notBefore: s.heldReversal.notBefore,
        noticeSentAt: s.heldReversal.noticeSentAt,
      },
      version: s.version,
    };
  }

  /** The read-model columns the workflow owns. */
  private snapshot(): CaseSnapshot {
    const view = this.view();
    return {
      stage: view.stage,
      departmentId: view.departmentId,
      assigneeId: view.assigneeId,
      queue: view.queue,
      escalated: view.escalated,
      slaBreached: view.slaBreached,
      attritionRisk: view.attritionRisk,
      priority: view.priority,
      nextDeadlineAt: view.nextDeadlineAt,
      slaNearAt: this.clocks.slaNearAt(),
      provisionalCreditCents: view.provisionalCredit?.amountCents ?? null,
      resolvedAmountCents: view.resolution?.amountCents ?? null,
      outcome: view.resolution?.outcome ?? null,
      resolvedAt: view.resolution?.at ?? null,
      closedAt: view.closedAt,
    };
  }

  /** The outreach columns the workflow owns; the brief was written when each was opened. */
  private outreachSnapshots(): OutreachSnapshot[] {
    return this.state.outreach.map((o) => ({
      id: o.id,
      status: o.status,
      assigneeId: o.assigneeId,
      offerRequest: o.offerRequest,
      outcome: o.outcome,
    }));
  }

  // --- steps that staff actions and clocks share -------------------------------------------

  toSupervisorQueue(): void {
    this.state.assigneeId = null;
    this.state.queue = 'supervisors';
    this.state.escalated = true;
  }

  /** Tells the assignee (or, when asked, the department's supervisors) about an event. */
  async alert(
    event: TimelineEvent,
    kind: string,
    message: string,
    supervisors: boolean,
    previousAssignee = this.state.assigneeId,
  ): Promise<void> {
    await activities.alertStaff({
      key: `${this.state.caseId}:${event.seq}`,
      caseId: this.state.caseId,
      kind,
      message,
      staffIds: previousAssignee ? [previousAssignee] : [],
      supervisorsOf: supervisors || !previousAssignee ? this.state.departmentId : null,
    });
  }

  async grantProvisionalCredit(amountCents: number, actor: string, at = this.now()): Promise<void> {
    const { state } = this;
    const event = this.record('provisional_credit_granted', actor, { amountCents }, at);
    state.provisionalCredit = { amountCents, grantedBy: actor, at: event.at };
    this.clocks.meet(REG_E_PROVISIONAL_CREDIT, at);
    this.notifier.notify(
      'provisional_credit',
      { creditCents: amountCents },
      `${state.caseId}:provisional_credit:${event.seq}`,
    );
    await activities.postAdjustment({
      key: `${state.caseId}:${event.seq}`,
      cardId: state.cardId,
      creditCents: amountCents,
      description: `PROVISIONAL CREDIT ${state.caseId}`,
      at: event.at,
    });
  }

  async resolve(
    outcome: Outcome,
    creditCents: number,
    resolvedBy: string,
    approvedBy: string | null,
    rationale: string,
  ): Promise<void> {
    const { state } = this;
    const policy = state.context!.policy;
    const event = this.record('resolved', approvedBy ?? resolvedBy, {
      outcome,
      amountCents: creditCents,
      resolvedBy,
      approvedBy,
      rationale,
    });
    state.stage = 'resolved';
    // A resolved case needs no place at the front of the queue; the outreach stays to be worked.
    state.priority = 'normal';
    state.resolution = { outcome, amountCents: creditCents, resolvedBy, approvedBy, at: event.at };
    state.reopenUntil = new Date(this.now() + policy.reopenWindowDays * DAY_MS).toISOString();
    this.clocks.endAll('met');
    const provisionalCreditCents = state.provisionalCredit?.amountCents ?? null;
    const noticeKey = `${state.caseId}:resolved:${event.seq}`;
    // Since this patch, credit is taken back only after the customer was told (Reg E, Reg Z).
    const held =
      this.wouldTakeBack(creditCents) && patched(REVERSAL_NOTICE_PATCH)
        ? this.holdReversal(creditCents, event, noticeKey)
        : null;
    const adjustment = held ? -held.amountCents : await this.settle(creditCents, event);
    this.notifier.unschedule('status_update');
    this.notifier.notify(
      'resolved',
      {
        outcome,
        creditCents,
        provisionalCreditCents,
        adjustmentCents: Math.abs(adjustment),
        reversal: adjustment < 0,
        reopenWindowDays: policy.reopenWindowDays,
        ...(held && {
          reversalOn: held.notBefore,
          regE: held.regulation === 'reg_e',
          explanation: rationale,
          honourBusinessDays: REG_E_REVERSAL_NOTICE_BUSINESS_DAYS,
        }),
      },
      noticeKey,
    );
    this.notifier.schedule(
      'survey',
      this.now() + policy.surveyDelayHours * HOUR_MS,
      `${state.caseId}:survey:${event.seq}`,
    );
  }

  /** Whether settling at `finalCreditCents` would take back credit already given. */
  private wouldTakeBack(finalCreditCents: number): boolean {
    const credited = this.state.provisionalCredit?.amountCents ?? 0;
    return finalCreditCents - credited - this.state.settledCents < 0;
  }

  /**
   * Holds the reversal of provisional credit until the customer was told the amount and the date
   * in the resolution's message: under Reg E (12 CFR 1005.11(d)(2)) five business days after it,
   * during which her payments are honoured; under Reg Z (1026.13(f)) once she has the explanation
   * and the amount she owes.
   */
  private holdReversal(finalCreditCents: number, event: TimelineEvent, noticeKey: string): HeldReversal {
    const { state } = this;
    const amountCents = (state.provisionalCredit?.amountCents ?? 0) + state.settledCents - finalCreditCents;
    const regulation = state.context?.facts.cardType === 'credit' ? 'reg_z' : 'reg_e';
    const notBefore = regulation === 'reg_e' ? this.afterNoticePeriod(this.now()) : this.now();
    state.heldReversal = {
      amountCents,
      regulation,
      noticeKey,
      notBefore: new Date(notBefore).toISOString(),
      noticeSentAt: null,
      eventSeq: event.seq,
    };
    this.record('reversal_held', event.actor, { amountCents, regulation, notBefore: state.heldReversal.notBefore });
    return state.heldReversal;
  }

  private afterNoticePeriod(noticeAt: number): number {
    return addBusinessTime(noticeAt, REG_E_REVERSAL_NOTICE_BUSINESS_DAYS * DAY_MS, this.holidays());
  }

  /** When the held reversal may be booked: its notice sent, its date and (Reg E) the notice period passed. */
  reversalDueAt(): number | null {
    const held = this.state.heldReversal;
    if (!held?.noticeSentAt) return null;
    const sent = Date.parse(held.noticeSentAt);
    const afterNotice = held.regulation === 'reg_e' ? this.afterNoticePeriod(sent) : sent;
    return Math.max(Date.parse(held.notBefore), afterNotice);
  }

  /** Books the held reversal once it is due; true when it did. */
  async bookHeldReversal(): Promise<boolean> {
    const { state } = this;
    const due = this.reversalDueAt();
    if (!state.heldReversal || due === null || this.now() < due) return false;
    const { amountCents, eventSeq } = state.heldReversal;
    state.heldReversal = null;
    const event = this.record('settled', 'system:regulation', { creditCents: -amountCents });
    state.settledCents -= amountCents;
    await activities.postAdjustment({
      key: `${state.caseId}:${eventSeq}`,
      cardId: state.cardId,
      creditCents: -amountCents,
      description: `PROVISIONAL CREDIT REVERSAL ${state.caseId}`,
      at: event.at,
    });
    return true;
  }

  /** A reopened or withdrawn case takes back nothing it held to take back. */
  cancelHeldReversal(actor: string, reason: string): void {
    const held = this.state.heldReversal;
    if (!held) return;
    this.state.heldReversal = null;
    this.record('reversal_cancelled', actor, { amountCents: held.amountCents, reason });
  }

  /** Books the difference between what the customer was credited so far and what they keep; returns it. */
  async settle(finalCreditCents: number, event: TimelineEvent): Promise<number> {
    const { state } = this;
    const credited = state.provisionalCredit?.amountCents ?? 0;
    const delta = finalCreditCents - credited - state.settledCents;
    if (delta === 0) return 0;
    this.record('settled', event.actor, { creditCents: delta });
    state.settledCents += delta;
    const description = delta > 0 ? `DISPUTE CREDIT ${state.caseId}` : `PROVISIONAL CREDIT REVERSAL ${state.caseId}`;
    await activities.postAdjustment({
      key: `${state.caseId}:${event.seq}`,
      cardId: state.cardId,
      creditCents: delta,
      description,
      at: event.at,
    });
    return delta;
  }

  /**
   * The party the case waited on answered (as staff record it, or the customer on her case page):
   * that wait's SLA is met and the investigation resumes.
   */
  responded(party: 'customer' | 'merchant' | 'network', actor: string, data: Record<string, unknown>): void {
    this.record(`${party}_responded`, actor, { ...data, phase: this.state.networkPhase });
    this.clocks.endSla(`awaiting_${party}`, 'met');
    this.state.stage = 'investigation';
    this.clocks.resumeInvestigation();
  }

  /** The dispute is withdrawn (by staff, or by the customer herself): settled at nothing, closed at once. */
  async withdraw(actor: string, reason: string): Promise<void> {
    const { state } = this;
    const event = this.record('withdrawn', actor, { reason });
    this.cancelHeldReversal(actor, 'withdrawn');
    state.stage = 'resolved';
    state.resolution = { outcome: 'withdrawn', amountCents: 0, resolvedBy: actor, approvedBy: null, at: event.at };
    this.clocks.endAll('withdrawn');
    const provisionalCreditCents = state.provisionalCredit?.amountCents ?? null;
    await this.settle(0, event);
    state.scheduled = [];
    this.notifier.notify('withdrawn', { provisionalCreditCents }, `${state.caseId}:withdrawn:${event.seq}`);
    this.close(actor);
  }

  close(actor: string, at = this.now()): void {
    this.care.expireAll(at);
    this.network.stop();
    this.state.stage = 'closed';
    this.state.priority = 'normal';
    this.state.closedAt = new Date(at).toISOString();
    this.record('closed', actor, { outcome: this.state.resolution?.outcome ?? null }, at);
  }
}
