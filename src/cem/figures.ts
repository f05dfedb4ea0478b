/**
 * Computes the customer-experience figures of `definitions.ts` from the read model and the audit
 * log, for a time range and, optionally, one department. Each figure is a list of rows: its value
 * for all, then per group (see `FigureDefinition.by`), with the numerator and denominator where it
 * is a ratio, so every number can be checked against its definition.
 */
import type { Db } from '../db/client';
import { DAY_MS, HOUR_MS } from '../../workflows/domain/time';
import { AGE_BANDS, FIGURES, type FigureId } from './definitions';

export interface FigureRange {
  from: Date;
  to: Date;
  /** Only this department's cases; null for all. */
  departmentId: string | null;
}

export interface FigureRow {
  group: Record<string, string>;
  value: number | null;
  numerator?: number;
  denominator?: number;
}

export type Figures = Record<FigureId, FigureRow[]>;

const CLOSED_STAGES = ['resolved', 'closed'];
const WITHDRAWN = 'withdrawn';

export async function computeFigures(db: Db, range: FigureRange, now = new Date()): Promise<Figures> {
  const department = range.departmentId ? { departmentId: range.departmentId } : {};
  const within = { gte: range.from, lt: range.to };
  const [open, opened, resolved, breached, answers, contacts, care, decided, regulatory, staffEvents, held, trail] =
    await Promise.all([
      db.case.findMany({
        where: { ...department, stage: { notIn: CLOSED_STAGES } },
        select: { stage: true, departmentId: true, openedAt: true, slaNearAt: true },
      }),
      db.case.findMany({
        where: { ...department, openedAt: within },
        select: { id: true, departmentId: true, openedAt: true },
      }),
      db.case.findMany({
        where: { ...department, resolvedAt: within, NOT: { outcome: WITHDRAWN } },
        select: { id: true, departmentId: true, reasonCode: true, openedAt: true, resolvedAt: true },
      }),
      db.caseEvent.findMany({
        where: { type: 'sla_breached', case: { ...department, resolvedAt: within, NOT: { outcome: WITHDRAWN } } },
        select: { caseId: true },
        distinct: ['caseId'],
      }),
      db.surveyAnswer.findMany({
        where: { answeredAt: within, case: department },
        select: {
          satisfaction: true,
          recommend: true,
          case: { select: { departmentId: true, _count: { select: { outreachTasks: true } } } },
        },
      }),
      // Every customer contact on a case opened or resolved in the range, whenever it was made.
      db.caseEvent.findMany({
        where: {
          type: 'customer_contacted',
          case: { ...department, OR: [{ openedAt: within }, { resolvedAt: within }] },
        },
        select: { caseId: true, at: true },
      }),
      db.caseEvent.findMany({
        where: {
          type: { in: ['attrition_risk_changed', 'outreach_opened', 'outreach_completed', 'concession_granted'] },
          at: within,
          case: department,
        },
        select: { type: true, data: true, case: { select: { departmentId: true } } },
      }),
      db.case.findMany({
        where: { ...department, retentionDecidedAt: within },
        select: {
          departmentId: true,
          retentionOutcome: true,
          careVerdict: true,
          customer: { select: { lifetimeValueCents: true } },
          _count: { select: { outreachTasks: true } },
        },
      }),
      regulatoryDeadlines(db, range, department, now),
      // What staff did in the range, in order: the audit log's events by anyone but the system and customers.
      db.caseEvent.findMany({
        where: {
          at: within,
          case: department,
          NOT: [{ actor: { startsWith: 'system:' } }, { actor: { startsWith: 'customer:' } }],
        },
        select: { caseId: true, actor: true, type: true, at: true, data: true },
        orderBy: { at: 'asc' },
      }),
      db.case.groupBy({
        by: ['assigneeId'],
        where: { ...department, stage: { notIn: CLOSED_STAGES }, assigneeId: { not: null } },
        _count: { _all: true },
      }),
      journey(db, range),
    ]);

  const breachedIds = new Set(breached.map((e) => e.caseId));
  const days = resolved.map((c) => ({
    department: c.departmentId,
    reason: c.reasonCode,
    days: (c.resolvedAt!.getTime() - c.openedAt.getTime()) / DAY_MS,
    withinSla: !breachedIds.has(c.id),
  }));
  const surveyed = answers.map((a) => ({
    department: a.case.departmentId,
    outreach: a.case._count.outreachTasks > 0 ? 'yes' : 'no',
    satisfaction: a.satisfaction,
    recommend: a.recommend,
  }));

  const contactsOf = new Map<string, Date[]>();
  for (const c of contacts) {
    const list = contactsOf.get(c.caseId) ?? [];
    list.push(c.at);
    contactsOf.set(c.caseId, list);
  }
  const settled = now.getTime() - FCR_WINDOW_MS;
  const firstContact = resolved
    .filter((c) => c.resolvedAt!.getTime() <= settled)
    .map((c) => {
      const until = c.resolvedAt!.getTime() + FCR_WINDOW_MS;
      const chased = (contactsOf.get(c.id) ?? []).some((at) => at.getTime() <= until);
      return { department: c.departmentId, resolvedFirstTime: !chased };
    });
  const followed = opened.map((c) => ({ department: c.departmentId, contacts: contactsOf.get(c.id)?.length ?? 0 }));
  const careSteps = care.map((e) => ({ type: e.type, department: e.case.departmentId, data: JSON.parse(e.data) }));
  const step = (test: (e: (typeof careSteps)[number]) => boolean) => (rows: readonly (typeof careSteps)[number][]) => ({
    value: rows.filter(test).length,
  });
  const retention = decided.map((c) => ({
    department: c.departmentId,
    outreach: c._count.outreachTasks > 0 ? 'yes' : 'no',
    outcome: c.retentionOutcome,
    verdict: c.careVerdict,
    lifetimeValueCents: c.customer.lifetimeValueCents,
  }));
  // What concessions cost, and the lifetime value of the customers saved.
  const money = [
    ...careSteps
      .filter((e) => e.type === 'concession_granted')
      .map((e) => ({ department: e.department, spentCents: Number(e.data.valueCents ?? 0), keptCents: 0 })),
    ...retention
      .filter((r) => r.verdict === 'saved')
      .map((r) => ({ department: r.department, spentCents: 0, keptCents: r.lifetimeValueCents })),
  ];

  const rangeDays = (range.to.getTime() - range.from.getTime()) / DAY_MS;
  const firstActions = firstActionHours(staffEvents);

  return {
    open_cases: counted(open, (c) => ({
      stage: c.stage,
      department: c.departmentId,
      age: ageBand(now.getTime() - c.openedAt.getTime()),
    })),
    cases_opened: counted(opened, (c) => ({ day: dayOf(c.openedAt) })),
    cases_resolved: counted(resolved, (c) => ({ day: dayOf(c.resolvedAt!) })),
    resolution_days_median: grouped('resolution_days_median', days, (rows) =>
      value(
        percentile(
          rows.map((r) => r.days),
          0.5,
        ),
      ),
    ),
    resolution_days_p90: grouped('resolution_days_p90', days, (rows) =>
      value(
        percentile(
          rows.map((r) => r.days),
          0.9,
        ),
      ),
    ),
    sla_near_deadline: grouped(
      'sla_near_deadline',
      open.filter((c) => c.slaNearAt !== null).map((c) => ({ department: c.departmentId, near: c.slaNearAt! <= now })),
      (rows) => share(rows.filter((r) => r.near).length, rows.length),
    ),
    sla_compliance: grouped('sla_compliance', days, (rows) =>
      share(rows.filter((r) => r.withinSla).length, rows.length),
    ),
    csat: grouped('csat', surveyed, (rows) => share(rows.filter((r) => r.satisfaction >= 4).length, rows.length)),
    nps: grouped('nps', surveyed, (rows) => {
      const promoters = rows.filter((r) => r.recommend >= 9).length;
      const detractors = rows.filter((r) => r.recommend <= 6).length;
      return points(promoters - detractors, rows.length);
    }),
    regulatory_compliance: grouped('regulatory_compliance', regulatory, (rows) =>
      share(rows.filter((r) => r.met).length, rows.length),
    ),
    first_contact_resolution: grouped('first_contact_resolution', firstContact, (rows) =>
      share(rows.filter((r) => r.resolvedFirstTime).length, rows.length),
    ),
    cases_with_follow_ups: grouped('cases_with_follow_ups', followed, (rows) =>
      share(rows.filter((r) => r.contacts > 0).length, rows.length),
    ),
    follow_ups_per_case: grouped('follow_ups_per_case', followed, (rows) =>
      share(
        rows.reduce((sum, r) => sum + r.contacts, 0),
        rows.length,
      ),
    ),
    attrition_alerts: grouped(
      'attrition_alerts',
      careSteps,
      step((e) => e.type === 'attrition_risk_changed' && e.data.to === 'high'),
    ),
    outreach_opened: grouped(
      'outreach_opened',
      careSteps,
      step((e) => e.type === 'outreach_opened'),
    ),
    outreach_reached: grouped(
      'outreach_reached',
      careSteps,
      step((e) => e.type === 'outreach_completed' && e.data.reached === true),
    ),
    offers_made: grouped(
      'offers_made',
      careSteps,
      step((e) => e.type === 'outreach_completed' && e.data.offer != null),
    ),
    offers_accepted: grouped(
      'offers_accepted',
      careSteps,
      step((e) => e.type === 'outreach_completed' && e.data.offer?.response === 'accepted'),
    ),
    saves: grouped('saves', retention, (rows) => ({ value: rows.filter((r) => r.verdict === 'saved').length })),
    losses: grouped('losses', retention, (rows) => ({
      value: rows.filter((r) => r.verdict === 'lost' && r.outreach === 'yes').length,
    })),
    retention_after_resolution: grouped('retention_after_resolution', retention, (rows) => {
      const known = rows.filter((r) => r.outcome === 'retained' || r.outcome === 'lost');
      return share(known.filter((r) => r.outcome === 'retained').length, known.length);
    }),
    concessions_cost: grouped('concessions_cost', money, (rows) =>
      share(
        rows.reduce((sum, r) => sum + r.spentCents, 0),
        rows.reduce((sum, r) => sum + r.keptCents, 0),
      ),
    ),
    ...trail,
    agent_open_cases: held
      .map((h) => ({ group: { agent: h.assigneeId! }, value: h._count._all }))
      .sort((a, b) => a.group.agent.localeCompare(b.group.agent)),
    agent_actions_per_day: counted(staffEvents, (e) => ({ agent: e.actor })).map((r) => ({
      ...r,
      ...share(r.value!, rangeDays),
    })),
    agent_first_action_hours: [...firstActions.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([agent, hours]) => ({ group: { agent }, ...value(percentile(hours, 0.5)) })),
  };
}

