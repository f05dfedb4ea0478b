import type { CustomerTier } from './case-policy';

/** A row of the routing table (`RoutingRule` in the database); null conditions match anything. */
export interface RoutingRule {
  id: number;
  priority: number;
  reasonCode: string | null;
  tier: CustomerTier | null;
  minAmountCents: number | null;
  maxAmountCents: number | null;
  departmentId: string;
  description: string;
}

export interface RoutingFacts {
  reasonCode: string;
  tier: CustomerTier;
  amountCents: number;
}

/** The first rule, by priority, whose every condition holds; null when none does. */
export function matchRoute(rules: RoutingRule[], facts: RoutingFacts): RoutingRule | null {
  return (
    [...rules]
      .sort((a, b) => a.priority - b.priority)
      .find(
        (r) =>
          (r.reasonCode === null || r.reasonCode === facts.reasonCode) &&
          (r.tier === null || r.tier === facts.tier) &&
          (r.minAmountCents === null || facts.amountCents >= r.minAmountCents) &&
          (r.maxAmountCents === null || facts.amountCents <= r.maxAmountCents),
      ) ?? null
  );
}

/** A row of the write-off table (`WriteOffRule`); a null reason or tier matches any. */
export interface WriteOffRule {
  id: number;
  reasonCode: string | null;
  tier: CustomerTier | null;
  maxAmountCents: number;
  description: string;
}

/** The rule a dispute is written off by (the one allowing the most, when several do), or null. */
export function matchWriteOff(rules: WriteOffRule[], facts: RoutingFacts): WriteOffRule | null {
  const matching = rules.filter(
    (r) =>
      (r.reasonCode === null || r.reasonCode === facts.reasonCode) &&
      (r.tier === null || r.tier === facts.tier) &&
      facts.amountCents <= r.maxAmountCents,
  );
  return matching.sort((a, b) => b.maxAmountCents - a.maxAmountCents || a.id - b.id)[0] ?? null;
}
