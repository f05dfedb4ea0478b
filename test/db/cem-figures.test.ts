/**
 * The customer-experience figures on a known read model: every value equals the one computed by
 * hand below, the definitions in METRICS.md and in the code are the same, the JSON and the CSV
 * agree, and each role reads what the access table gives it.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { figureFactWrites } from '../../activities/cases';
import { seed } from '../../prisma/seed';
import type { TimelineEvent } from '../../workflows/dispute/messages';
import { createApp } from '../../src/api/app';
import { issueToken } from '../../src/auth/tokens';
import { FIGURES } from '../../src/cem/definitions';
import { computeFigures, percentile, REFRESHED_BY_A_REQUEST, type Figures } from '../../src/cem/figures';
import { FiguresRebuilding, refreshFacts, refreshStaleFacts, staleCases, STALE_FACTS } from '../../src/cem/rollup';
import type { Db } from '../../src/db/client';
import { ROOT } from '../../src/db/target';
import { createDb } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { emptyPostgres, migratedSqlite, TEST_DATABASE_URL } from '../helpers/db';
import { accessible, launchChromium, shoot } from '../helpers/browser';
import { shown } from '../../src/api/console/dashboard';

const NOW = new Date('2026-06-30T12:00:00Z');
const RANGE = { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-07-01T00:00:00Z'), departmentId: null };
const at = (day: string) => new Date(`2026-${day}T00:00:00Z`);

/**
 * The cases, by hand: A and B in fraud, C, D, E in merchant disputes, resolved in June (D withdrawn);
 * F, G and H still open. B breached an SLA. A, B, C and E answered the survey; B and E had an outreach.
 */
const CASES = [
  {
    id: 'A',
    dept: 'fraud',
    reason: 'unrecognized',
    opened: '06-01',
    resolved: '06-03',
    outcome: 'customer_favour',
    stage: 'closed',
  },
  {
    id: 'B',
    dept: 'fraud',
    reason: 'unrecognized',
    opened: '06-02',
    resolved: '06-12',
    outcome: 'merchant_favour',
    stage: 'closed',
  },
  {
    id: 'C',
    dept: 'merchant-disputes',
    reason: 'not_received',
    opened: '06-05',
    resolved: '06-09',
    outcome: 'partial',
    stage: 'resolved',
  },
  {
    id: 'D',
    dept: 'merchant-disputes',
    reason: 'not_received',
    opened: '06-10',
    resolved: '06-11',
    outcome: 'withdrawn',
    stage: 'closed',
  },
  {
    id: 'E',
    dept: 'merchant-disputes',
    reason: 'credit_not_processed',
    opened: '05-20',
    resolved: '06-20',
    outcome: 'customer_favour',
    stage: 'closed',
  },
  {
    id: 'F',
    dept: 'fraud',
    reason: 'unrecognized',
    opened: '06-25',
    resolved: null,
    outcome: null,
    stage: 'investigation',
  },
  {
    id: 'G',
    dept: 'merchant-disputes',
    reason: 'not_received',
    opened: '05-01',
    resolved: null,
    outcome: null,
    stage: 'awaiting_customer',
  },
  {
    id: 'H',
    dept: 'merchant-disputes',
    reason: 'not_received',
    opened: '04-01',
    resolved: null,
    outcome: null,
    stage: 'investigation',
  },
];
const SURVEY = [
  { id: 'A', satisfaction: 5, recommend: 10 },
  { id: 'B', satisfaction: 2, recommend: 3 },
  { id: 'C', satisfaction: 4, recommend: 8 },
  { id: 'E', satisfaction: 3, recommend: 9 },
];

let db: Db;
let figures: Figures;

beforeAll(async () => {
  ({ db } = migratedSqlite());
  await knownBank(db);
  figures = await computeFigures(db, RANGE, NOW);
});

