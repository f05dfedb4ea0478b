/** Read-model rows as the dispute workflow writes them, for tests that start from a given state. */
import type { CaseSnapshot } from '../../activities/cases';

/** A case's snapshot in `stage`: routed to merchant disputes, unassigned, no clock, unless `extra` says. */
export const caseSnapshot = (stage: CaseSnapshot['stage'], extra: Partial<CaseSnapshot> = {}): CaseSnapshot => ({
  stage,
  departmentId: 'merchant-disputes',
  assigneeId: null,
  queue: 'agents',
  escalated: false,
  slaBreached: false,
  attritionRisk: 'none',
  priority: 'normal',
  nextDeadlineAt: null,
  provisionalCreditCents: null,
  resolvedAmountCents: null,
  outcome: null,
  resolvedAt: null,
  closedAt: null,
  ...extra,
});