/**
 * For each member of staff, the hours from each assignment to them (in the events given, in time
 * order) to their next event on the case; assignments not acted on are left out.
 */
function firstActionHours(events: readonly { caseId: string; actor: string; type: string; at: Date; data: string }[]) {
  const waiting = new Map<string, { agent: string; since: number }>();
  const hours = new Map<string, number[]>();
  for (const e of events) {
    const assigned = waiting.get(e.caseId);
    if (assigned && e.actor === assigned.agent && e.at.getTime() > assigned.since) {
      hours.set(assigned.agent, [...(hours.get(assigned.agent) ?? []), (e.at.getTime() - assigned.since) / HOUR_MS]);
      waiting.delete(e.caseId);
    }
    if (e.type === 'assigned') {
      const { to } = JSON.parse(e.data) as { to: string };
      waiting.set(e.caseId, { agent: to, since: e.at.getTime() });
    }
  }
  return hours;
}

type JourneyFigures = Record<
  'journey_wait_days' | 'journey_chases' | 'journey_alerts' | 'journey_outreach' | 'journey_losses',
  FigureRow[]
>;

/**
 * The journey: for each stage and department, how long cases sat there and what began while they
 * did, from the stays the read-model sync keeps and the place stamped on each event. The
 * department filter is where the case sat, not where it is now.
 */
