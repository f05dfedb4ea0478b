/** Read-model rows as the dispute workflow writes them, for tests that start from a given state. */
import type { CaseSnapshot } from '../../activities/cases';
import { JANE } from '../../prisma/seed';
import type { Db } from '../../src/db/client';

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

/** A case row for Jane's unrecognized charge, with no workflow behind it (in intake unless `extra` says). */
export async function janeCaseRow(
  db: Db,
  id: string,
  extra: { stage?: string; departmentId?: string; amountCents?: number } = {},
): Promise<void> {
  await db.case.create({
    data: {
      id,
      workflowId: `dispute-${id}`,
      customerId: JANE.customerId,
      cardId: JANE.cardId,
      transactionId: JANE.unrecognizedTransactionId,
      amountCents: 1499,
      reasonCode: 'unrecognized',
      openedBy: 'intake-agent-1',
      stage: 'intake',
      departmentId: 'intake',
      ...extra,
    },
  });
}
