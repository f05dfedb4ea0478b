/**
 * The dispute workflow's side effects on the database. Each is idempotent: a retry after a
 * crash or a timeout writes nothing twice (events, alerts and adjustments have keys derived
 * from the case and the timeline sequence; the read model only moves to a newer version).
 */
import Holidays from 'date-holidays';
import type { Db } from '../src/db/client';
import type { Prisma } from '../src/db/generated/sqlite/client';
import { countCaseEvents } from '../src/metrics/registry';
import { refreshFacts, STALE_FACTS } from '../src/cem/rollup';
import {
  DEFAULT_CASE_SETTINGS,
  statusUpdateDays,
  type CaseContext,
  type CaseSettings,
  type CustomerTier,
} from '../workflows/domain/case-policy';
import { formatMoney } from '../workflows/domain/money';
import { matchRoute, matchWriteOff } from '../workflows/domain/routing';
import { CARD_PRESENT_CHANNELS, networkRules } from '../workflows/domain/network-rules';
import { DAY_MS } from '../workflows/domain/time';
import { isLiveOutreach, type AttritionRisk, type Outreach } from '../workflows/domain/care';
import { INTAKE_DEPARTMENT, type CasePriority, type CaseStage } from '../workflows/domain/case';
import type { TimelineEvent } from '../workflows/dispute/messages';

export interface CaseActivityDeps {
  db: Db;
  /** Case settings that do not live in tables; unset ones take the defaults. */
  policy?: Partial<CaseSettings>;
  /** The date-holidays country whose public holidays are bank holidays. */
  holidayCalendar?: string;
}

export interface LoadCaseContextInput {
  caseId: string;
  customerId: string;
  cardId: string;
  transactionId: string;
  reasonCode: string;
  amountCents: number;
  openedAt: string;
}

/** The read-model columns the workflow owns. */
export interface CaseSnapshot {
  stage: CaseStage;
  departmentId: string;
  assigneeId: string | null;
  queue: string;
  escalated: boolean;
  slaBreached: boolean;
  attritionRisk: AttritionRisk;
  priority: CasePriority;
  nextDeadlineAt: string | null;
  /** When the running SLA clock reaches 80% of its time; absent from writes scheduled before it was kept. */
  slaNearAt?: string | null;
  provisionalCreditCents: number | null;
  resolvedAmountCents: number | null;
  outcome: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
}

/** The outreach columns the workflow owns. */
export type OutreachSnapshot = Pick<Outreach, 'id' | 'status' | 'assigneeId' | 'offerRequest' | 'outcome'>;

/** An event with where the case sat when it happened (absent on events recorded before this was kept). */
export interface PlacedEvent extends TimelineEvent {
  stage?: CaseStage;
  departmentId?: string;
}

/** The case came to sit in this stage and department at `at`. */
export interface PlaceEntered {
  stage: CaseStage;
  departmentId: string;
  at: string;
}

export interface SyncCaseInput {
  caseId: string;
  version: number;
  snapshot: CaseSnapshot;
  /** Absent in activities scheduled before care outreach existed. */
  outreach?: OutreachSnapshot[];
  events: PlacedEvent[];
  /** The moves since the last write, in order; absent in activities scheduled before stays were kept. */
  moves?: PlaceEntered[];
}

export interface AlertStaffInput {
  /** Unique per logical alert; each recipient gets it once. */
  key: string;
  caseId: string;
  kind: string;
  message: string;
  staffIds: string[];
  /** Also alert every active supervisor of this department. */
  supervisorsOf: string | null;
}

export interface PostAdjustmentInput {
  key: string;
  cardId: string;
  /** Positive credits the customer; negative takes a credit back. */
  creditCents: number;
  description: string;
  at: string;
}

const NEW_ACCOUNT_MS = 30 * DAY_MS;

/** A case's `dueAt` while no clock runs: after every real deadline (the schema's default). */
export const NO_DEADLINE = new Date('9999-12-31T00:00:00Z');

