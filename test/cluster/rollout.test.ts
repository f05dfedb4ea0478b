/**
 * A release rolled out under running cases, on a real Temporal cluster, as a bank would: the
 * previous release's worker (unversioned, from this repository's history) runs the cases; this
 * release's worker is deployed beside it as a version of the `proactive-care` worker deployment
 * and takes nothing until an operator makes it current with the Temporal CLI; then every case
 * moves to it at its next step and the old worker is stopped. The change rolled out is real: the
 * card network lifecycle (`patched('network-lifecycle')`), under which a small duplicate charge is
 * written off at intake. Cases opened before keep their old course; cases opened after take the
 * new one; no workflow task fails, and every action is recorded once.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { temporalCli } from '../../src/temporal/binaries';
import type { LocalCluster } from '../../src/tools/cluster/local-cluster';
import { disputeOf, newestUndisputed, type ProcessStack, type Replica } from '../../src/tools/process-stack';
import { releaseTree } from '../../src/tools/releases';
import type { CaseView } from '../../workflows/dispute/messages';
import { eventually } from '../helpers/api-stack';
import { clusterStack } from '../helpers/cluster';
import { TEST_DATABASE_URL } from '../helpers/db';
import { staffCalls } from '../helpers/staff-calls';

/** The last release before the network lifecycle and worker versioning (issue 24's). */
const PREVIOUS_RELEASE = '38803d1c6bde5ccaa0660191b5e6e966ba06bc1a';
const DEPLOYMENT = 'proactive-care';
const BUILD_ID = 'network-lifecycle';

const maybe = TEST_DATABASE_URL ? describe : describe.skip;

maybe('a worker release rolled out on a real Temporal cluster', () => {
  let dir: string;
  let cluster: LocalCluster;
  let stack: ProcessStack;
  let next: Replica;
  const { call, act } = staffCalls(() => stack);

  const view = async (caseId: string) => (await call('GET', `/cases/${caseId}`, 'admin')).body.workflow as CaseView;
  const until = (caseId: string, done: (v: CaseView) => boolean) => eventually(() => view(caseId), done, 60_000);

  /** Opens a dispute the new release writes off at intake: a small duplicate charge. */
  async function openSmallDuplicate(): Promise<string> {
    const charge = await newestUndisputed(stack.db);
    const body = { ...disputeOf(charge), reasonCode: 'duplicate_charge', amount: 1 };
    const opened = await call('POST', '/cases', 'intake-agent-1', body, randomUUID());
    expect(opened.status).toBe(201);
    return opened.body.id as string;
  }

  /** The build a workflow last ran on (undefined: an unversioned worker). */
  async function buildOf(handle: WorkflowHandle): Promise<string | undefined> {
    const { raw } = await handle.describe();
    return raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? undefined;
  }

  /** As an operator would: `temporal worker deployment set-current-version`, over mTLS. */
  function makeCurrent(buildId: string): void {
    const { certs } = cluster;
    execFileSync(
      temporalCli(),
      [
        'worker',
        'deployment',
        'set-current-version',
        ...['--deployment-name', DEPLOYMENT, '--build-id', buildId, '--yes'],
        ...['--address', cluster.address, '--namespace', 'default'],
        ...['--tls-cert-path', certs.clientCert, '--tls-key-path', certs.clientKey, '--tls-ca-path', certs.ca],
        ...['--tls-server-name', 'localhost'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'rollout-'));
    ({ cluster, stack } = await clusterStack({
      dir,
      customers: 6,
      shortClocks: false,
      workerTree: releaseTree(PREVIOUS_RELEASE),
    }));
  }, 900_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('running cases keep their course on the new build, new cases take the new code, nothing is lost', async () => {
    // Before: the previous release runs a case (no write-offs then: it goes to an investigation).
    const before = await openSmallDuplicate();
    const routed = await until(before, (v) => v.stage === 'investigation');
    const agent = `${routed.departmentId}-agent-1`;
    await act(`/cases/${before}/assign`, agent, { assigneeId: agent });

    // The new build deployed beside it polls, but takes nothing until it is made current.
    next = await stack.addReplica('worker', {
      TEMPORAL_DEPLOYMENT_NAME: DEPLOYMENT,
      TEMPORAL_WORKER_BUILD_ID: BUILD_ID,
    });
    // It tells the operator so, and what makes it current.
    const logged = await eventually(
      async () => readFileSync(path.join(dir, 'processes.log'), 'utf8'),
      (text) => text.includes('takes no task until it is made current'),
      30_000,
    );
    expect(logged).toContain(`set-current-version --deployment-name ${DEPLOYMENT} --build-id ${BUILD_ID}`);
    const during = await openSmallDuplicate();
    expect((await until(during, (v) => v.stage === 'investigation')).stage).toBe('investigation');
    const handleOf = (caseId: string) => stack.temporal.workflow.getHandle(`dispute-${caseId}`);
    expect(await buildOf(handleOf(during))).toBeUndefined();

    // The roll-out: one command. Cases go on meanwhile, on whichever build takes their step.
    makeCurrent(BUILD_ID);
    await act(`/cases/${before}/notes`, agent, { text: 'Worked on through the roll-out.' });

    // The old worker goes (SIGKILL, harsher than a drain); the case opened before it moves to the
    // new build at its next step and is resolved there, by the course it began on.
    await stack.kill('worker');
    const resolved = await act(`/cases/${before}/resolve`, agent, {
      outcome: 'customer_favour',
      rationale: 'A duplicate of the charge before it',
    });
    expect((resolved.body.workflow as CaseView).resolution).toMatchObject({ outcome: 'customer_favour' });
    expect(await buildOf(handleOf(before))).toBe(BUILD_ID);

    // A case opened now takes the new code: the small duplicate is written off at intake.
    const after = await openSmallDuplicate();
    const writtenOff = await until(after, (v) => v.stage === 'resolved');
    expect(writtenOff.resolution).toMatchObject({ outcome: 'write_off', resolvedBy: 'system:write-off' });
    expect(await buildOf(handleOf(after))).toBe(BUILD_ID);
    // The one opened during the roll-out, on the old code, still waits for its investigation.
    await act(`/cases/${during}/notes`, 'admin', { text: 'Still here after the roll-out.' });
    expect((await view(during)).stage).toBe('investigation');
    expect(await buildOf(handleOf(during))).toBe(BUILD_ID);

    // No workflow task failed on any case (a non-determinism would), and each action is recorded once.
    for (const caseId of [before, during, after]) {
      const history = await handleOf(caseId).fetchHistory();
      const failed = history.events!.filter(
        (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      );
      expect({ caseId, failed }).toEqual({ caseId, failed: [] });
    }
    const audit = await eventually(
      () => stack.db.caseEvent.findMany({ where: { caseId: before }, orderBy: { id: 'asc' } }),
      (events) => events.some((e) => e.type === 'resolved'),
      60_000,
    );
    const types = audit.map((e) => e.type);
    for (const type of ['opened', 'routed', 'assigned', 'note', 'resolved']) {
      expect(types.filter((t) => t === type)).toHaveLength(1);
    }
    expect(next.child.exitCode).toBeNull();
  }, 300_000);
});
