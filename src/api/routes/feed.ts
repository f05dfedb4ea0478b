/**
 * The card processor's feed: `POST /feed/transactions` and `POST /feed/card-events`. A batch is
 * checked whole before anything is written: a bad row refuses the batch, naming the row and the
 * field. Rows are idempotent by id: a row sent again is counted as a duplicate, and one sent again
 * with different details is refused.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { Prisma } from '../../db/generated/sqlite/client';
import { Problem, type FieldError } from '../problem';
import { id, oneOf, requireJson, text } from '../validation';
import { CARD_EVENT_TYPES } from '../../../workflows/domain/usage-facts';

const MAX_BATCH = 500;

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-11-20T14:05:00Z' });

/** A signed amount in currency units: purchases are positive, refunds negative. */
const signedCents = z
  .number({ error: 'must be a number such as 12.99 (negative for a refund)' })
  .refine((v) => Number.isFinite(v) && v !== 0, 'must not be zero')
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'must have at most two decimal places')
  .transform((v) => Math.round(v * 100));

const Transaction = z.strictObject({
  id: id(),
  cardId: id(),
  postedAt: instant.transform((v) => new Date(v)),
  amount: signedCents,
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter currency code')
    .default('USD'),
  merchant: text(200),
  mcc: z.string().regex(/^\d{4}$/, 'must be a four-digit merchant category code'),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code')
    .default('US'),
  channel: oneOf(['pos', 'online', 'atm', 'recurring']),
});

const CardEvent = z
  .strictObject({
    id: id(),
    cardId: id(),
    type: oneOf(CARD_EVENT_TYPES),
    at: instant.transform((v) => new Date(v)),
    until: instant.transform((v) => new Date(v)).optional(),
  })
  .refine((e) => (e.type === 'travel_notice') === (e.until !== undefined), {
    path: ['until'],
    message: 'is required for a travel notice (its last day) and only for one',
  });

const batch = <T extends z.ZodType>(name: string, row: T) =>
  z.strictObject({
    [name]: z.array(row).min(1, 'must hold at least one row').max(MAX_BATCH, `must hold at most ${MAX_BATCH} rows`),
  });

export const Transactions = batch('transactions', Transaction);
export const CardEvents = batch('events', CardEvent);

type Row = { id: string; cardId: string };

/** Every row's card must exist; a row already recorded must be the same row. */
async function checkRows<R extends Row>(
  db: Db,
  field: string,
  rows: R[],
  recorded: (ids: string[]) => Promise<R[]>,
): Promise<void> {
  const errors: FieldError[] = [];
  const cards = new Set(
    (await db.card.findMany({ where: { id: { in: rows.map((r) => r.cardId) } }, select: { id: true } })).map(
      (c) => c.id,
    ),
  );
  const earlier = new Map((await recorded(rows.map((r) => r.id))).map((r) => [r.id, r]));
  const seen = new Map<string, R>();
  rows.forEach((row, i) => {
    if (!cards.has(row.cardId)) errors.push({ field: `${field}.${i}.cardId`, message: `no card ${row.cardId}` });
    const same = earlier.get(row.id) ?? seen.get(row.id);
    if (same && !sameRow(same, row)) {
      errors.push({ field: `${field}.${i}.id`, message: `${row.id} was already sent with different details` });
    }
    seen.set(row.id, row);
  });
  if (errors.length) throw Problem.invalid(errors);
}

/** The first of each id: a batch may repeat a row. */
const unique = <R extends Row>(rows: R[]) => rows.filter((r, i) => rows.findIndex((s) => s.id === r.id) === i);

function sameRow(a: object, b: object): boolean {
  const norm = (r: object) =>
    JSON.stringify(
      Object.entries(r).sort(([x], [y]) => x.localeCompare(y)),
      (_k, v: unknown) => v ?? null,
    );
  return norm(a) === norm(b);
}

export function feedRoutes({ db }: { db: Db }): Router {
  const router = Router();

  router.post('/feed/transactions', async (req, res) => {
    requireJson(req);
    const rows = Transactions.parse(req.body ?? {}).transactions.map(({ amount, ...t }) => ({
      ...t,
      amountCents: amount,
    }));
    await checkRows(db, 'transactions', rows, (ids) => db.cardTransaction.findMany({ where: { id: { in: ids } } }));
    const fresh = unique(rows);
    // One statement: a batch sent twice at once still records each row once.
    const recorded = await db.$executeRaw`
      INSERT INTO "CardTransaction" ("id", "cardId", "postedAt", "amountCents", "currency", "merchant", "mcc", "country", "channel")
      VALUES ${Prisma.join(
        fresh.map(
          (t) =>
            Prisma.sql`(${t.id}, ${t.cardId}, ${t.postedAt}, ${t.amountCents}, ${t.currency}, ${t.merchant}, ${t.mcc}, ${t.country}, ${t.channel})`,
        ),
      )}
      ON CONFLICT ("id") DO NOTHING`;
    res.json({ received: rows.length, recorded, duplicates: rows.length - recorded });
  });

  router.post('/feed/card-events', async (req, res) => {
    requireJson(req);
    const rows = CardEvents.parse(req.body ?? {}).events.map((e) => ({ ...e, until: e.until ?? null }));
    let known = new Set<string>();
    await checkRows(db, 'events', rows, async (ids) => {
      const earlier = await db.cardEvent.findMany({ where: { id: { in: ids } } });
      known = new Set(earlier.map((e) => e.id));
      return earlier;
    });
    const fresh = unique(rows).filter((e) => !known.has(e.id));
    const closed = fresh.filter((e) => e.type === 'card_closed').map((e) => e.cardId);
    await db.$transaction([
      ...fresh.map((e) => db.cardEvent.upsert({ where: { id: e.id }, create: e, update: {} })),
      db.card.updateMany({ where: { id: { in: closed } }, data: { status: 'closed' } }),
    ]);
    res.json({ received: rows.length, recorded: fresh.length, duplicates: rows.length - fresh.length });
  });

  return router;
}
