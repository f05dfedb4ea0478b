/**
 * The dispute workflow on the time-skipping test server, with its activities recorded in
 * place of the database.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporalTestServer } from '../../src/temporal/binaries';
import { registerSearchAttributes } from '../../src/temporal/connection';
import { disputeWorkflow } from '../../workflows/dispute';
import { disputeWorkflowId, getCaseQuery, type DisputeInput } from '../../workflows/messages';
import type { RecordIntakeInput } from '../../activities/cases';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
});

afterAll(() => env?.teardown());

const input: DisputeInput = {
  caseId: 'DSP-TEST1',
  customerId: 'cust-jane',
  cardId: 'card-jane-credit',
  transactionId: 'txn-jane-unrecognized',
  amountCents: 1499,
  currency: 'USD',
  reasonCode: 'unrecognized',
  departmentId: 'intake',
  openedBy: 'intake-agent-1',
};

test('a new case records intake once and waits at intake, answering queries', async () => {
  const intakes: RecordIntakeInput[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'test-disputes',
    workflowsPath: require.resolve('../../workflows'),
    activities: { recordIntake: async (i: RecordIntakeInput) => void intakes.push(i) },
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(disputeWorkflow, {
      workflowId: disputeWorkflowId(input.caseId),
      taskQueue: 'test-disputes',
      args: [input],
    });
    // A month passes in no time; the case is still open and where it was.
    await env.sleep('30 days');
    const view = await handle.query(getCaseQuery);
    expect(view).toMatchObject({ caseId: 'DSP-TEST1', stage: 'intake', departmentId: 'intake', assigneeId: null, amountCents: 1499 });
    expect(intakes).toEqual([{ caseId: 'DSP-TEST1', actor: 'intake-agent-1', at: view.openedAt }]);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test done');
  });
});
