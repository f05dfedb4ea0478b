import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair, UpdateDefinition } from '@temporalio/common';
import type { CaseActivities } from '../activities';
import {
  deadlineOf,
  dueEvents,
  endClock,
  nextEvent,
  pauseClock,
  resumeClock,
  startClock,
  viewClock,
  type Clock,
  type ClockEvent,
} from './domain/clocks';
import type { Holidays } from './domain/business-time';
import { findSlaPolicy, holidaySet, slaClockSpec } from './domain/policy';
import { regulatoryClockSpecs, REG_E_PROVISIONAL_CREDIT, REG_Z_ACKNOWLEDGEMENT } from './domain/regulations';
import { creditFor, rules, type Rejection } from './domain/rules';
import {
  addNoteUpdate,
  approveResolutionUpdate,
  assignUpdate,
  awaitPartyUpdate,
  escalateUpdate,
  getCaseQuery,
  getTimelineQuery,
  grantProvisionalCreditUpdate,
  proposeResolutionUpdate,
  recordResponseUpdate,
  rejectResolutionUpdate,
  reopenUpdate,
  requestInfoUpdate,
  resolveUpdate,
  transferUpdate,
  withdrawUpdate,
  type Actor,
  type CaseStage,
  type CaseState,
  type CaseView,
  type DisputeInput,
  type MessageTemplate,
  type Outcome,
  type ScheduledNotice,
  type TimelineEvent,
} from './messages';
import {
  AssignedAgent,
  AttritionRisk,
  CaseId,
  CaseStage as CaseStageKey,
  CustomerId,
  Department,
  DisputeAmount,
  SlaBreached,
} from './search-attributes';

const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // No attempt limit: a database outage delays the case, it never fails it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const NO_HOLIDAYS: Holidays = new Set();
/** Stages in which the case is open and the customer gets periodic status updates. */
const OPEN_STAGES: CaseStage[] = [
  'investigation',
  'awaiting_customer',
  'awaiting_merchant',
  'awaiting_network',
  'pending_approval',
];

