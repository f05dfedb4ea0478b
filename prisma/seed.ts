/**
 * Demo data for a small bank: departments and staff, SLA policies, routing rules, a bank closure, and a few
 * hundred customers with a year of card transactions each, among them Jane from the scenario
 * in DESIGN.md. Deterministic for a given day; run by `npm start` when the database is empty.
 */
import { faker } from '@faker-js/faker';
import { loadConfig } from '../src/config';
import { createDb, type Db } from '../src/db/client';
import { DAY_MS, HOUR_MS } from '../workflows/domain/time';
import { CARD_NETWORK_SYSTEM, CARD_PROCESSOR_SYSTEM } from '../workflows/domain/case';
import { Prisma } from '../src/db/generated/sqlite/client';
import { archiveRows, type ArchivedCustomer } from './seed-archive';

export const JANE = {
  customerId: 'cust-jane',
  cardId: 'card-jane-credit',
  /** The small charge she does not recognise. */
  unrecognizedTransactionId: 'txn-jane-unrecognized',
};

export const DEPARTMENTS = [
  { id: 'intake', name: 'Dispute Intake' },
  { id: 'fraud', name: 'Fraud Investigations' },
  { id: 'merchant-disputes', name: 'Merchant Disputes' },
  { id: 'chargebacks', name: 'Chargebacks & Network' },
  { id: 'care', name: 'Customer Care' },
];

type StaffRow = {
  id: string;
  name: string;
  email: string;
  role: 'agent' | 'supervisor' | 'care_agent' | 'auditor' | 'admin' | 'system';
  departmentId: string;
  authorityLimitCents: number;
};

function staffRows(): StaffRow[] {
  const rows: StaffRow[] = [];
  for (const { id: dept } of DEPARTMENTS) {
    const agentRole = dept === 'care' ? 'care_agent' : 'agent';
    for (let i = 1; i <= 3; i++) {
      const name = faker.person.fullName();
      rows.push({
        id: `${dept}-agent-${i}`,
        name,
        email: faker.internet.email({ firstName: name, provider: 'bank.example' }).toLowerCase(),
        role: agentRole,
        departmentId: dept,
        authorityLimitCents: dept === 'care' ? 10_000 : 50_000,
      });
    }
    const name = faker.person.fullName();
    rows.push({
      id: `${dept}-supervisor`,
      name,
      email: faker.internet.email({ firstName: name, provider: 'bank.example' }).toLowerCase(),
      role: 'supervisor',
      departmentId: dept,
      authorityLimitCents: 500_000,
    });
  }
  rows.push({
    id: CARD_PROCESSOR_SYSTEM,
    name: 'Card processor (usage feed)',
    email: 'card-processor@bank.example',
    role: 'system',
    departmentId: 'intake',
    authorityLimitCents: 0,
  });
  rows.push(CARD_NETWORK_STAFF);
  rows.push({
    id: 'auditor',
    name: 'Internal Audit',
    email: 'internal-audit@bank.example',
    role: 'auditor',
    departmentId: 'intake',
    authorityLimitCents: 0,
  });
  rows.push({
    id: 'admin',
    name: 'Operations Admin',
    email: 'ops-admin@bank.example',
    role: 'admin',
    departmentId: 'intake',
    authorityLimitCents: 10_000_000,
  });
  return rows;
}

/** The card network's system, which sends its answers to chargebacks through the inbound feed. */
export const CARD_NETWORK_STAFF = {
  id: CARD_NETWORK_SYSTEM,
  name: 'Card network (chargeback answers)',
  email: 'card-network@bank.example',
  role: 'system' as const,
  departmentId: 'chargebacks',
  authorityLimitCents: 0,
};

