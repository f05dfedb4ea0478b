/**
 * The case's clocks at work: SLA clocks per stage and department, regulatory clocks from intake
 * to resolution, and what each does when it warns, acts or passes its deadline. The arithmetic
 * is in domain/clocks.ts; this is where the case reacts to it.
 */
import {
  deadlineOf,
  dueEvents,
  endClock,
  nextEvent,
  pauseClock,
  resumeClock,
  startClock,
  usedShareAt,
  viewClock,
  type Clock,
  type ClockEvent,
  type ClockView,
} from '../domain/clocks';
import { findSlaPolicy, slaClockSpec, type CaseContext } from '../domain/case-policy';
import { regulatoryClockSpecs, RESOLUTION_CLOCKS } from '../domain/regulations';
import type { DisputeCase } from './case';
import type { CaseStage } from '../domain/case';

/** An SLA clock this far through its time counts as near its deadline (the managers' "over 80%"). */
export const SLA_NEAR_SHARE = 0.8;

/** Something the case must do by itself at `at`, named for its timer in the Temporal UI. */
export interface WakeUp {
  at: number;
  summary: string;
}

export interface DueEvent {
  clock: Clock;
  event: ClockEvent;
  at: number;
}

const BREACH_EVENTS = {
  sla: 'sla_breached',
  regulatory: 'regulatory_deadline_passed',
  network: 'network_deadline_passed',
} as const satisfies Record<Clock['kind'], string>;

export class CaseClocks {
  constructor(private readonly c: DisputeCase) {}

  private get all(): Clock[] {
    return this.c.state.clocks;
  }

  /** Starts the regulatory clocks, which run from the moment the case was opened. */
  startRegulatory(context: CaseContext, openedAt: number): void {
    for (const spec of regulatoryClockSpecs(context.facts, openedAt, context.policy.regulatoryLeadHours)) {
      this.all.push(startClock(spec, openedAt));
    }
  }

  startSla(stage: CaseStage): void {
    const { state } = this.c;
    const context = state.context!;
    const policy = findSlaPolicy(context.policy.slaPolicies, stage, state.departmentId, context.tier);
    const spec = slaClockSpec(policy, stage, state.departmentId, ++state.clockSerial);
    if (spec) this.all.push(startClock(spec, this.c.now()));
  }

  /** A card-network window, in calendar time to a fixed instant. */
  startNetwork(spec: {
    id: string;
    label: string;
    deadline: number;
    warnBeforeMs: number | null;
    action: 'acquirer_silent' | null;
  }): void {
    const now = this.c.now();
    const { id, label, deadline, warnBeforeMs, action } = spec;
    this.all.push(
      startClock(
        { id, kind: 'network', label, basis: 'calendar', budgetMs: Math.max(0, deadline - now), warnBeforeMs, action },
        now,
      ),
    );
  }

  /** Stops a clock by its id, if it runs. */
  end(clockId: string, reason: string): void {
    const clock = this.all.find((c) => c.id === clockId);
    if (clock) endClock(clock, this.c.now(), reason, this.c.holidays());
  }

  endSla(stage: CaseStage, reason: string): void {
    const clock = this.liveSla(stage);
    if (clock) endClock(clock, this.c.now(), reason, this.c.holidays());
  }

  /** Waiting on someone pauses the investigation SLA: always for third parties, by policy for the customer. */
  pauseInvestigation(forCustomer: boolean): void {
    const clock = this.liveSla('investigation');
    if (!clock) return;
    const { state } = this.c;
    const context = state.context!;
    const policy = findSlaPolicy(context.policy.slaPolicies, 'investigation', state.departmentId, context.tier);
    if (!forCustomer || policy?.pausedWhileAwaitingCustomer) pauseClock(clock, this.c.now(), this.c.holidays());
  }

  resumeInvestigation(): void {
    const clock = this.liveSla('investigation');
    if (clock) resumeClock(clock, this.c.now());
  }

  /** A requirement was met in time (or late): its clock stops. */
  meet(clockId: string, at: number): void {
    const clock = this.all.find((c) => c.id === clockId);
    if (clock) endClock(clock, at, 'met', this.c.holidays());
  }

  endAll(reason: string): void {
    for (const clock of this.all) endClock(clock, this.c.now(), reason, this.c.holidays());
  }

  slaBreached(): boolean {
    return this.all.some((c) => c.kind === 'sla' && c.endedAt === null && c.breachedAt !== null);
  }

  /** When the running SLA clock has used 80% of its time, or null when none runs. */
  slaNearAt(): string | null {
    const clock = this.all.find((c) => c.kind === 'sla' && c.endedAt === null && c.runningSince !== null);
    const at = clock ? usedShareAt(clock, SLA_NEAR_SHARE, this.c.holidays()) : null;
    return at === null ? null : new Date(at).toISOString();
  }