async function journey(db: Db, range: FigureRange): Promise<JourneyFigures> {
  const within = { gte: range.from, lt: range.to };
  const there = range.departmentId ? { departmentId: range.departmentId } : {};
  const [stays, touches, lossAlerts] = await Promise.all([
    db.caseStay.findMany({
      where: { ...there, leftAt: within, stage: { notIn: CLOSED_STAGES } },
      select: { stage: true, departmentId: true, enteredAt: true, leftAt: true },
    }),
    db.caseEvent.findMany({
      where: {
        ...there,
        type: { in: ['customer_contacted', 'attrition_risk_changed', 'outreach_opened'] },
        at: within,
        stage: { not: null },
      },
      select: { type: true, stage: true, departmentId: true, data: true },
    }),
    // Every alert on a case lost in the range, first first: where its first alert rang is where the loss began.
    db.caseEvent.findMany({
      where: {
        type: 'attrition_risk_changed',
        stage: { not: null },
        case: { retentionDecidedAt: within, retentionOutcome: 'lost' },
      },
      select: { caseId: true, stage: true, departmentId: true, data: true },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    }),
  ]);
  const place = (row: { stage: string | null; departmentId: string | null }) => ({
    stage: row.stage!,
    department: row.departmentId!,
  });
  const rose = (e: { data: string }) => (JSON.parse(e.data) as { to?: string }).to === 'high';
  const began = new Map<string, { stage: string; department: string }>();
  for (const alert of lossAlerts.filter(rose)) if (!began.has(alert.caseId)) began.set(alert.caseId, place(alert));
  const losses = [...began.values()].filter((p) => !range.departmentId || p.department === range.departmentId);
  const byPlace = (type: string, test: (e: (typeof touches)[number]) => boolean = () => true) =>
    counted(
      touches.filter((e) => e.type === type && test(e)),
      place,
    );

  return {
    journey_wait_days: medians(
      stays.map((s) => ({ group: place(s), value: (s.leftAt!.getTime() - s.enteredAt.getTime()) / DAY_MS })),
    ),
    journey_chases: byPlace('customer_contacted'),
    journey_alerts: byPlace('attrition_risk_changed', rose),
    journey_outreach: byPlace('outreach_opened'),
    journey_losses: counted(losses, (p) => p),
  };
}

