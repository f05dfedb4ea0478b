/**
 * The product on a real Temporal cluster (the server built from its Go module, on PostgreSQL,
 * frontend, two history instances, matching and worker as processes, mTLS): bootstrapped as an
 * operator would, the design's scenario through the API with one history instance SIGKILLed
 * mid-case, nothing lost or doubled, and the README's visibility queries answered from SQL
 * visibility. Needs the local PostgreSQL (TEST_DATABASE_URL); the server's first build takes
 * minutes and is cached after.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setUpNamespace } from '../../src/temporal/bootstrap';
import type { LocalCluster } from '../../src/tools/cluster/local-cluster';
import { disputeOf, newestUndisputed, type ProcessStack } from '../../src/tools/process-stack';
import type { CaseView } from '../../workflows/dispute/messages';
import { eventually } from '../helpers/api-stack';
import { clusterStack } from '../helpers/cluster';
import { TEST_DATABASE_URL } from '../helpers/db';
import { staffCalls } from '../helpers/staff-calls';

const maybe = TEST_DATABASE_URL ? describe : describe.skip;

maybe('on a real Temporal cluster', () => {
  let dir: string;
  let cluster: LocalCluster;
  let stack: ProcessStack;
  const { call, act } = staffCalls(() => stack);

  const count = async (query: string) => (await stack.temporal.workflow.count(query)).count;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cluster-'));
    ({ cluster, stack } = await clusterStack({ dir, customers: 4, shortClocks: false }));
  }, 900_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('setting up the namespace again changes nothing', async () => {
    const connection = await cluster.connect();
    try {
      expect(await setUpNamespace(connection, 'default', 1)).toEqual({ namespaceCreated: false, added: [] });
    } finally {
      await connection.close();
    }
  });

  test('the scenario with a history instance SIGKILLed mid-case: nothing lost, nothing doubled, and the visibility queries answer', async () => {
    const charge = await newestUndisputed(stack.db);
    const opened = await call('POST', '/cases', 'intake-agent-1', { ...disputeOf(charge), amount: 1 }, randomUUID());
    expect(opened.status).toBe(201);
    const caseId = opened.body.id as string;
    const view = async () => (await call('GET', `/cases/${caseId}`, 'admin')).body.workflow as CaseView;
    const routed = await eventually(view, (v) => v.stage === 'investigation', 60_000);
    const agent = `${routed.departmentId}-agent-1`;

    await cluster.kill('history-1');
    expect((await act(`/cases/${caseId}/assign`, agent, { assigneeId: agent })).status).toBe(200);
    await act(`/cases/${caseId}/notes`, agent, { text: 'History instance 1 is down; the case goes on.' });
    await cluster.restart('history-1');
    const resolved = await act(`/cases/${caseId}/resolve`, agent, {
      outcome: 'customer_favour',
      rationale: 'The merchant gave no proof',
    });
    expect((resolved.body.workflow as CaseView).stage).toBe('resolved');

    // Each action once in the audit log, in order.
    const written = await eventually(
      () => stack.db.caseEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' } }),
      (events) => events.some((e) => e.type === 'resolved'),
      60_000,
    );
    const types = written.map((e) => e.type);
    for (const type of ['opened', 'routed', 'assigned', 'note', 'resolved']) {
      expect(types.filter((t) => t === type)).toHaveLength(1);
    }
    expect(written.map((e) => Number(e.eventKey))).toEqual(written.map((_, i) => i + 1));

    // The README's queries, from SQL visibility.
    expect(
      await eventually(
        () => count(`CaseStage="resolved" AND CaseId="${caseId}"`),
        (n) => n === 1,
        30_000,
      ),
    ).toBe(1);
    expect(await count(`CaseStage="investigation" AND SlaBreached=true`)).toBe(0);
    expect(await count(`Department="${routed.departmentId}" AND CaseStage="resolved"`)).toBe(1);
    expect(await count(`WorkflowType="disputeWorkflow" AND ExecutionStatus="Running"`)).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