/** The cases above, with their events, stays, surveys and outcomes, in `db`. */
async function knownBank(db: Db): Promise<void> {
  await seed(db, { customers: 2 });
  const txn = await db.cardTransaction.findFirstOrThrow({ include: { card: true } });
  for (const c of CASES) {
    await db.case.create({
      data: {
        id: c.id,
        workflowId: `dispute-${c.id}`,
        customerId: txn.card.customerId,
        cardId: txn.cardId,
        transactionId: txn.id,
        amountCents: 1000,
        reasonCode: c.reason,
        stage: c.stage,
        departmentId: c.dept,
        openedBy: 'intake-agent-1',
        openedAt: at(c.opened),
        resolvedAt: c.resolved ? at(c.resolved) : null,
        outcome: c.outcome,
      },
    });
  }
  await db.caseEvent.create({
    data: { caseId: 'B', eventKey: '9', type: 'sla_breached', actor: 'system:sla', at: at('06-08') },
  });
  for (const [i, caseId] of ['B', 'E'].entries()) {
    await db.outreachTask.create({
      data: { id: `o-${i}`, idempotencyKey: `o-${i}`, caseId, customerId: txn.card.customerId, recommendation: '{}' },
    });
  }
  for (const s of SURVEY) {
    await db.surveyAnswer.create({
      data: {
        caseId: s.id,
        customerId: txn.card.customerId,
        satisfaction: s.satisfaction,
        recommend: s.recommend,
        answeredAt: at('06-21'),
      },
    });
  }
  await db.customer.update({ where: { id: txn.card.customerId }, data: { lifetimeValueCents: 100_000 } });
  const events: [caseId: string, day: string, type: string, data: Record<string, unknown>][] = [
    // Customer contacts: A before its resolution, C 21 days after, E 35 days after (outside the window).
    ['A', '06-02', 'customer_contacted', { channel: 'phone' }],
    ['C', '06-30', 'customer_contacted', { channel: 'phone' }],
    ['E', '07-25', 'customer_contacted', { channel: 'phone' }],
    // The care funnel: B and E at high risk (A only watched); B reached with an accepted offer, E not reached.
    ['A', '06-02', 'attrition_risk_changed', { from: 'none', to: 'watch' }],
    ['B', '06-04', 'attrition_risk_changed', { from: 'none', to: 'high' }],
    ['E', '06-05', 'attrition_risk_changed', { from: 'watch', to: 'high' }],
    ['B', '06-04', 'outreach_opened', { outreachId: 'o-0' }],
    ['E', '06-05', 'outreach_opened', { outreachId: 'o-1' }],
    [
      'B',
      '06-06',
      'outreach_completed',
      { outreachId: 'o-0', reached: true, offer: { kind: 'fee_waiver', valueCents: 2500, response: 'accepted' } },
    ],
    ['E', '06-07', 'outreach_completed', { outreachId: 'o-1', reached: false, offer: null }],
    ['B', '06-06', 'concession_granted', { outreachId: 'o-0', kind: 'fee_waiver', valueCents: 2500 }],
    // Regulatory clocks as each case started them; B's provisional credit was late; D was withdrawn.
    [
      'A',
      '06-01',
      'regulatory_clocks_started',
      { clocks: [clock('reg-e:provisional-credit', '06-11'), clock('reg-e:resolution', '06-20')] },
    ],
    [
      'B',
      '05-25',
      'regulatory_clocks_started',
      { clocks: [clock('reg-e:provisional-credit', '06-04'), clock('reg-e:resolution', '06-29')] },
    ],
    ['D', '06-10', 'regulatory_clocks_started', { clocks: [clock('reg-e:provisional-credit', '06-20')] }],
    [
      'F',
      '06-25',
      'regulatory_clocks_started',
      { clocks: [clock('reg-z:acknowledgement', '06-29'), clock('reg-z:resolution', '09-20')] },
    ],
    ['B', '06-04', 'regulatory_deadline_passed', { clock: 'reg-e:provisional-credit' }],
  ];
  for (const [i, [caseId, day, type, data]] of events.entries()) {
    await db.caseEvent.create({
      data: {
        caseId,
        eventKey: String(100 + i),
        type,
        actor: 'system:test',
        at: at(day),
        data: JSON.stringify(data),
        ...PLACES[`${caseId} ${day} ${type}`],
      },
    });
    await db.$transaction(figureFactWrites(db, caseId, event(i, type, 'system:test', at(day), data)));
  }
  // H's customer chased while H sat in merchant disputes; G's chase predates places being kept.
  // Neither case was opened or resolved in June, so no other figure counts them.
  await db.caseEvent.createMany({
    data: [
      {
        caseId: 'H',
        eventKey: '150',
        type: 'customer_contacted',
        actor: 'system:test',
        at: at('06-15'),
        ...place('investigation', 'merchant-disputes'),
      },
      { caseId: 'G', eventKey: '151', type: 'customer_contacted', actor: 'system:test', at: at('06-16') },
    ],
  });
  for (const [caseId, stage, departmentId, entered, left] of STAYS) {
    await db.caseStay.create({
      data: { caseId, stage, departmentId, enteredAt: at(entered), leftAt: left ? at(left) : null, version: 1 },
    });
  }
  // Staff at work: F assigned to fraud-agent-1, who notes it 6 hours later; G taken by its agent,
  // who asks the customer a day later; H assigned to fraud-agent-1 and not yet acted on.
  const staffEvents: [caseId: string, time: string, actor: string, type: string, data: Record<string, unknown>][] = [
    ['F', '06-25T00:00', 'fraud-supervisor', 'assigned', { from: null, to: 'fraud-agent-1' }],
    ['F', '06-25T06:00', 'fraud-agent-1', 'note', { text: 'called the merchant' }],
    ['G', '06-26T00:00', 'merchant-disputes-agent-1', 'assigned', { from: null, to: 'merchant-disputes-agent-1' }],
    ['G', '06-27T00:00', 'merchant-disputes-agent-1', 'info_requested', { question: 'receipt?' }],
    ['H', '06-28T00:00', 'fraud-supervisor', 'assigned', { from: null, to: 'fraud-agent-1' }],
  ];
  for (const [i, [caseId, time, actor, type, data]] of staffEvents.entries()) {
    await db.caseEvent.create({
      data: {
        caseId,
        eventKey: String(200 + i),
        type,
        actor,
        at: new Date(`2026-${time}:00Z`),
        data: JSON.stringify(data),
      },
    });
    await db.$transaction(
      figureFactWrites(db, caseId, event(200 + i, type, actor, new Date(`2026-${time}:00Z`), data)),
    );
  }
  for (const [id, assigneeId] of [
    ['F', 'fraud-agent-1'],
    ['G', 'merchant-disputes-agent-1'],
    ['H', 'fraud-agent-1'],
    ['C', 'merchant-disputes-agent-1'],
  ]) {
    await db.case.update({ where: { id }, data: { assigneeId } });
  }
  // F's SLA clock passed 80% of its time two days ago, G's will on 15 July; H's waits (paused).
  await db.case.update({ where: { id: 'F' }, data: { slaNearAt: at('06-28') } });
  await db.case.update({ where: { id: 'G' }, data: { slaNearAt: at('07-15') } });
  // The watch decided whether each customer stayed: B saved, E lost, A stayed without a call, C unknown.
  for (const [id, outcome, verdict, day] of [
    ['B', 'retained', 'saved', '06-25'],
    ['E', 'lost', 'lost', '06-26'],
    ['A', 'retained', 'retained', '06-27'],
    ['C', 'unknown', 'unknown', '06-28'],
  ]) {
    await db.case.update({
      where: { id },
      data: { retentionOutcome: outcome, careVerdict: verdict, retentionDecidedAt: at(day) },
    });
  }
}

