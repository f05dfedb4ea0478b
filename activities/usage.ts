/**
 * The customer's card usage, as the attrition watch reads it: counted per day in SQL, across all
 * the customer's cards, up to an instant the workflow passes in, so the same code runs on real
 * time and on the time-skipping server. Read-only, so retries are harmless.
 */
import { Prisma } from '../src/db/generated/sqlite/client';
import type { Db } from '../src/db/client';
import { DAY_MS } from '../workflows/domain/time';

export interface UsageQuery {
  customerId: string;
  /** First day to count (an instant within it). */
  from: string;
  /** Usage is counted for whole UTC days before the day of this instant. */
  asOf: string;
}

export interface DailyUsage {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  count: number;
  spendCents: number;
}

export interface CardEventFact {
  type: 'card_reissued' | 'card_closed' | 'travel_notice';
  at: string;
  until: string | null;
}

export interface Usage {
  /** Every day from `from` to the day before `asOf`, zeros included. */
  days: DailyUsage[];
  /** Card events known by `asOf` that touch the period. */
  events: CardEventFact[];
}

const dayStart = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS) * DAY_MS;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);

export function usageActivities({ db }: { db: Db }) {
  return {
    async loadUsage({ customerId, from, asOf }: UsageQuery): Promise<Usage> {
      const start = dayStart(from);
      const end = dayStart(asOf);
      // Purchases only: adjustments are the bank's own bookings, and refunds are not spending.
      // `CAST(... AS TEXT)` starts with the UTC date on SQLite (ISO text) and PostgreSQL (timestamp).
      const rows = await db.$queryRaw<{ day: string; count: number | bigint; spend: number | bigint | null }[]>(
        Prisma.sql`
          SELECT substr(CAST(t."postedAt" AS TEXT), 1, 10) AS day, COUNT(*) AS count, SUM(t."amountCents") AS spend
          FROM "CardTransaction" t JOIN "Card" c ON c."id" = t."cardId"
          WHERE c."customerId" = ${customerId}
            AND t."postedAt" >= ${new Date(start)} AND t."postedAt" < ${new Date(end)}
            AND t."channel" <> 'adjustment' AND t."amountCents" > 0
          GROUP BY 1`,
      );
      const byDay = new Map(rows.map((r) => [r.day, r]));
      const days: DailyUsage[] = [];
      for (let t = start; t < end; t += DAY_MS) {
        const row = byDay.get(dayOf(t));
        days.push({ day: dayOf(t), count: Number(row?.count ?? 0), spendCents: Number(row?.spend ?? 0) });
      }
      const events = await db.cardEvent.findMany({
        where: {
          card: { customerId },
          at: { lt: new Date(asOf) },
          OR: [{ at: { gte: new Date(start) } }, { until: { gte: new Date(start) } }],
        },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      });
      return {
        days,
        events: events.map((e) => ({
          type: e.type,
          at: e.at.toISOString(),
          until: e.until?.toISOString() ?? null,
        })),
      };
    },
  };
}