/** Internal SLAs in business days; narrower rows (department, tier) win over broader ones. */
const SLA_POLICIES = [
  { stage: 'intake', businessDays: 1, warnBusinessDaysBefore: 0 },
  { stage: 'investigation', businessDays: 10, warnBusinessDaysBefore: 2 },
  { stage: 'investigation', departmentId: 'fraud', businessDays: 5, warnBusinessDaysBefore: 1 },
  { stage: 'investigation', tier: 'platinum' as const, businessDays: 5, warnBusinessDaysBefore: 1 },
  { stage: 'awaiting_customer', businessDays: 10, warnBusinessDaysBefore: 2 },
  { stage: 'awaiting_merchant', businessDays: 15, warnBusinessDaysBefore: 3, pausedWhileAwaitingCustomer: false },
  { stage: 'awaiting_network', businessDays: 30, warnBusinessDaysBefore: 5, pausedWhileAwaitingCustomer: false },
  { stage: 'pending_approval', businessDays: 2, warnBusinessDaysBefore: 1 },
];

/** Initial routing: first match by priority wins; the last row catches everything else. */
const ROUTING_RULES: {
  priority: number;
  departmentId: string;
  description: string;
  reasonCode?: string;
  tier?: 'standard' | 'gold' | 'platinum';
  minAmountCents?: number;
  maxAmountCents?: number;
}[] = [
  {
    priority: 10,
    minAmountCents: 500_000,
    departmentId: 'chargebacks',
    description: 'Disputes of 5,000.00 or more go straight to the network team',
  },
  { priority: 20, reasonCode: 'fraud_card_absent', departmentId: 'fraud', description: 'Card-absent fraud' },
  { priority: 30, reasonCode: 'fraud_card_present', departmentId: 'fraud', description: 'Card-present fraud' },
  {
    priority: 40,
    reasonCode: 'unrecognized',
    tier: 'platinum',
    departmentId: 'fraud',
    description: 'Unrecognised charges of platinum customers are treated as fraud',
  },
  {
    priority: 50,
    reasonCode: 'unrecognized',
    maxAmountCents: 5_000,
    departmentId: 'merchant-disputes',
    description: 'Small unrecognised charges are mostly unfamiliar merchant descriptors',
  },
  { priority: 60, reasonCode: 'unrecognized', departmentId: 'fraud', description: 'Other unrecognised charges' },
  {
    priority: 70,
    reasonCode: 'duplicate_charge',
    departmentId: 'chargebacks',
    description: 'Processing errors: duplicate charge',
  },
  {
    priority: 80,
    reasonCode: 'incorrect_amount',
    departmentId: 'chargebacks',
    description: 'Processing errors: incorrect amount',
  },
  {
    priority: 90,
    reasonCode: 'credit_not_processed',
    departmentId: 'chargebacks',
    description: 'Processing errors: credit not processed',
  },
  {
    priority: 1000,
    departmentId: 'merchant-disputes',
    description: 'Everything else: merchandise and service disputes',
  },
];

/**
 * Small processing errors the bank refunds at intake rather than charge back: a filing costs
 * more than it recovers. Fraud and unrecognised charges are always investigated (the card may be
 * compromised), and so are disputes about goods and services, where the merchant may settle.
 */
const WRITE_OFF_RULES = (['duplicate_charge', 'incorrect_amount', 'credit_not_processed'] as const).map(
  (reasonCode) => ({
    reasonCode,
    maxAmountCents: 2_500,
    description: `${reasonCode.replaceAll('_', ' ')} up to 25.00: refunded at intake, a chargeback costs more`,
  }),
);

const MERCHANTS = [
  { merchant: 'FRESHMART GROCERY', mcc: '5411', min: 1500, max: 14000, channel: 'pos' },
  { merchant: 'CORNER COFFEE CO', mcc: '5814', min: 350, max: 1200, channel: 'pos' },
  { merchant: 'SHELL OIL', mcc: '5541', min: 2500, max: 8000, channel: 'pos' },
  { merchant: 'AMAZON MKTPLACE', mcc: '5942', min: 999, max: 15000, channel: 'online' },
  { merchant: 'CITY TRANSIT', mcc: '4111', min: 275, max: 3300, channel: 'pos' },
  { merchant: 'NETFLIX.COM', mcc: '4899', min: 1549, max: 1549, channel: 'recurring' },
  { merchant: 'PHARMAPLUS', mcc: '5912', min: 800, max: 6000, channel: 'pos' },
  { merchant: 'BISTRO 21', mcc: '5812', min: 2500, max: 16000, channel: 'pos' },
] as const;