const place = (stage: string, departmentId: string) => ({ stage, departmentId });
/** Where each case sat when the journey's events happened (by case, day and type). */
const PLACES: Record<string, { stage: string; departmentId: string }> = {
  'A 06-02 customer_contacted': place('investigation', 'fraud'),
  'C 06-30 customer_contacted': place('resolved', 'merchant-disputes'),
  'B 06-04 attrition_risk_changed': place('awaiting_customer', 'fraud'),
  'E 06-05 attrition_risk_changed': place('investigation', 'merchant-disputes'),
  'B 06-04 outreach_opened': place('awaiting_customer', 'fraud'),
  'E 06-05 outreach_opened': place('investigation', 'merchant-disputes'),
};
/** Each case's stays: stage, department, entered, left (null while it sits there). */
const STAYS: [caseId: string, stage: string, department: string, entered: string, left: string | null][] = [
  ['A', 'investigation', 'fraud', '06-01', '06-03'],
  ['A', 'resolved', 'fraud', '06-03', '06-04'],
  ['A', 'closed', 'fraud', '06-04', null],
  ['B', 'investigation', 'fraud', '06-02', '06-03'],
  ['B', 'awaiting_customer', 'fraud', '06-03', '06-08'],
  ['B', 'investigation', 'fraud', '06-08', '06-12'],
  ['C', 'investigation', 'merchant-disputes', '06-05', '06-09'],
  ['E', 'investigation', 'merchant-disputes', '05-20', '06-10'],
  ['E', 'awaiting_customer', 'merchant-disputes', '06-10', '06-13'],
  ['E', 'investigation', 'merchant-disputes', '06-13', '06-20'],
  ['G', 'investigation', 'merchant-disputes', '05-01', '05-20'],
  ['G', 'awaiting_customer', 'merchant-disputes', '05-20', null],
  ['H', 'investigation', 'fraud', '04-01', '06-10'],
  ['H', 'investigation', 'merchant-disputes', '06-10', null],
];