/** One dispute case, from intake to closed. Id: `dispute-<caseId>`. */
export async function disputeWorkflow(input: DisputeInput): Promise<CaseView> {
  const state: CaseState = input.resume ?? newCase(input);
  const now = () => Date.now();
  // The calendar is fixed once the context is loaded; build its set once, not on every use.
  let calendar: Holidays | null = null;
  const holidays = (): Holidays =>
    (calendar ??= state.context ? holidaySet(state.context.policy) : null) ?? NO_HOLIDAYS;
  const unsynced: TimelineEvent[] = [];

  // --- recording, visibility and the read model ---------------------------------------------

  /** Adds an event to the timeline; clock events pass the instant they fell due (`at`). */
  function record(type: string, actor: string, data: Record<string, unknown> = {}, at = now()): TimelineEvent {
    const event = { seq: state.timeline.length + 1, type, actor, at: new Date(at).toISOString(), data };
    state.timeline.push(event);
    unsynced.push(event);
    return event;
  }

  const published: Record<string, unknown> = {};
  function publish(): void {
    const attributes: SearchAttributePair[] = [
      { key: CaseId, value: state.caseId },
      { key: CustomerId, value: state.customerId },
      { key: Department, value: state.departmentId },
      { key: CaseStageKey, value: state.stage },
      { key: DisputeAmount, value: state.amountCents / 100 },
      { key: SlaBreached, value: slaBreached() },
      { key: AttritionRisk, value: state.attritionRisk },
      { key: AssignedAgent, value: state.assigneeId ?? `${state.departmentId}/${state.queue}` },
    ];
    const changed = attributes.filter((a) => published[a.key.name] !== a.value);
    if (changed.length) upsertSearchAttributes(changed);
    for (const a of changed) published[a.key.name] = a.value;
    setCurrentDetails(describe(state, view()));
  }

  // One write at a time, in order, so the read model never moves backwards.
  let syncing: Promise<void> = Promise.resolve();
  function commit(): Promise<void> {
    state.version += 1;
    publish();
    syncing = syncing.then(async () => {
      const events = unsynced.splice(0);
      await activities.syncCase({ caseId: state.caseId, version: state.version, snapshot: snapshot(), events });
    });
    return syncing;
  }

  function snapshot() {
    const deadlines = state.clocks.map((c) => deadlineOf(c, holidays())).filter((d): d is number => d !== null);
    return {
      stage: state.stage,
      departmentId: state.departmentId,
      assigneeId: state.assigneeId,
      queue: state.queue,
      escalated: state.escalated,
      slaBreached: slaBreached(),
      attritionRisk: state.attritionRisk,
      nextDeadlineAt: deadlines.length ? new Date(Math.min(...deadlines)).toISOString() : null,
      provisionalCreditCents: state.provisionalCredit?.amountCents ?? null,
      resolvedAmountCents: state.resolution?.amountCents ?? null,
      outcome: state.resolution?.outcome ?? null,
      resolvedAt: state.resolution?.at ?? null,
      closedAt: state.closedAt,
    };
  }

  const slaBreached = () => state.clocks.some((c) => c.kind === 'sla' && c.endedAt === null && c.breachedAt !== null);

  function view(): CaseView {
    const live = (c: Clock) => (c.endedAt === null ? 0 : 1);
    return {
      caseId: state.caseId,
      customerId: state.customerId,
      stage: state.stage,
      departmentId: state.departmentId,
      assigneeId: state.assigneeId,
      queue: state.queue,
      escalated: state.escalated,
      slaBreached: slaBreached(),
      networkPhase: state.networkPhase,
      amountCents: state.amountCents,
      currency: state.currency,
      reasonCode: state.reasonCode,
      openedBy: state.openedBy,
      openedAt: state.openedAt,
      tier: state.context?.tier ?? null,
      pendingApproval: state.stage === 'pending_approval' ? state.proposal : null,
      provisionalCredit: state.provisionalCredit,
      resolution: state.resolution,
      reopenUntil: state.reopenUntil,
      closedAt: state.closedAt,
      clocks: [...state.clocks].sort((a, b) => live(a) - live(b)).map((c) => viewClock(c, holidays())),
      version: state.version,
    };
  }

  // --- clocks -------------------------------------------------------------------------------

  const liveSla = (stage: string) =>
    state.clocks.find((c) => c.kind === 'sla' && c.endedAt === null && c.id.startsWith(`sla:${stage}:`));

  function startSla(stage: CaseStage): void {
    const context = state.context!;
    const policy = findSlaPolicy(context.policy.slaPolicies, stage, state.departmentId, context.tier);
    const spec = slaClockSpec(policy, stage, state.departmentId, ++state.clockSerial);
    if (spec) state.clocks.push(startClock(spec, now()));
  }

  function endSla(stage: string, reason: string): void {
    const clock = liveSla(stage);
    if (clock) endClock(clock, now(), reason, holidays());
  }

  /** Waiting on someone pauses the investigation SLA: always for third parties, by policy for the customer. */
  function pauseInvestigation(forCustomer: boolean): void {
    const clock = liveSla('investigation');
    if (!clock) return;
    const policy = findSlaPolicy(
      state.context!.policy.slaPolicies,
      'investigation',
      state.departmentId,
      state.context!.tier,
    );
    if (!forCustomer || policy?.pausedWhileAwaitingCustomer) pauseClock(clock, now(), holidays());
  }

  function endAllClocks(reason: string): void {
    for (const clock of state.clocks) endClock(clock, now(), reason, holidays());
  }

  async function onClockEvent(clock: Clock, event: ClockEvent, at: number): Promise<void> {
    const deadline = deadlineOf(clock, holidays());
    const data = {
      clock: clock.id,
      label: clock.label,
      deadline: deadline === null ? null : new Date(deadline).toISOString(),
    };
    const system = `system:${clock.id}`;
    if (event === 'warn') {
      clock.warnedAt = at;
      const e = record('sla_warning', system, data, at);
      await alert(
        e,
        'sla_warning',
        `${clock.label} for case ${state.caseId} runs out at ${data.deadline}.`,
        state.assigneeId === null,
      );
    } else if (event === 'breach') {
      clock.breachedAt = at;
      const e = record(clock.kind === 'sla' ? 'sla_breached' : 'regulatory_deadline_passed', system, data, at);
      const previous = state.assigneeId;
      if (clock.kind === 'sla') toSupervisorQueue();
      await alert(
        e,
        e.type,
        `${clock.label} for case ${state.caseId} passed at ${data.deadline}; the case is in the supervisor queue.`,
        true,
        previous,
      );
    } else {
      clock.actedAt = at;
      await act(clock, system, data, at);
    }
  }

  /** A regulatory clock about to pass its deadline does what the regulation requires. */
  async function act(clock: Clock, system: string, data: Record<string, unknown>, at: number): Promise<void> {
    switch (clock.action) {
      case 'grant_provisional_credit':
        if (!state.provisionalCredit) await grantProvisionalCredit(state.amountCents, system, at);
        break;
      case 'acknowledge': {
        // The intake acknowledgement has not gone out: try again before the deadline passes.
        if (state.acknowledged || state.notices.some((n) => n.template === 'acknowledgement')) break;
        const event = record('acknowledgement_resent', system, data, at);
        notify(
          'acknowledgement',
          { intervalDays: intervalDays(), resolveBy: resolveBy() },
          `${state.caseId}:acknowledgement:${event.seq}`,
        );
        break;
      }
      case 'escalate': {
        const e = record('regulatory_escalation', system, data, at);
        const previous = state.assigneeId;
        if (state.queue !== 'supervisors' || state.assigneeId !== null) toSupervisorQueue();
        await alert(
          e,
          'regulatory_escalation',
          `${clock.label} for case ${state.caseId} ends at ${data.deadline}; resolve it before then.`,
          true,
          previous,
        );
        break;
      }
    }
  }

  // --- shared steps -------------------------------------------------------------------------

  function toSupervisorQueue(): void {
    state.assigneeId = null;
    state.queue = 'supervisors';
    state.escalated = true;
  }

  /** Tells the assignee (or, when asked, the department's supervisors) about an event. */
  async function alert(
    event: TimelineEvent,
    kind: string,
    message: string,
    supervisors: boolean,
    previousAssignee = state.assigneeId,
  ): Promise<void> {
    await activities.alertStaff({
      key: `${state.caseId}:${event.seq}`,
      caseId: state.caseId,
      kind,
      message,
      staffIds: previousAssignee ? [previousAssignee] : [],
      supervisorsOf: supervisors || !previousAssignee ? state.departmentId : null,
    });
  }

  async function grantProvisionalCredit(amountCents: number, actor: string, at = now()): Promise<void> {
    const event = record('provisional_credit_granted', actor, { amountCents }, at);
    state.provisionalCredit = { amountCents, grantedBy: actor, at: event.at };
    const regE = state.clocks.find((c) => c.id === REG_E_PROVISIONAL_CREDIT);
    if (regE) endClock(regE, at, 'met', holidays());
    notify('provisional_credit', { creditCents: amountCents }, `${state.caseId}:provisional_credit:${event.seq}`);
    await activities.postAdjustment({
      key: `${state.caseId}:${event.seq}`,
      cardId: state.cardId,
      creditCents: amountCents,
      description: `PROVISIONAL CREDIT ${state.caseId}`,
      at: event.at,
    });
  }

  async function resolve(
    outcome: Outcome,
    creditCents: number,
    resolvedBy: string,
    approvedBy: string | null,
    rationale: string,
  ): Promise<void> {
    const event = record('resolved', approvedBy ?? resolvedBy, {
      outcome,
      amountCents: creditCents,
      resolvedBy,
      approvedBy,
      rationale,
    });
    state.stage = 'resolved';
    state.resolution = { outcome, amountCents: creditCents, resolvedBy, approvedBy, at: event.at };
    state.reopenUntil = new Date(now() + state.context!.policy.reopenWindowDays * DAY_MS).toISOString();
    endAllClocks('met');
    const provisionalCreditCents = state.provisionalCredit?.amountCents ?? null;
    const adjustment = await settle(creditCents, event);
    unschedule('status_update');
    notify(
      'resolved',
      {
        outcome,
        creditCents,
        provisionalCreditCents,
        adjustmentCents: Math.abs(adjustment),
        reversal: adjustment < 0,
        reopenWindowDays: state.context!.policy.reopenWindowDays,
      },
      `${state.caseId}:resolved:${event.seq}`,
    );
    schedule('survey', now() + state.context!.policy.surveyDelayHours * HOUR_MS, `${state.caseId}:survey:${event.seq}`);
  }

  /** Books the difference between what the customer was credited so far and what they keep; returns it. */
  async function settle(finalCreditCents: number, event: TimelineEvent): Promise<number> {
    const credited = state.provisionalCredit?.amountCents ?? 0;
    const booked = state.timeline
      .filter((e) => e.type === 'settled')
      .reduce((sum, e) => sum + (e.data.creditCents as number), 0);
    const delta = finalCreditCents - credited - booked;
    if (delta === 0) return 0;
    record('settled', event.actor, { creditCents: delta });
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

  // --- customer messages --------------------------------------------------------------------

  const isOpen = () => OPEN_STAGES.includes(state.stage);

  function notify(template: MessageTemplate, data: Record<string, unknown>, key: string): void {
    state.notices.push({ key, template, data });
  }

  /** Schedules a later message, replacing one of the same kind not yet due. */
  function schedule(template: ScheduledNotice['template'], at: number, key: string, quietChecked = false): void {
    unschedule(template);
    state.scheduled.push({ key, template, at: new Date(at).toISOString(), quietChecked });
  }

  function unschedule(template: ScheduledNotice['template']): void {
    state.scheduled = state.scheduled.filter((s) => s.template !== template);
  }

  /** The regulatory date by which the case must be resolved, for the customer's messages. */
  function resolveBy(): string | null {
    const clock = state.clocks.find(
      (c) => c.kind === 'regulatory' && c.id.endsWith(':resolution') && c.endedAt === null,
    );
    const deadline = clock ? deadlineOf(clock, holidays()) : null;
    return deadline === null ? null : new Date(deadline).toISOString();
  }

  const intervalDays = () => state.context!.policy.statusUpdateDays;

  function acknowledged(): void {
    state.acknowledged = true;
    const regZ = state.clocks.find((c) => c.id === REG_Z_ACKNOWLEDGEMENT);
    if (regZ) endClock(regZ, now(), 'met', holidays());
  }

  /**
   * Sends queued messages one at a time, in order, apart from staff actions so that a mail
   * outage never holds up the case. The activity's attempts are bounded by policy; a message
   * that still fails is marked failed and becomes a staff alert, never silently dropped.
   */
  let mailerBusy = false;
  let mailerStopping = false;
  async function mailer(): Promise<void> {
    const { sendNotification } = proxyActivities<CaseActivities>({
      startToCloseTimeout: '2 minutes',
      retry: {
        initialInterval: '30 seconds',
        backoffCoefficient: 2,
        maximumInterval: '1 hour',
        maximumAttempts: state.context!.policy.notificationAttempts,
      },
    });
    for (;;) {
      await condition(() => state.notices.length > 0 || mailerStopping);
      if (state.notices.length === 0) return;
      mailerBusy = true;
      const notice = state.notices[0];
      // The customer hears from us at least every interval while the case is open; the send
      // activity also moves that next update out of the customer's quiet hours.
      const statusKey = `${state.caseId}:status_update:${state.statusUpdates + 1}`;
      let followUpAt = isOpen() ? now() + intervalDays() * DAY_MS : null;
      try {
        const sent = await sendNotification({
          key: notice.key,
          caseId: state.caseId,
          template: notice.template,
          data: notice.data,
          followUpAt: followUpAt === null ? undefined : new Date(followUpAt).toISOString(),
        });
        record('customer_notified', 'system:notifications', {
          template: notice.template,
          key: notice.key,
          channel: sent.channel,
          reconciled: sent.reconciled,
        });
        if (notice.template === 'acknowledgement') acknowledged();
        if (isOpen() && sent.followUpAt) schedule('status_update', Date.parse(sent.followUpAt), statusKey, true);
        followUpAt = null;
      } catch (error) {
        const reason = error instanceof ActivityFailure && error.cause ? error.cause.message : (error as Error).message;
        const event = record('notification_failed', 'system:notifications', {
          template: notice.template,
          key: notice.key,
          error: reason,
        });
        await activities.markNotificationFailed({ key: notice.key, error: reason });
        await alert(
          event,
          'notification_failed',
          `The ${notice.template} message of case ${state.caseId} could not be delivered: ${reason}`,
          true,
        );
      }
      state.notices.shift();
      if (followUpAt !== null && isOpen()) schedule('status_update', followUpAt, statusKey);
      mailerBusy = false;
      await commit();
    }
  }

  /** Moves scheduled messages that are due into the queue, after the customer's quiet hours. */
  async function releaseScheduled(): Promise<void> {
    for (const item of [...state.scheduled]) {
      if (now() < Date.parse(item.at)) continue;
      if (!item.quietChecked) {
        item.at = await activities.quietHoursEnd({ caseId: state.caseId, at: item.at });
        item.quietChecked = true;
        if (now() < Date.parse(item.at)) continue;
      }
      state.scheduled = state.scheduled.filter((s) => s !== item);
      if (item.template === 'survey') notify('survey', {}, item.key);
      else if (isOpen()) {
        state.statusUpdates += 1;
        notify(
          'status_update',
          {
            stage: state.stage,
            provisionalCreditCents: state.provisionalCredit?.amountCents ?? null,
            resolveBy: resolveBy(),
            intervalDays: intervalDays(),
          },
          item.key,
        );
      }
    }
  }

  // --- staff actions ------------------------------------------------------------------------

  function action<Req extends { actor: Actor }>(
    update: UpdateDefinition<CaseView, [Req]>,
    check: (state: CaseState, req: Req, now: number) => Rejection | null,
    apply: (req: Req) => void | Promise<void>,
  ): void {
    setHandler(
      update,
      async (req) => {
        await apply(req);
        await commit();
        return view();
      },
      {
        validator: (req) => {
          if (!req || typeof req.actor?.id !== 'string')
            throw ApplicationFailure.create({
              type: 'InvalidArgument',
              message: 'actor: is required',
              details: ['actor'],
            });
          const rejection = check(state, req, now());
          if (rejection)
            throw ApplicationFailure.create({
              type: rejection.code,
              message: rejection.message,
              details: [rejection.field ?? null],
              nonRetryable: true,
            });
        },
      },
    );
  }

  action(assignUpdate, rules.assign, async ({ actor, assignee, reason }) => {
    const event = record('assigned', actor.id, { from: state.assigneeId, to: assignee.id, reason: reason ?? null });
    state.assigneeId = assignee.id;
    state.queue = assignee.role === 'supervisor' ? 'supervisors' : 'agents';
    // Whoever is handed a case hears about it; taking one yourself needs no alert.
    if (actor.id !== assignee.id)
      await alert(event, 'assigned', `${actor.id} assigned case ${state.caseId} to you.`, false);
  });

  action(transferUpdate, rules.transfer, ({ actor, departmentId, reason }) => {
    record('transferred', actor.id, { from: state.departmentId, to: departmentId, reason });
    endSla('investigation', 'transferred');
    state.departmentId = departmentId;
    state.assigneeId = null;
    state.queue = 'agents';
    state.escalated = false;
    startSla('investigation');
  });

  action(addNoteUpdate, rules.addNote, ({ actor, text }) => void record('note', actor.id, { text }));

  action(requestInfoUpdate, rules.requestInfo, ({ actor, question }) => {
    const event = record('info_requested', actor.id, { question });
    notify('info_requested', { question }, `${state.caseId}:info_requested:${event.seq}`);
    pauseInvestigation(true);
    state.stage = 'awaiting_customer';
    startSla('awaiting_customer');
  });

  action(awaitPartyUpdate, rules.awaitParty, ({ actor, party, phase, note }) => {
    state.networkPhase = party === 'network' ? (phase ?? 'chargeback') : null;
    record(`awaiting_${party}`, actor.id, { phase: state.networkPhase, note: note ?? null });
    pauseInvestigation(false);
    state.stage = `awaiting_${party}`;
    startSla(state.stage);
  });

  action(recordResponseUpdate, rules.recordResponse, ({ actor, party, summary }) => {
    record(`${party}_responded`, actor.id, { summary, phase: state.networkPhase });
    endSla(`awaiting_${party}`, 'met');
    state.stage = 'investigation';
    const investigation = liveSla('investigation');
    if (investigation) resumeClock(investigation, now());
  });

  action(proposeResolutionUpdate, rules.proposeResolution, (req) => {
    const amountCents = creditFor(state, req);
    const event = record('resolution_proposed', req.actor.id, {
      outcome: req.outcome,
      amountCents,
      rationale: req.rationale,
    });
    state.proposal = {
      outcome: req.outcome,
      amountCents,
      rationale: req.rationale,
      proposedBy: req.actor.id,
      at: event.at,
    };
    pauseInvestigation(false);
    state.stage = 'pending_approval';
    startSla('pending_approval');
  });

  action(approveResolutionUpdate, rules.approveResolution, async ({ actor, comment }) => {
    const proposal = state.proposal!;
    record('resolution_approved', actor.id, { proposedBy: proposal.proposedBy, comment: comment ?? null });
    await resolve(proposal.outcome, proposal.amountCents, proposal.proposedBy, actor.id, proposal.rationale);
  });

  action(rejectResolutionUpdate, rules.rejectResolution, ({ actor, reason }) => {
    record('resolution_rejected', actor.id, {
      proposedBy: state.proposal!.proposedBy,
      outcome: state.proposal!.outcome,
      reason,
    });
    state.proposal = null;
    endSla('pending_approval', 'met');
    state.stage = 'investigation';
    const investigation = liveSla('investigation');
    if (investigation) resumeClock(investigation, now());
  });

  action(resolveUpdate, rules.resolve, (req) =>
    resolve(req.outcome, creditFor(state, req), req.actor.id, null, req.rationale),
  );

  action(reopenUpdate, rules.reopen, ({ actor, reason }) => {
    const event = record('reopened', actor.id, { reason, previousOutcome: state.resolution?.outcome ?? null });
    unschedule('survey');
    notify('reopened', { intervalDays: intervalDays() }, `${state.caseId}:reopened:${event.seq}`);
    state.stage = 'investigation';
    state.resolution = null;
    state.proposal = null;
    state.reopenUntil = null;
    startSla('investigation');
  });

  action(withdrawUpdate, rules.withdraw, async ({ actor, reason }) => {
    const event = record('withdrawn', actor.id, { reason });
    state.stage = 'resolved';
    state.resolution = { outcome: 'withdrawn', amountCents: 0, resolvedBy: actor.id, approvedBy: null, at: event.at };
    endAllClocks('withdrawn');
    const provisionalCreditCents = state.provisionalCredit?.amountCents ?? null;
    await settle(0, event);
    state.scheduled = [];
    notify('withdrawn', { provisionalCreditCents }, `${state.caseId}:withdrawn:${event.seq}`);
    close(actor.id);
  });

  action(grantProvisionalCreditUpdate, rules.grantProvisionalCredit, ({ actor, amountCents }) =>
    grantProvisionalCredit(amountCents ?? state.amountCents, actor.id),
  );

  action(escalateUpdate, rules.escalate, async ({ actor, reason }) => {
    const previous = state.assigneeId;
    const event = record('escalated', actor.id, { from: previous, reason });
    toSupervisorQueue();
    await alert(event, 'escalated', `Case ${state.caseId} was escalated by ${actor.id}: ${reason}`, true, previous);
  });

  setHandler(getCaseQuery, view);
  setHandler(getTimelineQuery, () => state.timeline);

  function close(actor: string, at = now()): void {
    state.stage = 'closed';
    state.closedAt = new Date(at).toISOString();
    record('closed', actor, { outcome: state.resolution?.outcome ?? null }, at);
  }

  // --- intake -------------------------------------------------------------------------------

  if (!input.resume) {
    record('opened', state.openedBy, {
      amountCents: state.amountCents,
      currency: state.currency,
      reasonCode: state.reasonCode,
    });
    const context = await activities.loadCaseContext({
      caseId: state.caseId,
      customerId: state.customerId,
      cardId: state.cardId,
      transactionId: state.transactionId,
      reasonCode: state.reasonCode,
      amountCents: state.amountCents,
      openedAt: state.openedAt,
    });
    state.context = context;
    const openedAt = Date.parse(state.openedAt);
    for (const spec of regulatoryClockSpecs(context.facts, openedAt, context.policy.regulatoryLeadHours))
      state.clocks.push(startClock(spec, openedAt));
    record('regulatory_clocks_started', 'system:regulation', {
      clocks: state.clocks.map((c) => ({
        id: c.id,
        label: c.label,
        deadline: new Date(deadlineOf(c, holidays())!).toISOString(),
      })),
    });
    record('routed', 'system:routing', {
      from: state.departmentId,
      to: context.route.departmentId,
      ruleId: context.route.ruleId,
      rule: context.route.description,
    });
    state.departmentId = context.route.departmentId;
    state.stage = 'investigation';
    startSla('investigation');
    notify(
      'acknowledgement',
      { intervalDays: intervalDays(), resolveBy: resolveBy() },
      `${state.caseId}:acknowledgement`,
    );
    await commit();
  } else {
    publish();
  }
  const mailing = mailer();

  /** The earliest thing the case must do by itself, named for the timer in the Temporal UI. */
  function nextWakeUp(): { at: number; summary: string } | null {
    const wakes = state.clocks.flatMap((clock) => {
      const next = nextEvent(clock, holidays());
      return next
        ? [
            {
              at: next.at,
              summary: `${clock.label}: ${next.event === 'act' ? clock.action : next.event === 'warn' ? 'warning' : 'deadline'}`,
            },
          ]
        : [];
    });
    if (state.reopenUntil)
      wakes.push({ at: Date.parse(state.reopenUntil), summary: 'Reopen window ends: close the case' });
    for (const item of state.scheduled)
      wakes.push({ at: Date.parse(item.at), summary: `Customer message due: ${item.template}` });
    return wakes.sort((a, b) => a.at - b.at)[0] ?? null;
  }

  // --- the case's life: wait for actions, fire clocks, close after the reopen window -------

  // Handlers change the stage behind TypeScript's back, so ask a function rather than narrow.
  const closed = () => state.stage === 'closed';
  while (!closed()) {
    const seen = state.version;
    const wake = nextWakeUp();
    const changed = () => state.version !== seen || closed();
    if (wake) await condition(changed, Math.max(0, wake.at - now()), { summary: wake.summary });
    else await condition(changed);
    if (closed()) break;

    let fired = false;
    for (const clock of state.clocks) {
      for (const { event, at } of dueEvents(clock, now(), holidays())) {
        // An earlier event in this pass (or an action) may have ended the clock.
        if (clock.endedAt !== null) break;
        await onClockEvent(clock, event, at);
        fired = true;
      }
    }
    // Releasing a scheduled message changes nothing the read model shows: the mailer takes it.
    await releaseScheduled();
    if (state.stage === 'resolved' && state.reopenUntil && now() >= Date.parse(state.reopenUntil)) {
      close('system:reopen-window', Date.parse(state.reopenUntil));
      fired = true;
    }
    if (fired) await commit();

    if (workflowInfo().continueAsNewSuggested && !closed()) {
      // Idle means no handler running, no message being sent and the read model written; an
      // update may slip in while we wait for the write, so check again before leaving.
      const idle = () => allHandlersFinished() && !mailerBusy;
      do {
        await condition(idle);
        await syncing;
      } while (!idle());
      await continueAsNew<typeof disputeWorkflow>({ ...input, resume: state });
    }
  }

  // Messages about the closing (a withdrawal, say) still go out; nothing is sent after that.
  mailerStopping = true;
  await mailing;
  await condition(allHandlersFinished);
  await syncing;
  return view();
}

function newCase(input: DisputeInput): CaseState {
  return {
    caseId: input.caseId,
    customerId: input.customerId,
    cardId: input.cardId,
    transactionId: input.transactionId,
    amountCents: input.amountCents,
    currency: input.currency,
    reasonCode: input.reasonCode,
    openedBy: input.openedBy,
    openedAt: workflowInfo().startTime.toISOString(),
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
    timeline: [],
    version: 0,
  };
}

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/** Markdown shown as the workflow's current details in the Temporal UI: the case file's cover. */
function describe(state: CaseState, view: CaseView): string {
  const lines = [
    `**Stage:** ${state.stage}${state.networkPhase && state.stage === 'awaiting_network' ? ` (${state.networkPhase})` : ''}`,
    `**Department:** ${state.departmentId}`,
    `**Assignee:** ${state.assigneeId ?? `unassigned (${state.queue} queue)`}${state.escalated ? ' · escalated' : ''}`,
    `**Disputed:** ${money(state.amountCents, state.currency)} (${state.reasonCode})`,
  ];
  if (view.slaBreached) lines.push('**SLA breached**');
  if (view.pendingApproval) {
    const p = view.pendingApproval;
    lines.push(
      `**Pending approval:** ${p.outcome}, ${money(p.amountCents, state.currency)}, proposed by ${p.proposedBy}`,
    );
  }
  if (state.provisionalCredit)
    lines.push(
      `**Provisional credit:** ${money(state.provisionalCredit.amountCents, state.currency)} by ${state.provisionalCredit.grantedBy}`,
    );
  if (state.resolution)
    lines.push(`**Outcome:** ${state.resolution.outcome}, ${money(state.resolution.amountCents, state.currency)}`);
  if (state.reopenUntil && state.stage === 'resolved') lines.push(`**Reopen until:** ${state.reopenUntil}`);
  const live = view.clocks.filter((c) => c.endedAt === null);
  if (live.length) {
    return `${lines.join('  \n')}\n\n${table(live)}`;
  }
  return lines.join('  \n');
}

function table(clocks: CaseView['clocks']): string {
  const rows = clocks.map(
    (c) =>
      `| ${c.label} | ${c.status} | ${c.deadline ?? `paused, ${(c.remainingMs! / DAY_MS).toFixed(1)} days left`} |`,
  );
  return ['| Clock | Status | Deadline |', '| --- | --- | --- |', ...rows].join('\n');
}