  /** The regulatory date by which the case must be resolved, for the customer's messages. */
  resolveBy(): string | null {
    const clock = this.all.find((c) => RESOLUTION_CLOCKS.includes(c.id) && c.endedAt === null);
    const deadline = clock ? deadlineOf(clock, this.c.holidays()) : null;
    return deadline === null ? null : new Date(deadline).toISOString();
  }

  /** The earliest deadline of a running clock of a kind (any when absent). */
  nextDeadline(kind?: Clock['kind']): string | null {
    const deadlines = this.all
      .filter((c) => kind === undefined || c.kind === kind)
      .map((c) => deadlineOf(c, this.c.holidays()))
      .filter((d): d is number => d !== null);
    return deadlines.length ? new Date(Math.min(...deadlines)).toISOString() : null;
  }

  /** Every clock as people read it, live ones first. */
  views(): ClockView[] {
    const live = (c: Clock) => (c.endedAt === null ? 0 : 1);
    return [...this.all].sort((a, b) => live(a) - live(b)).map((c) => viewClock(c, this.c.holidays()));
  }

  wakeUps(): WakeUp[] {
    return this.all.flatMap((clock) => {
      const next = nextEvent(clock, this.c.holidays());
      if (!next) return [];
      const what = next.event === 'act' ? clock.action : next.event === 'warn' ? 'warning' : 'deadline';
      return [{ at: next.at, summary: `${clock.label}: ${what}` }];
    });
  }

  /** Clock events that have fallen due, each found after the one before it has been fired. */
  *dueEvents(): Generator<DueEvent> {
    for (const clock of this.all) {
      for (const { event, at } of dueEvents(clock, this.c.now(), this.c.holidays())) {
        // An earlier event in this pass (or an action) may have ended the clock.
        if (clock.endedAt !== null) break;
        yield { clock, event, at };
      }
    }
  }

  private liveSla(stage: CaseStage): Clock | undefined {
    return this.all.find((c) => c.kind === 'sla' && c.stage === stage && c.endedAt === null);
  }

  /** Warns, acts or breaches, as the clock's event says. */
  async fire({ clock, event, at }: DueEvent): Promise<void> {
    const { c } = this;
    const deadline = deadlineOf(clock, c.holidays());
    const data = {
      clock: clock.id,
      label: clock.label,
      deadline: deadline === null ? null : new Date(deadline).toISOString(),
    };
    const system = `system:${clock.id}`;
    const caseId = c.state.caseId;
    if (event === 'warn') {
      clock.warnedAt = at;
      const e = c.record(clock.kind === 'network' ? 'network_deadline_warning' : 'sla_warning', system, data, at);
      await c.alert(
        e,
        e.type,
        `${clock.label} for case ${caseId} runs out at ${data.deadline}.`,
        c.state.assigneeId === null,
      );
    } else if (event === 'breach') {
      clock.breachedAt = at;
      const e = c.record(BREACH_EVENTS[clock.kind], system, data, at);
      const previous = c.state.assigneeId;
      // A missed SLA or network deadline is the supervisors' now; a regulatory one acted before it passed.
      if (clock.kind !== 'regulatory') c.toSupervisorQueue();
      await c.alert(
        e,
        e.type,
        `${clock.label} for case ${caseId} passed at ${data.deadline}; the case is in the supervisor queue.`,
        true,
        previous,
      );
    } else {
      clock.actedAt = at;
      await this.act(clock, system, data, at);
    }
  }

  /** A regulatory clock about to pass its deadline does what the regulation requires. */
  private async act(clock: Clock, system: string, data: Record<string, unknown>, at: number): Promise<void> {
    const { c } = this;
    const { state } = c;
    switch (clock.action) {
      case 'grant_provisional_credit':
        if (!state.provisionalCredit) await c.grantProvisionalCredit(state.amountCents, system, at);
        break;
      case 'acknowledge': {
        // The intake acknowledgement has not gone out: try again before the deadline passes.
        if (state.acknowledged || state.notices.some((n) => n.template === 'acknowledgement')) break;
        const event = c.record('acknowledgement_resent', system, data, at);
        c.notifier.notifyAcknowledgement(`${state.caseId}:acknowledgement:${event.seq}`);
        break;
      }
      case 'acquirer_silent':
        await c.network.acquirerSilent(clock, at);
        break;
      case 'escalate': {
        const e = c.record('regulatory_escalation', system, data, at);
        const previous = state.assigneeId;
        if (state.queue !== 'supervisors' || state.assigneeId !== null) c.toSupervisorQueue();
        await c.alert(
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
}