export type TxnRow = {
  id: string;
  cardId: string;
  postedAt: Date;
  amountCents: number;
  merchant: string;
  mcc: string;
  channel: string;
  /** Where it was made; at home (US) unless said. */
  country?: string;
};

/** A year of everyday spending, `perWeek` transactions a week on average. */
function yearOfTransactions(cardId: string, perWeek: number, now: Date): TxnRow[] {
  const rows: TxnRow[] = [];
  const start = now.getTime() - 365 * DAY_MS;
  for (let day = 0; day < 365; day++) {
    const count = faker.number.int({ min: 0, max: Math.max(1, Math.round((perWeek / 7) * 2)) });
    for (let n = 0; n < count; n++) {
      const m = faker.helpers.arrayElement(MERCHANTS);
      rows.push({
        id: `txn-${cardId}-${day}-${n}`,
        cardId,
        postedAt: new Date(start + day * DAY_MS + faker.number.int({ min: 7, max: 22 }) * HOUR_MS),
        amountCents: faker.number.int({ min: m.min, max: m.max }),
        merchant: m.merchant,
        mcc: m.mcc,
        channel: m.channel,
      });
    }
  }
  return rows;
}

async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>, size = 2000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

export interface SeedOptions {
  customers?: number;
  now?: Date;
  /** How many of the customers had a dispute in the last months, archived with its outcome (see seed-archive.ts). */
  archive?: number;
}

/** The demo bank `npm start` seeds: enough archived disputes for `care:backtest` and `care:calibrate`. */
export const DEMO_BANK: SeedOptions = { customers: 300, archive: 160 };

/**
 * The bank's reference data: departments, staff, SLA policies, routing and write-off rules, closures. Each table
 * is filled only while empty, so a database seeded by an older release gains what it lacks.
 */
async function seedReferenceData(db: Db, now: Date): Promise<void> {
  faker.seed(20261122);
  if (!(await db.department.count())) await db.department.createMany({ data: DEPARTMENTS });
  if (!(await db.staff.count())) await db.staff.createMany({ data: staffRows() });
  if (!(await db.slaPolicy.count())) await db.slaPolicy.createMany({ data: SLA_POLICIES });
  if (!(await db.routingRule.count())) await db.routingRule.createMany({ data: ROUTING_RULES });
  if (!(await db.writeOffRule.count())) await db.writeOffRule.createMany({ data: WRITE_OFF_RULES });
  // Public holidays come from date-holidays at run time; the table holds the bank's own closures.
  if (!(await db.holiday.count())) {
    await db.holiday.create({
      data: {
        calendar: 'US',
        date: new Date(Date.UTC(now.getUTCFullYear(), 11, 24)),
        name: 'Christmas Eve (bank closed)',
      },
    });
  }
}

/**
 * Seeds the reference data where missing, then the demo customers into a database without any;
 * returns whether customers were seeded.
 */
