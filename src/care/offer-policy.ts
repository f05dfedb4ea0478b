/**
 * The care team's policy for an outreach: how soon a customer at risk must be called, and which
 * goodwill a care agent may offer without asking anyone. Both go by the customer's value, so the
 * bank moves fastest and offers most where it has most to lose. Plain data; the worker's
 * configuration may replace it.
 */
import type { Concession, OutreachRecommendation, RetentionOutcome } from '../../workflows/domain/care';
import { HOUR_MS } from '../../workflows/domain/time';

export interface CarePolicy {
  /** Hours to the outreach deadline; the first band whose floor the customer's value reaches applies. */
  deadlines: { minLifetimeValueCents: number; hours: number }[];
  /** Pre-approved concessions; the first band the customer reaches applies, none below the last. */
  concessions: ({ minLifetimeValueCents: number } & Concession)[];
  /** Where the care team's queue gets its email. */
  careQueueEmail: string;
}

export const DEFAULT_CARE_POLICY: CarePolicy = {
  deadlines: [
    { minLifetimeValueCents: 2_500_000, hours: 4 },
    { minLifetimeValueCents: 500_000, hours: 24 },
    { minLifetimeValueCents: 0, hours: 72 },
  ],
  // Each within a care agent's seeded authority ($100): the agent offers it on the call.
  concessions: [
    { minLifetimeValueCents: 2_500_000, kind: 'fee_waiver', valueCents: 9_500 },
    { minLifetimeValueCents: 500_000, kind: 'reward_points', valueCents: 5_000 },
  ],
  careQueueEmail: 'care-queue@bank.example',
};

export interface OutreachFacts {
  lifetimeValueCents: number;
  /** The regulatory resolve-by date from the case's clocks. */
  resolveBy: string | null;
  /** When the outreach opens. */
  at: string;
}

export function recommendOutreach(
  facts: OutreachFacts,
  policy: CarePolicy = DEFAULT_CARE_POLICY,
): { dueAt: string; recommendation: OutreachRecommendation } {
  const band = <T extends { minLifetimeValueCents: number }>(rows: T[]) =>
    rows.find((row) => facts.lifetimeValueCents >= row.minLifetimeValueCents) ?? null;
  const hours = band(policy.deadlines)?.hours ?? policy.deadlines.at(-1)?.hours ?? 72;
  const offer = band(policy.concessions);
  const concession: Concession | null = offer ? { kind: offer.kind, valueCents: offer.valueCents } : null;
  return {
    dueAt: new Date(Date.parse(facts.at) + hours * HOUR_MS).toISOString(),
    recommendation: {
      actions: [
        'call_back',
        ...(facts.resolveBy ? (['commit_resolve_by'] as const) : []),
        ...(concession ? (['offer_concession'] as const) : []),
      ],
      resolveBy: facts.resolveBy,
      concession,
    },
  };
}

/** A case's save or loss: the retention outcome read with what the care team did. */
export type CareVerdict = 'saved' | 'lost' | 'retained' | 'unknown';

/**
 * `saved` when the care team reached a customer at risk and the customer stayed; `retained` when
 * they stayed without a call (never at risk, or not reached); `lost` and `unknown` as observed.
 */
export function careVerdict(retention: RetentionOutcome, reachedAtRisk: boolean): CareVerdict {
  if (retention === 'retained') return reachedAtRisk ? 'saved' : 'retained';
  return retention;
}
