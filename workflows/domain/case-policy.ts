/**
 * The policy a case is held to, captured once at intake (from the database and the worker's
 * configuration) and kept in workflow state, so later edits to policy data or code defaults
 * never change the timers of a case already running.
 */
import type { Holidays } from './business-time';
import { DAY_MS } from './time';
import type { NewClock } from './clocks';
import type { CardNetwork } from './network-rules';
import type { RegulationFacts } from './regulations';

export type CustomerTier = 'standard' | 'gold' | 'platinum';

/** One row of the SLA policy table: narrower rows (department, tier) win over broader ones. */
export interface SlaPolicy {
  stage: string;
  departmentId: string | null;
  tier: CustomerTier | null;
  businessDays: number;
  warnBusinessDaysBefore: number;
  pausedWhileAwaitingCustomer: boolean;
}

export interface CasePolicy {
  /** How long a resolved case may be reopened before it closes for good. */
  reopenWindowDays: number;
  /** Resolutions above this amount need a second person's approval (four-eyes). */
  directResolveLimitCents: number;
  /** Regulatory clocks fire their action this long before the deadline. */
  regulatoryLeadHours: number;
  /** How often this customer hears how the case stands: their preference within the policy's bounds. */
  statusUpdateDays: number;
  /** Attempts at delivering a message before it is given up and staff are alerted. */
  notificationAttempts: number;
  /** How long after resolution the satisfaction survey goes out. */
  surveyDelayHours: number;
  /** Whether an attrition watch follows the customer during the case (absent before it existed). */
  attritionWatch?: boolean;
  slaPolicies: SlaPolicy[];
  /** Business-day calendar: `YYYY-MM-DD` holidays for the case's lifetime. */
  holidays: string[];
}

/** What an activity learns about a case at intake; fixed for the case's life. */
export interface CaseContext {
  tier: CustomerTier;
  facts: RegulationFacts;
  route: { departmentId: string; ruleId: number | null; description: string };
  /** The write-off rule the dispute falls under, settled at intake without a filing (absent on older cases). */
  writeOff?: { ruleId: number; description: string } | null;
  policy: CasePolicy;
  /**
   * The card's network and the version of its dispute rules the case opened with (absent on cases
   * opened before networks were kept), so a new edition of the rules never changes a running case.
   */
  network?: {
    network: CardNetwork;
    rulesVersion: number;
    /** The disputed transaction's processing date and whether the card was present (absent on older cases). */
    processedAt?: string;
    cardPresent?: boolean;
  };
}

/** Defaults for the settings that do not live in tables; the worker's environment overrides them. */
export const DEFAULT_CASE_SETTINGS = {
  reopenWindowDays: 60,
  directResolveLimitCents: 10_000,
  regulatoryLeadHours: 12,
  /** A customer without a preference hears from us weekly… */
  statusUpdateDefaultDays: 7,
  /** …and nobody waits longer than two weeks, whatever they asked for. */
  statusUpdateMaxDays: 14,
  // 5 s doubling to an hour: 14 attempts span about four and a half hours.
  notificationAttempts: 14,
  surveyDelayHours: 24,
  attritionWatch: true,
};
export type CaseSettings = typeof DEFAULT_CASE_SETTINGS;

/** The status-update interval for a customer's preference (days; null for none). */
export function statusUpdateDays(preference: number | null, settings: CaseSettings): number {
  return Math.min(Math.max(1, preference ?? settings.statusUpdateDefaultDays), settings.statusUpdateMaxDays);
}

export function findSlaPolicy(
  policies: SlaPolicy[],
  stage: string,
  departmentId: string,
  tier: CustomerTier,
): SlaPolicy | null {
  const specificity = (p: SlaPolicy) => (p.departmentId ? 2 : 0) + (p.tier ? 1 : 0);
  return (
    policies
      .filter(
        (p) => p.stage === stage && (p.departmentId ?? departmentId) === departmentId && (p.tier ?? tier) === tier,
      )
      .sort((a, b) => specificity(b) - specificity(a))[0] ?? null
  );
}

const STAGE_LABELS: Record<string, string> = {
  intake: 'Intake',
  investigation: 'Investigation',
  awaiting_customer: 'Customer response',
  awaiting_merchant: 'Merchant response',
  awaiting_network: 'Network response',
  pending_approval: 'Approval',
};

/** The SLA clock for a stage in a department, or null when no policy covers the stage. */
export function slaClockSpec(
  policy: SlaPolicy | null,
  stage: string,
  departmentId: string,
  serial: number,
): NewClock | null {
  if (!policy) return null;
  return {
    id: `sla:${stage}:${serial}`,
    kind: 'sla',
    stage,
    label: `${STAGE_LABELS[stage] ?? stage} SLA (${departmentId}, ${policy.businessDays} business days)`,
    basis: 'business',
    budgetMs: policy.businessDays * DAY_MS,
    warnBeforeMs: policy.warnBusinessDaysBefore > 0 ? policy.warnBusinessDaysBefore * DAY_MS : null,
  };
}

export const holidaySet = (policy: CasePolicy): Holidays => new Set(policy.holidays);
