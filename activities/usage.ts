/**
 * The customer's card usage, as the attrition watch reads it: counted per day in SQL, across all
 * the customer's cards, up to an instant the workflow passes in, so the same code runs on real
 * time and on the time-skipping server. Read-only, so retries are harmless.
 */
import { careVerdict } from '../src/care/offer-policy';
import { DEFAULT_WATCH_SETTINGS, type WatchSettings } from '../src/care/settings';
import { refreshFacts, STALE_FACTS } from '../src/cem/rollup';
import { Prisma } from '../src/db/generated/sqlite/client';
import type { Db } from '../src/db/client';
import type { DisputeProgress, RiskReport } from '../workflows/attrition-watch/messages';
import type { RetentionOutcome, OutreachOutcome } from '../workflows/domain/care';
import { DAY_MS } from '../workflows/domain/time';
import { assessRisk, CURRENT_RULE_SET, type RuleSet } from '../workflows/domain/risk-rules';
import {
  HISTORY_BEFORE_OPEN_DAYS,
  retentionOutcome,
  riskFacts,
  type DisputeFacts,
  type RiskFacts,
  type UsageHistory,
  type CardEventType,
} from '../workflows/domain/usage-facts';

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
  /** Of `count`, the transactions outside the customer's home country (where most of theirs are). */
  abroad: number;
}

export interface CardEventFact {
  type: CardEventType;
  at: string;
  until: string | null;
}

export interface Usage {
  /** Every day from `from` to the day before `asOf`, zeros included. */
  days: DailyUsage[];
  /** Card events known by `asOf` that touch the period. */
  events: CardEventFact[];
}

export interface WatchQuery {
  customerId: string;
  openedAt: string;
  progress: DisputeProgress;
  /** Facts are for the whole days before this instant's day. */
  asOf: string;
}

const dayStart = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS) * DAY_MS;
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
/** Days numbered since the epoch, as the usage facts count them. */
const dayNumber = (iso: string) => Math.floor(Date.parse(iso) / DAY_MS);

/** What one look at the customer decided, with the version of the rule set that decided it. */
export type RiskLook = Pick<RiskReport, 'level' | 'recommendation' | 'rules' | 'facts'> & { ruleSet: number };

export interface UsageDeps {
  db: Db;
  watch?: Partial<WatchSettings>;
  /** The rule set a look judges with, asked at each look: a new release is taken at the next one. */
  ruleSet?: () => RuleSet;
}

