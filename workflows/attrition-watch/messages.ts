/**
 * The attrition watch's public contract. The watch is a child of the dispute workflow (id
 * `attrition-watch-<caseId>`) that follows the customer's card usage while the dispute is open
 * and for a while after, tells its parent when the customer looks likely to leave, and reports
 * whether they stayed.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AttritionRisk, RetentionOutcome } from '../domain/care';
import type { FiredRule, Recommendation } from '../domain/risk-rules';
import type { RiskFacts } from '../domain/usage-facts';

export const attritionWatchWorkflowId = (caseId: string): string => `attrition-watch-${caseId}`;

/** Ids only: the watch loads what it needs about the customer through activities. */
export interface WatchInput {
  caseId: string;
  customerId: string;
  /** The parent, told about risk by workflow id so it may continue as new meanwhile. */
  disputeWorkflowId: string;
  /** When the dispute was opened: usage before it is the customer's baseline. */
  openedAt: string;
  /** How the dispute stands as the watch starts; absent from watches started before it was passed. */
  progress?: DisputeProgress;
}

/** What the dispute tells the watch about itself whenever it changes. */
export interface DisputeProgress {
  resolvedAt: string | null;
  closed: boolean;
  slaBreaches: number;
  customerContacts: number;
}

/**
 * Since this patch the signals between a dispute and its watch are bound to their case and
 * ordered (a risk report by when it was made, progress by the case's version): a sealed signal
 * copied from one history to another case, or sent again, is dropped. Unbound signals in
 * histories recorded before it are taken as they were.
 */
export const BOUND_SIGNALS_PATCH = 'bound-signals';

/**
 * Since this patch each look at the customer is judged in an activity (`assessAttritionRisk`),
 * so the decision and its rule set's version are recorded in history and a new rule set needs no
 * patch. Watches recorded before it judged in workflow code, with rule set version 1.
 */
export const RISK_IN_ACTIVITY_PATCH = 'risk-assessed-in-activity';

/** One assessment of the customer, with the rules that fired and the facts behind them. */
export interface RiskReport {
  /** The case the report is about; absent from reports made before BOUND_SIGNALS_PATCH. */
  caseId?: string;
  /** The rule set's version; absent from reports made before RISK_IN_ACTIVITY_PATCH (version 1). */
  ruleSet?: number;
  level: AttritionRisk;
  recommendation: Recommendation | null;
  rules: FiredRule[];
  facts: RiskFacts | null;
  assessedAt: string;
}

export interface WatchView {
  caseId: string;
  level: AttritionRisk;
  latest: RiskReport | null;
  progress: DisputeProgress;
  outcome: RetentionOutcome | null;
  polls: number;
}

/** Progress as the dispute sends it: its case, and its version then (absent before BOUND_SIGNALS_PATCH). */
export interface ProgressReport extends DisputeProgress {
  caseId?: string;
  version?: number;
}

export const disputeProgressSignal = defineSignal<[ProgressReport]>('disputeProgress');
export const getWatchQuery = defineQuery<WatchView>('getWatch');