/** Puts one alert in each recipient's work queue, once per key and recipient (retries write nothing twice). */
export async function putAlerts(
  db: Db,
  alert: { key: string; caseId: string; kind: string; message: string },
  staffIds: string[],
): Promise<void> {
  const { key, caseId, kind, message } = alert;
  for (const staffId of new Set(staffIds)) {
    const idempotencyKey = `${key}:${staffId}`;
    await db.staffAlert.upsert({
      where: { idempotencyKey },
      update: {},
      create: { id: idempotencyKey, idempotencyKey, staffId, caseId, kind, message },
    });
  }
}

/** The events after which a resolution no longer waits for approval. */
const APPROVAL_DECIDED: readonly string[] = ['resolution_approved', 'resolution_rejected', 'withdrawn', 'transferred'];

/**
 * A move: the stay before it ends, and one begins. Two moves at one instant leave one stay, in the
 * later place (a case that passed through a stage in no time did not wait there). Each write is
 * idempotent, and a stay's place changes only to a newer version's, so a retry changes nothing.
 */
function stayWrites(db: Db, caseId: string, version: number, { stage, departmentId, at }: PlaceEntered) {
  const enteredAt = new Date(at);
  return [
    db.caseStay.updateMany({
      where: { caseId, leftAt: null, enteredAt: { lt: enteredAt } },
      data: { leftAt: enteredAt },
    }),
    db.caseStay.upsert({
      where: { caseId_enteredAt: { caseId, enteredAt } },
      update: {},
      create: { caseId, stage, departmentId, enteredAt, version },
    }),
    db.caseStay.updateMany({
      where: { caseId, enteredAt, version: { lt: version } },
      data: { stage, departmentId, version },
    }),
  ];
}

/**
 * What an event tells the figures' read models: a regulatory deadline set or passed, a case
 * assigned, or an assignee's first action on it. Each write is idempotent and conditional, so a
 * retry, or a late one, changes nothing.
 */
export function figureFactWrites(db: Db, caseId: string, { type, actor, at: iso, data }: TimelineEvent) {
  const at = new Date(iso);
  const writes: Prisma.PrismaPromise<unknown>[] = [];
  // A member of staff who acts may be the assignee acting for the first time (the system and
  // customers are never assigned a case: their events, most of a case's, write nothing here).
  if (!actor.startsWith('system:') && !actor.startsWith('customer:')) {
    writes.push(
      db.caseAssignment.updateMany({
        where: { caseId, agentId: actor, actedAt: null, passedAt: null, assignedAt: { lt: at } },
        data: { actedAt: at },
      }),
    );
  }
  const to = type === 'assigned' ? (data as { to?: string | null }).to : null;
  if (to) {
    writes.push(
      db.caseAssignment.updateMany({
        where: { caseId, actedAt: null, passedAt: null, assignedAt: { lt: at } },
        data: { passedAt: at },
      }),
      db.caseAssignment.upsert({
        where: { caseId_assignedAt: { caseId, assignedAt: at } },
        update: {},
        create: { caseId, agentId: to, assignedAt: at },
      }),
    );
  }
  if (type === 'regulatory_clocks_started') {
    const { clocks } = data as { clocks: { id: string; deadline: string | null }[] };
    for (const clock of clocks.filter((c) => c.deadline !== null))
      writes.push(
        db.regulatoryDeadline.upsert({
          where: { caseId_rule: { caseId, rule: clock.id } },
          update: {},
          create: { caseId, rule: clock.id, dueAt: new Date(clock.deadline!) },
        }),
      );
  }
  if (type === 'regulatory_deadline_passed') {
    const { clock } = data as { clock: string };
    writes.push(
      db.regulatoryDeadline.updateMany({ where: { caseId, rule: clock, passedAt: null }, data: { passedAt: at } }),
    );
  }
  return writes;
}

/**
 * A proposed resolution waits for a second person: the department's supervisors (but the proposer)
 * are alerted, and the alert is marked read for all of them once the proposal is decided. Done with
 * the read model, from the events it writes, so cases already running get it too.
 */