/** An event as the workflow hands it to the read-model sync, for the figures' read models. */
const event = (seq: number, type: string, actor: string, at: Date, data: Record<string, unknown>) =>
  ({ seq, type, actor, at: at.toISOString(), data }) as TimelineEvent;

const clock = (id: string, day: string) => ({ id, label: id, deadline: at(day).toISOString() });

const row = (id: keyof Figures, group: Record<string, string> = {}) =>
  figures[id].find((r) => JSON.stringify(r.group) === JSON.stringify(group));

test('open cases by stage, department and age band, now', () => {
  expect(figures.open_cases).toEqual([
    { group: { stage: 'awaiting_customer', department: 'merchant-disputes', age: '31-60 days' }, value: 1 },
    { group: { stage: 'investigation', department: 'fraud', age: '0-7 days' }, value: 1 },
    { group: { stage: 'investigation', department: 'merchant-disputes', age: 'over 60 days' }, value: 1 },
  ]);
});

test('cases opened and resolved per day; a withdrawal is no resolution', () => {
  expect(figures.cases_opened.map((r) => [r.group.day, r.value])).toEqual([
    ['2026-06-01', 1],
    ['2026-06-02', 1],
    ['2026-06-05', 1],
    ['2026-06-10', 1],
    ['2026-06-25', 1],
  ]);
  expect(figures.cases_resolved.map((r) => [r.group.day, r.value])).toEqual([
    ['2026-06-03', 1],
    ['2026-06-09', 1],
    ['2026-06-12', 1],
    ['2026-06-20', 1],
  ]);
});

test('time to resolution: median and 90th percentile, by department and by reason', () => {
  // Days: A 2, B 10, C 4, E 31 (opened before the range, resolved in it); D withdrawn.
  expect(row('resolution_days_median')?.value).toBe(4);
  expect(row('resolution_days_p90')?.value).toBe(31);
  expect(row('resolution_days_median', { department: 'fraud' })?.value).toBe(2);
  expect(row('resolution_days_p90', { department: 'fraud' })?.value).toBe(10);
  expect(row('resolution_days_median', { department: 'merchant-disputes' })?.value).toBe(4);
  expect(row('resolution_days_median', { reason: 'credit_not_processed' })?.value).toBe(31);
  expect(row('resolution_days_p90', { reason: 'unrecognized' })?.value).toBe(10);
  expect(percentile([], 0.5)).toBeNull();
});

test('SLA compliance: resolved with no SLA breached, over resolved', () => {
  expect(row('sla_compliance')).toEqual({ group: {}, value: 0.75, numerator: 3, denominator: 4 });
  expect(row('sla_compliance', { department: 'fraud' })).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
  expect(row('sla_compliance', { department: 'merchant-disputes' })).toMatchObject({ value: 1 });
});

test('cases over 80% of their SLA, now, among the open cases whose SLA clock runs', () => {
  expect(row('sla_near_deadline')).toEqual({ group: {}, value: 0.5, numerator: 1, denominator: 2 });
  expect(row('sla_near_deadline', { department: 'fraud' })).toMatchObject({ value: 1, denominator: 1 });
  expect(row('sla_near_deadline', { department: 'merchant-disputes' })).toMatchObject({ value: 0, denominator: 1 });
});

test('CSAT and NPS, by department and by whether the customer had an outreach', () => {
  expect(row('csat')).toEqual({ group: {}, value: 0.5, numerator: 2, denominator: 4 });
  expect(row('csat', { outreach: 'yes' })).toMatchObject({ value: 0, numerator: 0, denominator: 2 });
  expect(row('csat', { outreach: 'no' })).toMatchObject({ value: 1, numerator: 2, denominator: 2 });
  // Promoters A and E, detractor B, of 4: 25.
  expect(row('nps')).toEqual({ group: {}, value: 25, numerator: 1, denominator: 4 });
  expect(row('nps', { department: 'fraud' })?.value).toBe(0);
  expect(row('nps', { department: 'merchant-disputes' })?.value).toBe(50);
  expect(row('nps', { outreach: 'no' })?.value).toBe(50);
});

