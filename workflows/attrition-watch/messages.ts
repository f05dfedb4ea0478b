/**
 * The attrition watch's public contract. The watch is a child of the dispute workflow (id
 * `attrition-watch-<caseId>`) that follows the customer's card usage while the dispute is open
 * and for a while after, tells its parent when the customer looks likely to leave, and reports
 * whether they stayed.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FiredRule, Recommendation } from '../domain/risk';
import type { RiskFacts } from '../domain/usage-facts';

/** How likely the customer is to leave: `watch` asks for attention, `high` for a care outreach. */
export const ATTRITION_RISKS = ['none', 'watch', 'high'] as const;
export type AttritionRisk = (typeof ATTRITION_RISKS)[number];

/** What became of the customer once the watch had seen enough after the resolution. */
export type RetentionOutcome = 'retained' | 'lost' | 'unknown';

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

/** One assessment of the customer, with the rules that fired and the facts behind them. */
export interface RiskReport {
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

export const disputeProgressSignal = defineSignal<[DisputeProgress]>('disputeProgress');
export const getWatchQuery = defineQuery<WatchView>('getWatch');
