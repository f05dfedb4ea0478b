/**
 * Finding what to dispute: `GET /customers/:id` shows a customer's profile, cards and recent
 * transactions, newest first, each saying whether a case already disputes it.
 */
import type { Server } from 'node:http';
import { JANE, seed } from '../../prisma/seed';
import { issueToken } from '../../src/auth/tokens';
import type { Db } from '../../src/db/client';
import { migratedSqlite } from '../helpers/db';
import { offlineApi } from '../helpers/offline-api';

let db: Db;
let server: Server;
let base: string;

beforeAll(async () => {
  ({ db } = migratedSqlite());
  await seed(db, { customers: 2 });
  ({ server, base } = offlineApi({ db }));
});
afterAll(async () => {
  server?.close();
  await db?.$disconnect();
});

type Customer = {
  id: string;
  name: string;
  cards: { id: string; last4: string }[];
  transactions: {
    id: string;
    postedAt: string;
    amount: number;
    merchant: string;
    disputed: boolean;
    cases: { id: string }[];
  }[];
};

async function get(path: string, staffId = 'intake-agent-1') {
  const { token } = await issueToken(db, staffId, { days: 1 });
  const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Customer & { detail?: string } };
}

test('a customer’s profile, cards and recent transactions, each saying whether it is disputed', async () => {
  const txn = await db.cardTransaction.findUniqueOrThrow({ where: { id: JANE.unrecognizedTransactionId } });
  await db.case.create({
    data: {
      id: 'DSP-CUSTOMER',
      workflowId: 'dispute-DSP-CUSTOMER',
      customerId: JANE.customerId,
      cardId: txn.cardId,
      transactionId: txn.id,
      amountCents: txn.amountCents,
      reasonCode: 'unrecognized',
      stage: 'investigation',
      departmentId: 'merchant-disputes',
      openedBy: 'intake-agent-1',
    },
  });
  const { status, body } = await get(`/customers/${JANE.customerId}?limit=200`);
  expect(status).toBe(200);
  expect(body).toMatchObject({ id: JANE.customerId, name: expect.any(String) });
  expect(body.cards.map((c) => c.id)).toContain(JANE.cardId);
  const dates = body.transactions.map((t) => t.postedAt);
  expect(dates).toEqual([...dates].sort().reverse());
  const disputed = body.transactions.filter((t) => t.disputed);
  expect(disputed.map((t) => [t.id, t.cases.map((c) => c.id)])).toEqual([[txn.id, ['DSP-CUSTOMER']]]);
  expect(disputed[0]).toMatchObject({ amount: txn.amountCents / 100, merchant: txn.merchant });
});

test('one card, a page size, and what is wrong named', async () => {
  const one = await get(`/customers/${JANE.customerId}?cardId=${JANE.cardId}&limit=3`);
  expect(one.body.transactions).toHaveLength(3);
  expect((await get('/customers/cust-nobody')).status).toBe(404);
  const other = await db.card.findFirstOrThrow({ where: { customerId: { not: JANE.customerId } } });
  const foreign = await get(`/customers/${JANE.customerId}?cardId=${other.id}`);
  expect(foreign).toMatchObject({ status: 422, body: { detail: expect.stringContaining('cardId') } });
  expect((await get(`/customers/${JANE.customerId}?limit=0`)).status).toBe(422);
});