test('Reg E / Reg Z: deadlines due in the range met, by rule; a withdrawn case’s clocks left out', () => {
  // Due by now: A's two, B's two (its provisional credit passed), F's acknowledgement; F's resolution later.
  expect(row('regulatory_compliance')).toEqual({ group: {}, value: 0.8, numerator: 4, denominator: 5 });
  expect(row('regulatory_compliance', { rule: 'reg-e:provisional-credit' })).toMatchObject({ value: 0.5 });
  expect(row('regulatory_compliance', { rule: 'reg-e:resolution' })).toMatchObject({ value: 1, denominator: 2 });
  expect(row('regulatory_compliance', { rule: 'reg-z:acknowledgement' })).toMatchObject({ value: 1, denominator: 1 });
});

test('first contact resolution counts only resolutions whose 30 days are over', async () => {
  expect(row('first_contact_resolution')).toEqual({ group: {}, value: null, numerator: 0, denominator: 0 });
  const later = await computeFigures(db, RANGE, new Date('2026-08-15T00:00:00Z'));
  const fcr = (group: Record<string, string> = {}) =>
    later.first_contact_resolution.find((r) => JSON.stringify(r.group) === JSON.stringify(group));
  // A chased before its resolution and C after it; B never; E only after its 30 days.
  expect(fcr()).toEqual({ group: {}, value: 0.5, numerator: 2, denominator: 4 });
  expect(fcr({ department: 'fraud' })).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
});

test('follow-ups: cases opened in the range the customer chased, and contacts per case', () => {
  // Opened in June: A, B, C, D, F; A and C were chased once each.
  expect(row('cases_with_follow_ups')).toEqual({ group: {}, value: 0.4, numerator: 2, denominator: 5 });
  expect(row('cases_with_follow_ups', { department: 'fraud' })).toMatchObject({ value: 0.3333, numerator: 1 });
  expect(row('follow_ups_per_case', { department: 'merchant-disputes' })).toMatchObject({ value: 0.5 });
});

test('the care funnel: alerts, outreach, reached, offers, saves, losses, retention and what concessions cost', () => {
  const count = (id: keyof Figures, group: Record<string, string> = {}) => row(id, group)?.value;
  expect([
    count('attrition_alerts'),
    count('outreach_opened'),
    count('outreach_reached'),
    count('offers_made'),
    count('offers_accepted'),
    count('saves'),
    count('losses'),
  ]).toEqual([2, 2, 1, 1, 1, 1, 1]);
  expect(count('attrition_alerts', { department: 'fraud' })).toBe(1);
  expect(count('outreach_reached', { department: 'merchant-disputes' })).toBe(0);
  // Decided: B and A retained, E lost; C unknown is left out.
  expect(row('retention_after_resolution')).toEqual({ group: {}, value: 0.6667, numerator: 2, denominator: 3 });
  expect(row('retention_after_resolution', { outreach: 'yes' })).toMatchObject({ value: 0.5 });
  expect(row('retention_after_resolution', { outreach: 'no' })).toMatchObject({ value: 1 });
  // 25.00 booked to keep a customer worth 1,000.00.
  expect(row('concessions_cost')).toEqual({ group: {}, value: 0.025, numerator: 2500, denominator: 100_000 });
  expect(row('concessions_cost', { department: 'fraud' })).toMatchObject({ value: 0.025 });
  // A department with nothing booked and nobody saved has no row.
  expect(row('concessions_cost', { department: 'merchant-disputes' })).toBeUndefined();
});

test('agent workload: open cases held now, actions per day, and the median time to a first action', () => {
  expect(figures.agent_open_cases).toEqual([
    { group: { agent: 'fraud-agent-1' }, value: 2 },
    { group: { agent: 'merchant-disputes-agent-1' }, value: 1 },
  ]);
  // Over the 30 days of June.
  expect(figures.agent_actions_per_day).toEqual([
    { group: { agent: 'fraud-agent-1' }, value: 0.0333, numerator: 1, denominator: 30 },
    { group: { agent: 'fraud-supervisor' }, value: 0.0667, numerator: 2, denominator: 30 },
    { group: { agent: 'merchant-disputes-agent-1' }, value: 0.0667, numerator: 2, denominator: 30 },
  ]);
  expect(figures.agent_first_action_hours).toEqual([
    { group: { agent: 'fraud-agent-1' }, value: 6 },
    { group: { agent: 'merchant-disputes-agent-1' }, value: 24 },
  ]);
});