export async function seed(
  db: Db,
  { customers = 300, now = new Date(), archive = 0 }: SeedOptions = {},
): Promise<boolean> {
  await seedReferenceData(db, now);
  if ((await db.customer.count()) > 0) return false;
  faker.seed(20261123);

  const customerRows = [];
  const cardRows = [];
  let transactions: TxnRow[] = [];
  customerRows.push({
    id: JANE.customerId,
    name: 'Jane Morgan',
    email: 'jane.morgan@example.com',
    phone: '+1-555-0100',
    preferredChannel: 'email' as const,
    tier: 'gold' as const,
    lifetimeValueCents: 1_250_000,
    timezone: 'America/Chicago',
    statusUpdateIntervalDays: 3,
  });
  cardRows.push({
    id: JANE.cardId,
    customerId: JANE.customerId,
    last4: '4242',
    product: 'Rewards Credit',
    type: 'credit' as const,
    network: 'visa' as const,
    statementDay: 15,
    openedAt: new Date(now.getTime() - 6 * 365 * DAY_MS),
  });
  transactions.push(...yearOfTransactions(JANE.cardId, 12, now));
  transactions.push({
    id: JANE.unrecognizedTransactionId,
    cardId: JANE.cardId,
    postedAt: new Date(now.getTime() - 4 * DAY_MS),
    amountCents: 1499,
    merchant: 'DGTL*SVCS 800-555-0199',
    mcc: '5817',
    channel: 'online',
  });

  /** The last customers are those with an archived dispute; their usage comes with it. */
  const archived: ArchivedCustomer[] = [];
  for (let i = 1; i < customers; i++) {
    const id = `cust-${String(i).padStart(4, '0')}`;
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    customerRows.push({
      id,
      name: `${firstName} ${lastName}`,
      email: faker.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase(),
      phone: faker.phone.number({ style: 'national' }),
      preferredChannel: faker.helpers.weightedArrayElement([
        { weight: 7, value: 'email' as const },
        { weight: 2, value: 'sms' as const },
        { weight: 1, value: 'push' as const },
      ]),
      tier: faker.helpers.weightedArrayElement([
        { weight: 7, value: 'standard' as const },
        { weight: 2, value: 'gold' as const },
        { weight: 1, value: 'platinum' as const },
      ]),
      lifetimeValueCents: faker.number.int({ min: 50_000, max: 5_000_000 }),
      timezone: faker.helpers.arrayElement([
        'America/New_York',
        'America/Chicago',
        'America/Denver',
        'America/Los_Angeles',
      ]),
      statusUpdateIntervalDays: faker.helpers.arrayElement([null, 3, 7]),
    });
    const cardId = `card-${String(i).padStart(4, '0')}`;
    const product = faker.helpers.arrayElement(['Rewards Credit', 'Cash Back Credit', 'Everyday Debit']);
    const type = product.endsWith('Debit') ? ('debit' as const) : ('credit' as const);
    cardRows.push({
      id: cardId,
      customerId: id,
      last4: faker.finance.accountNumber(4),
      product,
      type,
      // Every third card a Mastercard, without drawing from faker (the rest of the seed stays as it was).
      network: i % 3 === 2 ? ('mastercard' as const) : ('visa' as const),
      statementDay: faker.number.int({ min: 1, max: 28 }),
      openedAt: faker.date.past({ years: 8, refDate: now }),
    });
    const perWeek = faker.number.int({ min: 3, max: 15 });
    if (i >= customers - archive) archived.push({ customerId: id, cardId });
    else transactions = transactions.concat(yearOfTransactions(cardId, perWeek, now));
  }
  const history = archiveRows(archived, now);
  transactions = transactions.concat(history.transactions);

  await insertInBatches(customerRows, (data) => db.customer.createMany({ data }));
  await insertInBatches(cardRows, (data) => db.card.createMany({ data }));
  // A year of transactions is the bulk of the seed; one multi-row INSERT per batch is about
  // ten times faster than createMany, which binds every row through the query compiler.
  await insertInBatches(
    transactions,
    (batch) =>
      db.$executeRaw`INSERT INTO "CardTransaction" ("id", "cardId", "postedAt", "amountCents", "currency", "merchant", "mcc", "country", "channel") VALUES ${Prisma.join(
        batch.map(
          (t) =>
            Prisma.sql`(${t.id}, ${t.cardId}, ${t.postedAt}, ${t.amountCents}, 'USD', ${t.merchant}, ${t.mcc}, ${t.country ?? 'US'}, ${t.channel})`,
        ),
      )}`,
    1000,
  );
  await insertInBatches(history.cardEvents, (data) => db.cardEvent.createMany({ data }));
  await insertInBatches(history.cases, (data) => db.case.createMany({ data: data as Prisma.CaseCreateManyInput[] }));
  await insertInBatches(history.caseEvents, (data) => db.caseEvent.createMany({ data }));
  return true;
}

// `prisma db seed` and `npm run db:seed` run this file directly.
if (require.main === module) {
  void (async () => {
    const db = createDb(loadConfig().databaseUrl);
    const seeded = await seed(db, DEMO_BANK);
    console.log(seeded ? 'Seeded the demo bank.' : 'The database has customers already; nothing seeded.');
    await db.$disconnect();
  })();
}