export function usageActivities({ db, watch = {}, ruleSet = () => CURRENT_RULE_SET }: UsageDeps) {
  const settings: WatchSettings = { ...DEFAULT_WATCH_SETTINGS, ...watch };

  /** The customer's usage and case facts in the form the usage facts take. */
  async function history({ customerId, openedAt, progress, asOf }: WatchQuery): Promise<[UsageHistory, DisputeFacts]> {
    const from = new Date(Date.parse(openedAt) - HISTORY_BEFORE_OPEN_DAYS * DAY_MS).toISOString();
    const [usage, customer] = await Promise.all([
      loadUsage({ customerId, from, asOf }),
      db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { tier: true, lifetimeValueCents: true } }),
    ]);
    const days: UsageHistory = {
      firstDay: dayNumber(from),
      counts: usage.days.map((d) => d.count),
      abroad: usage.days.map((d) => d.abroad),
    };
    const facts: DisputeFacts = {
      disputeOpenDay: dayNumber(openedAt),
      disputeResolveDay: progress.resolvedAt ? dayNumber(progress.resolvedAt) : null,
      events: usage.events.map((e) => ({
        day: dayNumber(e.at),
        type: e.type,
        untilDay: e.until ? dayNumber(e.until) : null,
      })),
      tier: customer.tier,
      lifetimeValueCents: customer.lifetimeValueCents,
      slaBreaches: progress.slaBreaches,
      customerContacts: progress.customerContacts,
    };
    return [days, facts];
  }

  async function loadUsage({ customerId, from, asOf }: UsageQuery): Promise<Usage> {
    const start = dayStart(from);
    const end = dayStart(asOf);
    // Purchases only: adjustments are the bank's own bookings, and refunds are not spending.
    // `CAST(... AS TEXT)` starts with the UTC date on SQLite (ISO text) and PostgreSQL (timestamp).
    const rows = await db.$queryRaw<
      { day: string; country: string; count: number | bigint; spend: number | bigint | null }[]
    >(
      Prisma.sql`
          SELECT substr(CAST(t."postedAt" AS TEXT), 1, 10) AS day, t."country" AS country,
                 COUNT(*) AS count, SUM(t."amountCents") AS spend
          FROM "CardTransaction" t JOIN "Card" c ON c."id" = t."cardId"
          WHERE c."customerId" = ${customerId}
            AND t."postedAt" >= ${new Date(start)} AND t."postedAt" < ${new Date(end)}
            AND t."channel" <> 'adjustment' AND t."amountCents" > 0
          GROUP BY 1, 2`,
    );
    const byCountry = new Map<string, number>();
    for (const r of rows) byCountry.set(r.country, (byCountry.get(r.country) ?? 0) + Number(r.count));
    const home = [...byCountry].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
    const byDay = new Map<string, DailyUsage>();
    for (const r of rows) {
      const d = byDay.get(r.day) ?? { day: r.day, count: 0, spendCents: 0, abroad: 0 };
      d.count += Number(r.count);
      d.spendCents += Number(r.spend ?? 0);
      if (r.country !== home) d.abroad += Number(r.count);
      byDay.set(r.day, d);
    }
    const days: DailyUsage[] = [];
    for (let t = start; t < end; t += DAY_MS) {
      days.push(byDay.get(dayOf(t)) ?? { day: dayOf(t), count: 0, spendCents: 0, abroad: 0 });
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
  }

  return {
    loadUsage,

    /** How often the watch looks, and how long it watches after the resolution. */
    async watchSettings(): Promise<WatchSettings> {
      return settings;
    },

    /**
     * The risk facts of the customer's usage and case, as of the whole days before `asOf`.
     * Only watches recorded before RISK_IN_ACTIVITY_PATCH call it; kept for a look such a watch
     * had scheduled when the worker was upgraded (judged in the workflow by rule set 1 on today's
     * facts, which may leave its level as it was until the next look, on the new path).
     */
    async usageRiskFacts(query: WatchQuery): Promise<RiskFacts | null> {
      const [days, facts] = await history(query);
      return riskFacts(days, facts, dayNumber(query.asOf) - 1);
    },

    /**
     * One look at the customer: the facts as of the whole days before `asOf`, judged by the rule
     * set this worker runs. The answer is recorded in the watch's history, so a replay reads the
     * decision instead of judging again, and a new rule set is safe for running watches.
     */
    async assessAttritionRisk(query: WatchQuery): Promise<RiskLook> {
      const [days, caseFacts] = await history(query);
      const facts = riskFacts(days, caseFacts, dayNumber(query.asOf) - 1);
      const rules = ruleSet();
      const risk = facts ? await assessRisk(facts, rules) : { level: 'none' as const, recommendation: null, rules: [] };
      return { ...risk, facts, ruleSet: rules.version };
    },

    /** Decides whether the customer stayed and, with the care team's record, whether they were saved. */
    async settleRetention(query: WatchQuery & { caseId: string }): Promise<RetentionOutcome> {
      const [days, facts] = await history(query);
      const outcome = retentionOutcome(days, facts, dayNumber(query.asOf) - 1);
      const outcomes = await db.outreachTask.findMany({ where: { caseId: query.caseId }, select: { outcome: true } });
      const reached = outcomes.some((o) => o.outcome !== null && (JSON.parse(o.outcome) as OutreachOutcome).reached);
      await db.case.update({
        where: { id: query.caseId },
        data: {
          retentionOutcome: outcome,
          retentionDecidedAt: new Date(query.asOf),
          careVerdict: careVerdict(outcome, reached),
          ...STALE_FACTS,
        },
      });
      await refreshFacts(db, [query.caseId]);
      return outcome;
    },
  };
}