async function approvalAlerts(db: Db, caseId: string, snapshot: CaseSnapshot, events: TimelineEvent[]): Promise<void> {
  for (const event of events.filter((e) => e.type === 'resolution_proposed')) {
    const { outcome, amountCents } = event.data as { outcome: string; amountCents: number };
    const supervisors = await db.staff.findMany({
      where: { departmentId: snapshot.departmentId, role: 'supervisor', active: true, id: { not: event.actor } },
      select: { id: true },
    });
    const message = `${event.actor} proposes ${outcome} crediting ${formatMoney(amountCents)} on case ${caseId}; it waits for your approval.`;
    const alert = { key: `${caseId}:${event.seq}`, caseId, kind: 'approval_pending', message };
    await putAlerts(
      db,
      alert,
      supervisors.map((s) => s.id),
    );
  }
  if (events.some((e) => APPROVAL_DECIDED.includes(e.type))) {
    await db.staffAlert.updateMany({
      where: { caseId, kind: 'approval_pending', readAt: null },
      data: { readAt: new Date() },
    });
  }
}

export function caseActivities({ db, policy = {}, holidayCalendar = 'US' }: CaseActivityDeps) {
  const settings: CaseSettings = { ...DEFAULT_CASE_SETTINGS, ...policy };
  // A calendar's public holidays of a year never change; computing them costs milliseconds per case.
  const library = new Holidays(holidayCalendar);
  const holidaysOf = new Map<number, string[]>();
  const publicHolidays = (year: number): string[] => {
    let dates = holidaysOf.get(year);
    if (!dates) {
      dates = library
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10));
      holidaysOf.set(year, dates);
    }
    return dates;
  };
  return {
    /** Everything the case is held to, read once at intake: tier, regulation facts, route, policy. */
    async loadCaseContext(input: LoadCaseContextInput): Promise<CaseContext> {
      const [customer, card, transaction, rules, slaPolicies, closures, writeOffs] = await Promise.all([
        db.customer.findUniqueOrThrow({
          where: { id: input.customerId },
          select: { tier: true, statusUpdateIntervalDays: true },
        }),
        db.card.findUniqueOrThrow({ where: { id: input.cardId } }),
        db.cardTransaction.findUniqueOrThrow({ where: { id: input.transactionId } }),
        db.routingRule.findMany(),
        db.slaPolicy.findMany(),
        db.holiday.findMany({ where: { calendar: holidayCalendar } }),
        db.writeOffRule.findMany(),
      ]);
      const tier = customer.tier as CustomerTier;
      const rule = matchRoute(
        rules.map((r) => ({ ...r, tier: r.tier as CustomerTier | null })),
        { reasonCode: input.reasonCode, tier, amountCents: input.amountCents },
      );
      const writeOff = matchWriteOff(
        writeOffs.map((r) => ({ ...r, tier: r.tier as CustomerTier | null })),
        { reasonCode: input.reasonCode, tier, amountCents: input.amountCents },
      );
      const year = new Date(input.openedAt).getUTCFullYear();
      // Two years covers the longest life of a case (90-day clocks plus the reopen window).
      const holidays = [year, year + 1]
        .flatMap(publicHolidays)
        .concat(closures.map((c) => c.date.toISOString().slice(0, 10)));
      return {
        tier,
        network: {
          network: card.network,
          rulesVersion: networkRules(card.network).version,
          processedAt: transaction.postedAt.toISOString(),
          cardPresent: CARD_PRESENT_CHANNELS.includes(transaction.channel),
        },
        facts: {
          cardType: card.type,
          pointOfSale: transaction.channel === 'pos',
          foreign: transaction.country !== 'US',
          newAccount: transaction.postedAt.getTime() - card.openedAt.getTime() < NEW_ACCOUNT_MS,
          statementDay: card.statementDay,
        },
        writeOff: writeOff && { ruleId: writeOff.id, description: writeOff.description },
        route: rule
          ? { departmentId: rule.departmentId, ruleId: rule.id, description: rule.description }
          : {
              departmentId: INTAKE_DEPARTMENT,
              ruleId: null,
              description: 'no routing rule matched; the case stays with intake',
            },
        policy: {
          reopenWindowDays: settings.reopenWindowDays,
          directResolveLimitCents: settings.directResolveLimitCents,
          regulatoryLeadHours: settings.regulatoryLeadHours,
          statusUpdateDays: statusUpdateDays(customer.statusUpdateIntervalDays, settings),
          notificationAttempts: settings.notificationAttempts,
          surveyDelayHours: settings.surveyDelayHours,
          attritionWatch: settings.attritionWatch,
          slaPolicies: slaPolicies.map(
            ({ stage, departmentId, tier, businessDays, warnBusinessDaysBefore, pausedWhileAwaitingCustomer }) => ({
              stage,
              departmentId,
              tier: tier as CustomerTier | null,
              businessDays,
              warnBusinessDaysBefore,
              pausedWhileAwaitingCustomer,
            }),
          ),
          holidays: [...new Set(holidays)].sort(),
        },
      };
    },

    /** Appends timeline events to the audit log and moves the read model to `version`. */
    async syncCase({ caseId, version, snapshot, outreach = [], events, moves = [] }: SyncCaseInput): Promise<void> {
      const date = (iso: string | null) => (iso === null ? null : new Date(iso));
      const [caseWritten] = await db.$transaction([
        db.case.updateMany({
          where: { id: caseId, version: { lt: version } },
          data: {
            ...snapshot,
            priority: snapshot.priority === 'high' ? 1 : 0,
            nextDeadlineAt: date(snapshot.nextDeadlineAt),
            dueAt: date(snapshot.nextDeadlineAt) ?? NO_DEADLINE,
            slaNearAt: snapshot.slaNearAt === undefined ? undefined : date(snapshot.slaNearAt),
            resolvedAt: date(snapshot.resolvedAt),
            closedAt: date(snapshot.closedAt),
            version,
            ...STALE_FACTS,
          },
        }),
        ...events.map((e) =>
          db.caseEvent.upsert({
            where: { caseId_eventKey: { caseId, eventKey: String(e.seq) } },
            update: {},
            create: {
              caseId,
              eventKey: String(e.seq),
              type: e.type,
              actor: e.actor,
              at: new Date(e.at),
              data: JSON.stringify(e.data),
              stage: e.stage,
              departmentId: e.departmentId,
            },
          }),
        ),
        ...moves.flatMap((move) => stayWrites(db, caseId, version, move)),
        ...events.flatMap((event) => figureFactWrites(db, caseId, event)),
        ...outreach.map((o) =>
          db.outreachTask.updateMany({
            where: { id: o.id, version: { lt: version } },
            data: {
              status: o.status,
              assigneeId: o.assigneeId,
              offerRequest: o.offerRequest && JSON.stringify(o.offerRequest),
              outcome: o.outcome && JSON.stringify(o.outcome),
              closedAt: isLiveOutreach(o) ? null : o.outcome ? new Date(o.outcome.at) : new Date(),
              version,
            },
          }),
        ),
      ]);
      // Counted once: a retry of a write that landed finds the version taken and moves nothing.
      if (caseWritten.count > 0) countCaseEvents(events, snapshot.departmentId);
      await refreshFacts(db, [caseId]);
      await approvalAlerts(db, caseId, snapshot, events);
    },

    /** Puts an alert in each recipient's work queue, once per key and recipient. */
    async alertStaff({ key, caseId, kind, message, staffIds, supervisorsOf }: AlertStaffInput): Promise<void> {
      const supervisors = supervisorsOf
        ? await db.staff.findMany({
            where: { departmentId: supervisorsOf, role: 'supervisor', active: true },
            select: { id: true },
          })
        : [];
      await putAlerts(db, { key, caseId, kind, message }, [...staffIds, ...supervisors.map((s) => s.id)]);
    },

    /** Books a credit (or its reversal) on the card as an adjustment transaction, once per key. */
    async postAdjustment({ key, cardId, creditCents, description, at }: PostAdjustmentInput): Promise<void> {
      const id = `adj-${key}`;
      await db.cardTransaction.upsert({
        where: { id },
        update: {},
        create: {
          id,
          cardId,
          postedAt: new Date(at),
          amountCents: -creditCents,
          merchant: description,
          mcc: '0000',
          channel: 'adjustment',
        },
      });
    },
  };
}