test('the journey: time waited, chases, alerts, outreach and losses by the stage and department the case sat in', async () => {
  const where = (stage: string, department: string) => ({ stage, department });
  // Stays ended in June, resolved and closed left out: investigation in fraud A 2, B 1, B 4 and H 70
  // days (H has since moved on); in merchant disputes C 4, E 21, E 7. G's stays ended before June or not yet.
  expect(figures.journey_wait_days).toEqual([
    { group: where('awaiting_customer', 'fraud'), value: 5 },
    { group: where('awaiting_customer', 'merchant-disputes'), value: 3 },
    { group: where('investigation', 'fraud'), value: 2 },
    { group: where('investigation', 'merchant-disputes'), value: 7 },
  ]);
  // G's chase has no place and E's was in July.
  expect(figures.journey_chases).toEqual([
    { group: where('investigation', 'fraud'), value: 1 },
    { group: where('investigation', 'merchant-disputes'), value: 1 },
    { group: where('resolved', 'merchant-disputes'), value: 1 },
  ]);
  // A's rise to watch is no alert.
  expect(figures.journey_alerts).toEqual([
    { group: where('awaiting_customer', 'fraud'), value: 1 },
    { group: where('investigation', 'merchant-disputes'), value: 1 },
  ]);
  expect(figures.journey_outreach).toEqual(figures.journey_alerts);
  // E, lost, was first alerted while investigated in merchant disputes.
  expect(figures.journey_losses).toEqual([{ group: where('investigation', 'merchant-disputes'), value: 1 }]);

  // One department: where the case sat, not where it is now (H's 70 days count for fraud).
  const fraud = await computeFigures(db, { ...RANGE, departmentId: 'fraud' }, NOW);
  expect(fraud.journey_wait_days).toEqual([
    { group: where('awaiting_customer', 'fraud'), value: 5 },
    { group: where('investigation', 'fraud'), value: 2 },
  ]);
  expect(fraud.journey_chases).toEqual([{ group: where('investigation', 'fraud'), value: 1 }]);
  expect(fraud.journey_losses).toEqual([]);
});

(TEST_DATABASE_URL ? test : test.skip)(
  'PostgreSQL gives the same figures as SQLite, and refreshes made at once lose nothing',
  async () => {
    const { url, drop } = await emptyPostgres(TEST_DATABASE_URL!);
    const pg = createDb(url);
    try {
      await migrate(pg, url);
      await knownBank(pg);
      expect(await computeFigures(pg, RANGE, NOW)).toEqual(figures);
      const later = new Date('2026-08-15T00:00:00Z');
      expect(await computeFigures(pg, RANGE, later)).toEqual(await computeFigures(db, RANGE, later));
      const fraud = { ...RANGE, departmentId: 'fraud' };
      expect(await computeFigures(pg, fraud, NOW)).toEqual(await computeFigures(db, fraud, NOW));
      // Refreshes of cases whose facts share day sums, all at once from many connections: none is
      // lost (without the refreshes taking turns, one round in three or so loses some).
      for (let round = 0; round < 5; round++) {
        await pg.caseFact.updateMany({ data: { count: { increment: 1 } } });
        await pg.case.updateMany({ data: STALE_FACTS });
        await Promise.all(CASES.map((c) => refreshFacts(pg, [c.id])));
        expect(await daySums(pg)).toEqual(await sumsFromNothing(pg));
      }
      expect(await computeFigures(pg, RANGE, NOW)).toEqual(figures);
    } finally {
      await pg.$disconnect();
      await drop();
    }
  },
);

test('the day sums stay equal to their facts as a case moves, and a range may begin within a day', async () => {
  const moveC = async (departmentId: string) => {
    await db.case.update({ where: { id: 'C' }, data: { departmentId, ...STALE_FACTS } });
    await refreshFacts(db, ['C']);
  };
  await moveC('fraud');
  expect(await daySums(db)).toEqual(await sumsFromNothing(db));
  expect((await computeFigures(db, RANGE, NOW)).cases_resolved).toEqual(figures.cases_resolved);
  expect((await computeFigures(db, RANGE, NOW)).sla_compliance).not.toEqual(figures.sla_compliance);
  await moveC('merchant-disputes');
  expect(await daySums(db)).toEqual(await sumsFromNothing(db));
  expect(await computeFigures(db, RANGE, NOW)).toEqual(figures);
  // A, opened at midnight on 1 June, is before a range that begins at noon.
  const fromNoon = await computeFigures(db, { ...RANGE, from: new Date('2026-06-01T12:00:00Z') }, NOW);
  expect(fromNoon.cases_opened.map((r) => r.group.day)).not.toContain('2026-06-01');
  expect(fromNoon.cases_opened).toEqual(figures.cases_opened.filter((r) => r.group.day !== '2026-06-01'));
});

