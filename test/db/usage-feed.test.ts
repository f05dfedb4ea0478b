/**
 * The usage feed and the usage the attrition watch reads, on SQLite and PostgreSQL: batches are
 * checked whole and recorded once, and usage is counted per day in SQL across all of a
 * customer's cards, purchases only, whole days before `asOf`.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { usageActivities } from '../../activities/usage';
import { seed } from '../../prisma/seed';
import { createApp } from '../../src/api/app';
import { issueToken } from '../../src/auth/tokens';
import type { Db } from '../../src/db/client';
import { testOnBothDatabases } from '../helpers/db';

const CUSTOMER = 'cust-feed';
const txn = (id: string, cardId: string, postedAt: string, amount: number) => ({
  id,
  cardId,
  postedAt,
  amount,
  merchant: 'CORNER GROCER',
  mcc: '5411',
  channel: 'pos',
});

async function expectFeedAndUsage(db: Db): Promise<void> {
  await seed(db, { customers: 1 });
  await db.customer.create({
    data: {
      id: CUSTOMER,
      name: 'Feed Test',
      email: 'feed@example.com',
      phone: '+1 555 0100',
      cards: {
        create: [
          { id: 'card-feed-1', last4: '0001', product: 'Everyday Credit', openedAt: new Date('2024-01-01') },
          {
            id: 'card-feed-2',
            last4: '0002',
            product: 'Everyday Debit',
            type: 'debit',
            openedAt: new Date('2024-01-01'),
          },
        ],
      },
    },
  });
  // The feed needs no Temporal: a client that could never connect shows it.
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const server = createApp({ db, temporal, taskQueue: 'unused' }).listen(0);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { token } = await issueToken(db, 'card-processor', { days: 1 });
  const send = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const fields = (body: Record<string, unknown>) => (body.errors as { field: string }[]).map((e) => e.field);

  try {
    const batch = [
      txn('feed-1', 'card-feed-1', '2026-03-02T09:00:00Z', 12.5),
      txn('feed-2', 'card-feed-2', '2026-03-02T18:30:00Z', 7.25),
      txn('feed-3', 'card-feed-1', '2026-03-04T23:59:59Z', 40),
      txn('feed-4', 'card-feed-1', '2026-03-04T12:00:00Z', -12.5),
      txn('feed-5', 'card-feed-2', '2026-03-05T08:00:00Z', 3),
      { ...txn('feed-9', 'card-feed-2', '2026-03-04T20:00:00Z', 9.99), country: 'FR' },
    ];
    expect(await send('/feed/transactions', { transactions: batch })).toEqual({
      status: 200,
      body: { received: 6, recorded: 6, duplicates: 0 },
    });
    // The processor resends: nothing is recorded twice.
    expect((await send('/feed/transactions', { transactions: batch })).body).toEqual({
      received: 6,
      recorded: 0,
      duplicates: 6,
    });

    // A bad row refuses its whole batch, naming the row and the field.
    const before = await db.cardTransaction.count();
    const bad = await send('/feed/transactions', {
      transactions: [
        txn('feed-6', 'card-feed-1', '2026-03-06T10:00:00Z', 5),
        txn('feed-7', 'card-nobody', '2026-03-06T10:00:00Z', 5),
        { ...txn('feed-8', 'card-feed-1', '2026-03-06T10:00:00Z', 5), mcc: 'food' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(fields(bad.body)).toEqual(['transactions.2.mcc']);
    const unknownCard = await send('/feed/transactions', {
      transactions: [
        txn('feed-6', 'card-feed-1', '2026-03-06T10:00:00Z', 5),
        txn('feed-7', 'card-nobody', '2026-03-06T10:00:00Z', 5),
      ],
    });
    expect([unknownCard.status, fields(unknownCard.body)]).toEqual([422, ['transactions.1.cardId']]);
    const changed = await send('/feed/transactions', {
      transactions: [
        txn('feed-6', 'card-feed-1', '2026-03-06T10:00:00Z', 5),
        txn('feed-1', 'card-feed-1', '2026-03-02T09:00:00Z', 99),
      ],
    });
    expect([changed.status, fields(changed.body)]).toEqual([422, ['transactions.1.id']]);
    expect((await send('/feed/transactions', { transactions: [] })).status).toBe(422);
    expect(await db.cardTransaction.count()).toBe(before);

    const events = [
      { id: 'ev-1', cardId: 'card-feed-2', type: 'card_reissued', at: '2026-03-03T00:00:00Z' },
      {
        id: 'ev-2',
        cardId: 'card-feed-1',
        type: 'travel_notice',
        at: '2026-03-03T00:00:00Z',
        until: '2026-03-10T00:00:00Z',
      },
    ];
    const noTripEnd = await send('/feed/card-events', { events: [{ ...events[1], until: undefined }] });
    expect([noTripEnd.status, fields(noTripEnd.body)]).toEqual([422, ['events.0.until']]);
    expect((await send('/feed/card-events', { events })).body).toEqual({ received: 2, recorded: 2, duplicates: 0 });
    expect((await send('/feed/card-events', { events })).body).toEqual({ received: 2, recorded: 0, duplicates: 2 });
    const closing = { id: 'ev-3', cardId: 'card-feed-2', type: 'card_closed', at: '2026-03-20T00:00:00Z' };
    expect((await send('/feed/card-events', { events: [closing] })).body).toMatchObject({ recorded: 1 });
    expect((await db.card.findUniqueOrThrow({ where: { id: 'card-feed-2' } })).status).toBe('closed');
  } finally {
    server.close();
  }

  // Both cards count; the refund does not; the day of `asOf` is not over, so it is left out. A
  // purchase outside the customer's home country (where most of theirs are) is counted abroad.
  const { loadUsage } = usageActivities({ db });
  const usage = await loadUsage({ customerId: CUSTOMER, from: '2026-03-01T15:00:00Z', asOf: '2026-03-05T10:00:00Z' });
  expect(usage.days).toEqual([
    { day: '2026-03-01', count: 0, spendCents: 0, abroad: 0 },
    { day: '2026-03-02', count: 2, spendCents: 1975, abroad: 0 },
    { day: '2026-03-03', count: 0, spendCents: 0, abroad: 0 },
    { day: '2026-03-04', count: 2, spendCents: 4999, abroad: 1 },
  ]);
  expect(usage.events).toEqual([
    { type: 'card_reissued', at: '2026-03-03T00:00:00.000Z', until: null },
    { type: 'travel_notice', at: '2026-03-03T00:00:00.000Z', until: '2026-03-10T00:00:00.000Z' },
  ]);
}

testOnBothDatabases(expectFeedAndUsage);
