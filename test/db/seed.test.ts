import { JANE, seed } from '../../prisma/seed';
import { createDb, type Db } from '../../src/db/client';
import { migrate, prisma } from '../../src/db/migrate';
import { emptyPostgres, migratedSqlite, tempDir, TEST_DATABASE_URL } from '../helpers/db';
import { DAY_MS } from '../../workflows/domain/time';

async function expectDemoBank(db: Db) {
  expect(await seed(db, { customers: 12 })).toBe(true);
  const jane = await db.customer.findUniqueOrThrow({ where: { id: JANE.customerId }, include: { cards: true } });
  expect(jane.cards.map((c) => c.id)).toEqual([JANE.cardId]);
  const charge = await db.cardTransaction.findUniqueOrThrow({ where: { id: JANE.unrecognizedTransactionId } });
  expect(charge.amountCents).toBeLessThan(5000);
  // A year of usage: her baseline for the attrition watch.
  const first = await db.cardTransaction.findFirstOrThrow({
    where: { cardId: JANE.cardId },
    orderBy: { postedAt: 'asc' },
  });
  expect(Date.now() - first.postedAt.getTime()).toBeGreaterThan(360 * DAY_MS);
  expect(await db.customer.count()).toBe(12);
  expect(await db.department.count()).toBeGreaterThanOrEqual(4);
  expect(await db.staff.count({ where: { role: 'supervisor' } })).toBeGreaterThanOrEqual(4);
  expect(
    await db.routingRule.count({ where: { reasonCode: null, tier: null, minAmountCents: null, maxAmountCents: null } }),
  ).toBe(1);
  expect(await db.card.count({ where: { type: 'debit' } })).toBeGreaterThan(0);
  // Both networks' rules get used: Jane's card is a Visa, some others are Mastercards.
  expect(jane.cards[0].network).toBe('visa');
  expect(await db.card.count({ where: { network: 'mastercard' } })).toBeGreaterThan(0);
  // Seeding again changes nothing.
  const rules = await db.routingRule.count();
  expect(await seed(db, { customers: 12 })).toBe(false);
  expect(await db.customer.count()).toBe(12);
  expect(await db.routingRule.count()).toBe(rules);
  // A database seeded before routing existed gains the routing table and keeps its customers.
  await db.routingRule.deleteMany();
  expect(await seed(db, { customers: 12 })).toBe(false);
  expect(await db.routingRule.count()).toBe(rules);
}

test('seeds the demo bank on SQLite, once', async () => {
  const { db } = migratedSqlite();
  await expectDemoBank(db);
  await db.$disconnect();
});

(TEST_DATABASE_URL ? test : test.skip)('seeds the demo bank on PostgreSQL, once', async () => {
  const database = await emptyPostgres(TEST_DATABASE_URL!);
  const db = createDb(database.url);
  try {
    await prisma(database.url, ['migrate', 'deploy']);
    await expectDemoBank(db);
  } finally {
    await db.$disconnect();
    await database.drop();
  }
});

test('migrate applies pending migrations once, then skips the CLI', async () => {
  const url = `file:${tempDir()}/fresh.db`;
  const db = createDb(url);
  try {
    expect((await migrate(db, url)).length).toBeGreaterThan(0);
    expect(await migrate(db, url)).toEqual([]);
  } finally {
    await db.$disconnect();
  }
});
