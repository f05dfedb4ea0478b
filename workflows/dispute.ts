import { condition, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import { getCaseQuery, type CaseView, type DisputeInput } from './messages';
import { AssignedAgent, AttritionRisk, CaseId, CaseStage, CustomerId, Department, DisputeAmount, SlaBreached } from './search-attributes';

const { recordIntake } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** One dispute case, from intake to closed. Id: `dispute-<caseId>`. */
export async function disputeWorkflow(input: DisputeInput): Promise<CaseView> {
  const state: CaseView = {
    caseId: input.caseId,
    stage: 'intake',
    departmentId: input.departmentId,
    assigneeId: null,
    amountCents: input.amountCents,
    currency: input.currency,
    reasonCode: input.reasonCode,
    openedBy: input.openedBy,
    openedAt: workflowInfo().startTime.toISOString(),
  };
  setHandler(getCaseQuery, () => state);

  upsertSearchAttributes([
    { key: CaseId, value: input.caseId },
    { key: CustomerId, value: input.customerId },
    { key: Department, value: state.departmentId },
    { key: CaseStage, value: state.stage },
    { key: DisputeAmount, value: input.amountCents / 100 },
    { key: SlaBreached, value: false },
    { key: AttritionRisk, value: 'none' },
    { key: AssignedAgent, value: 'unassigned' },
  ]);
  setCurrentDetails(describe(state));

  await recordIntake({ caseId: input.caseId, actor: input.openedBy, at: state.openedAt });

  // Staff actions, clocks and notifications arrive in later stages of the product; until
  // then a case waits at intake.
  await condition(() => state.stage === 'closed');
  return state;
}

/** Markdown shown as the workflow's current details in the Temporal UI. */
function describe(state: CaseView): string {
  const amount = `${(state.amountCents / 100).toFixed(2)} ${state.currency}`;
  return [
    `**Stage:** ${state.stage}`,
    `**Department:** ${state.departmentId}`,
    `**Assignee:** ${state.assigneeId ?? 'unassigned'}`,
    `**Disputed:** ${amount} (${state.reasonCode})`,
  ].join('  \n');
}
