/**
 * `GET /customers/:id`: what staff need to open a dispute on the phone: the customer's profile,
 * their cards, and their recent transactions, newest first, each saying whether it is already
 * disputed and by which case. Card adjustments (credits the bank booked) are not listed.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { toUnits } from '../../../workflows/domain/money';
import { Problem } from '../problem';
import { id, limitParam } from '../validation';

export const TransactionFilter = z.strictObject({
  cardId: id().optional(),
  limit: limitParam(200, 50),
});

export function customerRoutes({ db }: { db: Db }): Router {
  const router = Router();

  router.get('/customers/:id', async (req, res) => {
    const { cardId, limit } = TransactionFilter.parse(req.query);
    const customer = await db.customer.findUnique({
      where: { id: String(req.params.id) },
      include: { cards: { orderBy: { openedAt: 'asc' } } },
    });
    if (!customer) throw Problem.notFound(`No customer ${req.params.id}.`);
    const cardIds = customer.cards.map((card) => card.id);
    if (cardId && !cardIds.includes(cardId)) {
      throw Problem.invalid([{ field: 'cardId', message: `${cardId} is not a card of ${customer.id}` }]);
    }
    const transactions = await db.cardTransaction.findMany({
      where: { cardId: cardId ?? { in: cardIds }, channel: { not: 'adjustment' } },
      orderBy: [{ postedAt: 'desc' }, { id: 'asc' }],
      take: limit,
      include: { cases: { select: { id: true, stage: true } } },
    });
    res.json({
      id: customer.id,
      name: customer.name,
      email: customer.email,
      phone: customer.phone,
      tier: customer.tier,
      preferredChannel: customer.preferredChannel,
      timezone: customer.timezone,
      cards: customer.cards.map(({ id, last4, product, type, status, openedAt }) => ({
        id,
        last4,
        product,
        type,
        status,
        openedAt,
      })),
      transactions: transactions.map((t) => ({
        id: t.id,
        cardId: t.cardId,
        postedAt: t.postedAt,
        amount: toUnits(t.amountCents),
        currency: t.currency,
        merchant: t.merchant,
        mcc: t.mcc,
        channel: t.channel,
        country: t.country,
        disputed: t.cases.length > 0,
        cases: t.cases.map((c) => ({ id: c.id, stage: c.stage })),
      })),
    });
  });

  return router;
}
