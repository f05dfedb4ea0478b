/**
 * The dispute workflow's activities against SQLite and PostgreSQL: a retry writes nothing twice,
 * and the read model never moves back to an older version.
 */
import { caseActivities, NO_DEADLINE } from '../../activities/cases';
import { JANE, seed } from '../../prisma/seed';
import type { Db } from '../../src/db/client';
import { testOnBothDatabases } from '../helpers/db';
import { caseSnapshot } from '../helpers/read-model';
import type { TimelineEvent } from '../../workflows/dispute/messages';

const CASE_ID = 'DSP-ACTIVITIES';

async function withCase(db: Db) {
  await seed(db, { customers: 2 });
  await db.case.create({
    data: {
      id: CASE_ID,
      workflowId: `dispute-${CASE_ID}`,
      customerId: JANE.customerId,
      cardId: JANE.cardId,
      transactionId: JANE.unrecognizedTransactionId,
      amountCents: 1499,
      reasonCode: 'unrecognized',
      stage: 'intake',
      departmentId: 'intake',
      openedBy: 'intake-agent-1',
    },
  });
  return caseActivities({ db });
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
