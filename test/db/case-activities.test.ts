/**
 * The dispute workflow's activities against SQLite and PostgreSQL: a retry writes nothing twice,
 * and the read model never moves back to an older version.
 */
import { caseActivities, NO_DEADLINE, type PlacedEvent } from '../../activities/cases';
import { JANE, seed } from '../../prisma/seed';
import type { Db } from '../../src/db/client';
import { testOnBothDatabases } from '../helpers/db';
import { caseSnapshot, janeCaseRow } from '../helpers/read-model';
import type { TimelineEvent } from '../../workflows/dispute/messages';
import type { CaseStage } from '../../workflows/domain/case';
import { networkRules } from '../../workflows/domain/network-rules';

const CASE_ID = 'DSP-ACTIVITIES';

async function withCase(db: Db) {
  await seed(db, { customers: 2 });
  await janeCaseRow(db, CASE_ID, { stage: 'intake', departmentId: 'intake' });
  return caseActivities({ db });
}

/** The journey's stays: each move ends one and begins the next, once, however the writes are retried. */
async function expectStays(db: Db, activities: ReturnType<typeof caseActivities>) {
  const move = (stage: CaseStage, departmentId: string, at: string) => ({ stage, departmentId, at: `2026-11-${at}Z` });
  const sync = (version: number, moves: ReturnType<typeof move>[], events: PlacedEvent[] = []) =>
    activities.syncCase({ caseId: CASE_ID, version, snapshot: caseSnapshot(moves.at(-1)!.stage), events, moves });
  const stays = async () =>
    (await db.caseStay.findMany({ where: { caseId: CASE_ID }, orderBy: { enteredAt: 'asc' } })).map((s) => [
      s.stage,
      s.departmentId,
      s.enteredAt.toISOString().slice(8, 16),
      s.leftAt?.toISOString().slice(8, 16) ?? null,
    ]);
  const contacted: PlacedEvent = {
    seq: 10,
    type: 'customer_contacted',
    actor: 'customer:jane',
    at: '2026-11-21T09:00:00.000Z',
    data: {},
    stage: 'investigation',
    departmentId: 'merchant-disputes',
  };
  await sync(
    4,
    [move('intake', 'intake', '20T10:00'), move('investigation', 'merchant-disputes', '20T10:05')],
    [contacted],
  );
  await sync(
    4,
    [move('intake', 'intake', '20T10:00'), move('investigation', 'merchant-disputes', '20T10:05')],
    [contacted],
  );
  // Through awaiting the customer and back in no time: one stay, in the later place.
  await sync(5, [move('awaiting_customer', 'merchant-disputes', '22T10:00')]);
  await sync(6, [move('investigation', 'merchant-disputes', '22T10:00')]);
  await sync(5, [move('awaiting_customer', 'merchant-disputes', '22T10:00')]); // a late retry of the older write
  await sync(7, [move('investigation', 'fraud', '25T12:00')]);
  expect(await stays()).toEqual([
    ['intake', 'intake', '20T10:00', '20T10:05'],
    ['investigation', 'merchant-disputes', '20T10:05', '22T10:00'],
    ['investigation', 'merchant-disputes', '22T10:00', '25T12:00'],
    ['investigation', 'fraud', '25T12:00', null],
  ]);
  expect(
    await db.caseEvent.findFirstOrThrow({
      where: { caseId: CASE_ID, eventKey: '10' },
      select: { stage: true, departmentId: true },
    }),
  ).toEqual({ stage: 'investigation', departmentId: 'merchant-disputes' });
}

async function expectIdempotentActivities(db: Db) {
  const activities = await withCase(db);

  const context = await activities.loadCaseContext({
    caseId: CASE_ID,
    customerId: JANE.customerId,
    cardId: JANE.cardId,
    transactionId: JANE.unrecognizedTransactionId,
    reasonCode: 'unrecognized',
    amountCents: 1499,
    openedAt: '2026-11-20T10:00:00Z',
  });
  expect(context).toMatchObject({
    tier: 'gold',
    facts: { cardType: 'credit', pointOfSale: false, foreign: false, newAccount: false, statementDay: 15 },
    route: { departmentId: 'merchant-disputes' },
    // Jane's card is a Visa: the case keeps the Visa rules' version it opened with.
    network: { network: 'visa', rulesVersion: networkRules('visa').version },
  });
  expect(context.policy.holidays).toEqual(
    expect.arrayContaining(['2026-11-26', '2026-12-24', '2026-12-25', '2027-01-01']),
  );
  expect(context.policy.slaPolicies.length).toBeGreaterThan(5);

  const events: TimelineEvent[] = [
    { seq: 1, type: 'opened', actor: 'intake-agent-1', at: '2026-11-20T10:00:00.000Z', data: {} },
    {
      seq: 2,
      type: 'routed',
      actor: 'system:routing',
      at: '2026-11-20T10:00:00.000Z',
      data: { to: 'merchant-disputes' },
    },
  ];
  const sync = {
    caseId: CASE_ID,
    version: 2,
    snapshot: caseSnapshot('investigation', { nextDeadlineAt: '2026-12-04T10:00:00.000Z' }),
    events,
  };
  await activities.syncCase(sync);
  await activities.syncCase(sync); // the retry
  expect(await db.caseEvent.count({ where: { caseId: CASE_ID } })).toBe(2);
  expect(await db.case.findUniqueOrThrow({ where: { id: CASE_ID } })).toMatchObject({
    stage: 'investigation',
    version: 2,
    nextDeadlineAt: new Date('2026-12-04T10:00:00Z'),
    dueAt: new Date('2026-12-04T10:00:00Z'),
  });
  // A late retry of an older version leaves the newer state alone.
  await activities.syncCase({ caseId: CASE_ID, version: 1, snapshot: caseSnapshot('intake'), events: [] });
  expect((await db.case.findUniqueOrThrow({ where: { id: CASE_ID } })).stage).toBe('investigation');
  // No clock running: no deadline to show, and the queues' sort key puts the case after every dated one.
  await activities.syncCase({ caseId: CASE_ID, version: 3, snapshot: caseSnapshot('awaiting_customer'), events: [] });
  expect(await db.case.findUniqueOrThrow({ where: { id: CASE_ID } })).toMatchObject({
    nextDeadlineAt: null,
    dueAt: NO_DEADLINE,
  });

  await expectStays(db, activities);

  const alert = {
    key: `${CASE_ID}:3`,
    caseId: CASE_ID,
    kind: 'sla_breached',
    message: 'late',
    staffIds: ['merchant-disputes-agent-1'],
    supervisorsOf: 'merchant-disputes',
  };
  await activities.alertStaff(alert);
  await activities.alertStaff(alert);
  expect(
    (await db.staffAlert.findMany({ where: { caseId: CASE_ID }, orderBy: { staffId: 'asc' } })).map((a) => a.staffId),
  ).toEqual(['merchant-disputes-agent-1', 'merchant-disputes-supervisor']);

  const credit = {
    key: `${CASE_ID}:4`,
    cardId: JANE.cardId,
    creditCents: 1499,
    description: `PROVISIONAL CREDIT ${CASE_ID}`,
    at: '2026-11-21T10:00:00.000Z',
  };
  await activities.postAdjustment(credit);
  await activities.postAdjustment(credit);
  expect(
    await db.cardTransaction.findMany({
      where: { channel: 'adjustment' },
      select: { amountCents: true, merchant: true },
    }),
  ).toEqual([{ amountCents: -1499, merchant: `PROVISIONAL CREDIT ${CASE_ID}` }]);
}

testOnBothDatabases(expectIdempotentActivities);