/** After a resolution, how long a customer contact still counts against first contact resolution. */
const FCR_WINDOW_MS = 30 * DAY_MS;
/** The longest a regulatory clock runs (Reg Z: two billing cycles, at most 90 days), with margin. */
const LONGEST_REGULATORY_CLOCK_MS = 120 * DAY_MS;

/** Each regulatory deadline due in the range (and before now), by its rule, and whether it was met. */
async function regulatoryDeadlines(
  db: Db,
  range: FigureRange,
  department: { departmentId?: string },
  now: Date,
): Promise<{ rule: string; met: boolean }[]> {
  const notWithdrawn = { ...department, OR: [{ outcome: null }, { outcome: { not: WITHDRAWN } }] };
  const dueUntil = Math.min(range.to.getTime(), now.getTime());
  const [started, passed] = await Promise.all([
    db.caseEvent.findMany({
      where: {
        type: 'regulatory_clocks_started',
        at: { gte: new Date(range.from.getTime() - LONGEST_REGULATORY_CLOCK_MS), lt: range.to },
        case: notWithdrawn,
      },
      select: { caseId: true, data: true },
    }),
    db.caseEvent.findMany({
      where: { type: 'regulatory_deadline_passed', at: { gte: range.from, lt: range.to }, case: notWithdrawn },
      select: { caseId: true, data: true },
    }),
  ]);
  const missed = new Set(passed.map((e) => `${e.caseId} ${(JSON.parse(e.data) as { clock: string }).clock}`));
  return started.flatMap((e) =>
    (JSON.parse(e.data) as { clocks: { id: string; deadline: string | null }[] }).clocks
      .filter((c) => c.deadline !== null)
      .filter((c) => Date.parse(c.deadline!) >= range.from.getTime() && Date.parse(c.deadline!) < dueUntil)
      .map((c) => ({ rule: c.id, met: !missed.has(`${e.caseId} ${c.id}`) })),
  );
}

type Measure = Omit<FigureRow, 'group'>;

/** A row per combination of the keys `groupOf` gives, with how many items have it, in key order. */
function counted<T>(items: readonly T[], groupOf: (item: T) => Record<string, string>): FigureRow[] {
  const rows = new Map<string, FigureRow>();
  for (const item of items) {
    const group = groupOf(item);
    const key = JSON.stringify(group);
    const row = rows.get(key) ?? { group, value: 0 };
    row.value = row.value! + 1;
    rows.set(key, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
}

/** A row per group with the median (nearest rank) of its values, in key order. */
function medians(items: readonly { group: Record<string, string>; value: number }[]): FigureRow[] {
  const values = new Map<string, { group: Record<string, string>; values: number[] }>();
  for (const { group, value } of items) {
    const key = JSON.stringify(group);
    const entry = values.get(key) ?? { group, values: [] };
    entry.values.push(value);
    values.set(key, entry);
  }
  return [...values.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, { group, values }]) => ({ group, ...value(percentile(values, 0.5)) }));
}

/** The figure for all items, then for the items of each value of each of the figure's `by` keys. */
function grouped<T extends Record<string, unknown>>(
  figure: FigureId,
  items: readonly T[],
  measure: (items: readonly T[]) => Measure,
): FigureRow[] {
  const rows: FigureRow[] = [{ group: {}, ...measure(items) }];
  for (const key of FIGURES[figure].by) {
    const values = [...new Set(items.map((item) => String(item[key])))].sort();
    for (const v of values) rows.push({ group: { [key]: v }, ...measure(items.filter((i) => String(i[key]) === v)) });
  }
  return rows;
}

const value = (v: number | null): Measure => ({ value: v === null ? null : round(v) });
const share = (numerator: number, denominator: number): Measure => ({
  value: denominator ? round(numerator / denominator) : null,
  numerator,
  denominator,
});
const points = (numerator: number, denominator: number): Measure => ({
  value: denominator ? round((100 * numerator) / denominator) : null,
  numerator,
  denominator,
});
const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** The nearest-rank percentile: the smallest value at least `p` of the values are at or below. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function ageBand(ageMs: number): string {
  const days = Math.floor(ageMs / DAY_MS);
  return [...AGE_BANDS].reverse().find((band) => days >= band.fromDays)!.label;
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);