test('with many cases stale, a figure request is refused until the worker has made their facts again', async () => {
  // As after an upgrade that changed what the facts mean: every stored fact is wrong.
  await db.caseFact.updateMany({ data: { count: { increment: 1 } } });
  await db.case.updateMany({ data: STALE_FACTS });
  await expect(computeFigures(db, RANGE, NOW, 5)).rejects.toEqual(new FiguresRebuilding(CASES.length));
  // Made in batches of three, every cell summed once at the end.
  expect(await refreshStaleFacts(db, 3)).toBe(CASES.length);
  expect(await staleCases(db)).toBe(0);
  expect(await daySums(db)).toEqual(await sumsFromNothing(db));
  expect(await computeFigures(db, RANGE, NOW, 5)).toEqual(figures);
});

/** Each day sum: its count, amount and values (sorted). */
async function daySums(db: Db) {
  const rows = await db.figureDay.findMany({ orderBy: { cell: 'asc' } });
  return rows.map((r) => ({ cell: r.cell, count: r.count, amount: Number(r.amount), values: sortedValues(r.vals) }));
}

/** The same sums, made from the facts. */
async function sumsFromNothing(db: Db) {
  const facts = await db.caseFact.findMany({ orderBy: { cell: 'asc' } });
  const sums = new Map<string, { cell: string; count: number; amount: number; values: number[] }>();
  for (const f of facts) {
    const sum = sums.get(f.cell) ?? { cell: f.cell, count: 0, amount: 0, values: [] };
    sum.count += f.count;
    sum.amount += f.amount;
    if (f.value !== null) sum.values.push(f.value);
    sums.set(f.cell, sum);
  }
  return [...sums.values()].map((s) => ({ ...s, values: sortedValues(s.values.join(',') || null) }));
}

const sortedValues = (vals: string | null) =>
  vals === null
    ? []
    : vals
        .split(',')
        .map((v) => Math.round(Number(v) * 1e6) / 1e6)
        .sort((a, b) => a - b);

test('METRICS.md defines the same figures as the code, in the same words', () => {
  const table = readFileSync(path.join(ROOT, 'METRICS.md'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  expect(table.map(([id]) => id.replaceAll('`', ''))).toEqual(Object.keys(FIGURES));
  for (const [id, title, formula, numerator, denominator, excluded] of table) {
    expect({ title, formula, numerator, denominator, excluded }).toEqual(
      (({ title, formula, numerator, denominator, excluded }) => ({
        title,
        formula,
        numerator,
        denominator,
        excluded,
      }))(FIGURES[id.replaceAll('`', '') as keyof typeof FIGURES]),
    );
  }
});

describe('GET /metrics/cem', () => {
  let server: Server;
  let base: string;
  const get = async (url: string, staffId: string) =>
    fetch(`${base}${url}`, {
      headers: { authorization: `Bearer ${(await issueToken(db, staffId, { days: 1 })).token}` },
    });
  const query = '?from=2026-06-01&to=2026-07-01';

  beforeAll(() => {
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    server = createApp({ db, temporal, taskQueue: 'unused' }).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server?.close());

  test('the JSON and the CSV give the same rows, each figure with its definition', async () => {
    const json = (await (await get(`/metrics/cem${query}`, 'admin')).json()) as {
      from: string;
      figures: { id: string; formula: string; rows: { group: Record<string, string>; value: number | null }[] }[];
    };
    expect(json.from).toBe('2026-06-01T00:00:00.000Z');
    const csat = json.figures.find((f) => f.id === 'csat')!;
    expect(csat.formula).toBe(FIGURES.csat.formula);
    expect(csat.rows[0]).toEqual({ group: {}, value: 0.5, numerator: 2, denominator: 4 });

    const res = await get(`/metrics/cem.csv${query}`, 'admin');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('figure,group,value,numerator,denominator');
    const fromJson = json.figures.flatMap((f) =>
      f.rows.map(
        (r) =>
          `${f.id}|${Object.entries(r.group)
            .map(([k, v]) => `${k}=${v}`)
            .join('; ')}|${r.value ?? ''}`,
      ),
    );
    const fromCsv = lines.slice(1).map((line) => line.split(',').slice(0, 3).join('|'));
    expect(fromCsv).toEqual(fromJson);
  });

  test('a supervisor reads their own department only; agents none; a bad range names its field', async () => {
    const own = (await (await get(`/metrics/cem${query}`, 'fraud-supervisor')).json()) as {
      departmentId: string;
      figures: { id: string; rows: { group: Record<string, string>; numerator?: number }[] }[];
    };
    expect(own.departmentId).toBe('fraud');
    expect(own.figures.find((f) => f.id === 'sla_compliance')!.rows[0]).toMatchObject({ numerator: 1, denominator: 2 });
    expect((await get(`/metrics/cem${query}&departmentId=merchant-disputes`, 'fraud-supervisor')).status).toBe(403);
    expect((await get(`/metrics/cem${query}&departmentId=fraud`, 'care-supervisor')).status).toBe(200);
    expect((await get(`/metrics/cem${query}`, 'fraud-agent-1')).status).toBe(403);
    const backwards = await get('/metrics/cem?from=2026-07-01&to=2026-06-01', 'admin');
    expect(backwards.status).toBe(422);
    expect(await backwards.text()).toContain('from: must be before to');
    expect((await get('/metrics/cem?from=yesterday', 'admin')).status).toBe(422);
  });

  test("while the worker makes many cases' facts again, the figures answer 503 with Retry-After", async () => {
    const a = await db.case.findUniqueOrThrow({ where: { id: 'A' } });
    const { id: _id, workflowId: _workflowId, idempotencyKey: _key, factsVersion: _version, ...row } = a;
    const many = Array.from({ length: REFRESHED_BY_A_REQUEST + 1 }, (_, i) => `REBUILD-${i}`);
    await db.case.createMany({ data: many.map((id) => ({ ...row, id, workflowId: `dispute-${id}` })) });
    try {
      const res = await get(`/metrics/cem${query}`, 'admin');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('60');
      expect(await res.json()).toMatchObject({ code: 'FiguresRebuilding', cases: many.length });
    } finally {
      await db.case.deleteMany({ where: { id: { in: many } } });
    }
    expect((await get(`/metrics/cem${query}`, 'admin')).status).toBe(200);
  });

  test('the dashboard in a browser: the same numbers as the JSON, a chart, no serious accessibility problem', async () => {
    const json = (await (await get(`/metrics/cem${query}`, 'admin')).json()) as {
      figures: { id: keyof typeof FIGURES; rows: { value: number | null }[] }[];
    };
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await page.goto(`${base}/console/dashboard?from=2026-06-01&through=2026-06-30`);
      await page.fill('#token', (await issueToken(db, 'admin', { days: 1 })).token);
      await Promise.all([page.waitForURL(/\/console\/dashboard/), page.click('button[type=submit]')]);
      expect(await page.inputValue('#from')).toBe('2026-06-01');
      expect(await page.innerText('#care-h')).toBe('Does proactive care work?');
      // Every figure's table shows the JSON's values, row for row.
      for (const figure of json.figures) {
        const cells = await page.$$eval(`section[aria-labelledby="figure-${figure.id}"] tbody td:nth-child(2)`, (tds) =>
          tds.map((td) => (td as unknown as { textContent: string }).textContent.trim()),
        );
        expect(cells).toEqual(figure.rows.map((r) => shown(FIGURES[figure.id], r.value)));
      }
      // Amounts read as money.
      expect(await page.innerText('section[aria-labelledby="care-h"]')).toContain('25.00 of 1000.00');
      // The care funnel, step by step.
      const funnel = await page.$$eval('.funnel li', (lis) =>
        lis.map((li) => (li as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim()),
      );
      expect(funnel).toEqual([
        'Attrition alerts 2',
        'Outreach opened 2',
        'Customer reached 1',
        'Offer made 1',
        'Offer accepted 1',
        'Customer saved 1',
      ]);
      // The journey, worst first: where a customer was lost leads.
      const journey = await page.$$eval('table.journey tbody tr', (trs) =>
        trs.map((tr) =>
          [...(tr as unknown as { children: { textContent: string }[] }).children].map((c) => c.textContent.trim()),
        ),
      );
      expect(journey).toEqual([
        ['investigation', 'merchant-disputes', '7.0 days', '1', '1', '1', '1'],
        ['awaiting customer', 'fraud', '5.0 days', '0', '1', '1', '0'],
        ['investigation', 'fraud', '2.0 days', '1', '0', '0', '0'],
        ['resolved', 'merchant-disputes', '—', '1', '0', '0', '0'],
        ['awaiting customer', 'merchant-disputes', '3.0 days', '0', '0', '0', '0'],
      ]);
      const promises = await page.innerText('section[aria-labelledby="promises-h"]');
      expect(promises).toContain('75.0%');
      await page.waitForSelector('.chart-canvas .uplot canvas');
      await accessible(page);
      await shoot(page, 'console', 'dashboard');
    } finally {
      await browser.close();
    }
  });
});
