/**
 * The bulk operation workflow in the time-skipping environment, its case actions a stand-in that
 * records every call: a step that fails is retried under the same key, a cancelled operation
 * sends nothing more and marks the rest cancelled, and a list longer than one run's share
 * continues as new and still takes every case once.
 */
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { CaseActions } from '../../activities/bulk';
import type { Db } from '../../src/db/client';
import { bulkOperationWorkflowId } from '../../workflows/bulk-operation/messages';
import type { bulkOperationWorkflow } from '../../workflows/bulk-operation/workflow';
import type { BulkStepOutcome } from '../../workflows/domain/bulk';
import { migratedSqlite } from '../helpers/db';
import { keepHistory } from '../helpers/disputes';
import { testDataConverter, testWorkflowBundle, timeSkippingTemporal, type TestTemporal } from '../helpers/temporal';

let temporal: TestTemporal;
let db: Db;
let worker: Worker;
let running: Promise<void>;
const taskQueue = 'bulk-operation-test';

/** What the stand-in does for a case: a refusal, a failure first (then done), or a wait for `release`. */
const scripted = new Map<string, 'refuse' | 'fail-once' | 'hold'>();
const calls: { caseId: string; key: string }[] = [];
let release: () => void = () => {};

const caseActions: CaseActions = {
  async carryOut({ caseId, idempotencyKey }): Promise<BulkStepOutcome> {
    calls.push({ caseId, key: idempotencyKey });
    const script = scripted.get(caseId);
    if (script === 'refuse') return { status: 'refused', detail: `case ${caseId} is closed` };
    if (script === 'fail-once') {
      scripted.delete(caseId);
      throw new Error('Temporal did not answer');
    }
    if (script === 'hold') await new Promise<void>((resolve) => (release = resolve));
    return { status: 'done' };
  },
};

beforeAll(async () => {
  temporal = await timeSkippingTemporal();
  ({ db } = migratedSqlite());
  worker = await Worker.create({
    connection: temporal.env.nativeConnection,
    taskQueue,
    workflowBundle: await testWorkflowBundle(),
    dataConverter: testDataConverter(),
    activities: createActivities({ db, channels: { email: null as never, sms: null, push: null }, caseActions }),
  });
  running = worker.run();
}, 60_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await temporal?.stop();
});

async function operation(id: string, cases: number): Promise<string[]> {
  const caseIds = Array.from({ length: cases }, (_, i) => `${id}-case-${i}`);
  await db.bulkOperation.create({
    data: { id, action: 'escalate', body: '{"reason":"backlog"}', requestedBy: 'fraud-supervisor' },
  });
  await db.bulkOperationItem.createMany({
    data: caseIds.map((caseId, position) => ({ operationId: id, caseId, position })),
  });
  return caseIds;
}

const start = (id: string) =>
  temporal.env.client.workflow.start<typeof bulkOperationWorkflow>('bulkOperationWorkflow', {
    workflowId: bulkOperationWorkflowId(id),
    taskQueue,
    args: [{ operationId: id }],
  });

test('every case has its turn once; a failed step is retried under its own key; a refusal is recorded with why', async () => {
  const ids = await operation('op-retry', 12);
  scripted.set(ids[3], 'fail-once');
  scripted.set(ids[7], 'refuse');
  const handle = await start('op-retry');
  const counts = await handle.result();
  expect(counts).toEqual({ pending: 0, done: 11, refused: 1, cancelled: 0 });
  await keepHistory('bulk-operation', handle);
  const mine = calls.filter((c) => c.caseId.startsWith('op-retry'));
  expect(mine.filter((c) => c.caseId === ids[3]).map((c) => c.key)).toEqual([
    'bulk:op-retry:op-retry-case-3',
    'bulk:op-retry:op-retry-case-3',
  ]);
  expect(new Set(mine.map((c) => c.caseId)).size).toBe(12);
  const refused = await db.bulkOperationItem.findUniqueOrThrow({
    where: { operationId_caseId: { operationId: 'op-retry', caseId: ids[7] } },
  });
  expect(refused).toMatchObject({ status: 'refused', detail: `case ${ids[7]} is closed` });
  expect(await db.bulkOperation.findUniqueOrThrow({ where: { id: 'op-retry' } })).toMatchObject({
    status: 'completed',
  });
});

test('a cancelled operation sends nothing after the cancel, and marks what never ran cancelled', async () => {
  const ids = await operation('op-cancel', 20);
  scripted.set(ids[2], 'hold');
  const handle = await start('op-cancel');
  // The first batch (five cases) is under way once each of its steps has sent its action (the
  // third is held there); a step that had not started by the mark would read it and not send.
  const firstBatch = ids.slice(0, 5);
  while (!firstBatch.every((id) => calls.some((c) => c.caseId === id))) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // As the API cancels: a mark the workflow and its steps read.
  await db.bulkOperation.update({ where: { id: 'op-cancel' }, data: { cancelledBy: 'fraud-supervisor' } });
  release();
  expect(await handle.result()).toMatchObject({ pending: 0, cancelled: 15 });
  const op = await db.bulkOperation.findUniqueOrThrow({ where: { id: 'op-cancel' }, include: { items: true } });
  expect(op.status).toBe('cancelled');
  // The first batch (five cases) was under way and finished; nothing was sent after the mark.
  expect(calls.filter((c) => c.caseId.startsWith('op-cancel'))).toHaveLength(5);
  expect(op.items.filter((i) => i.status === 'done')).toHaveLength(5);
});

test('a list longer than a run continues as new and takes every case once', async () => {
  const ids = await operation('op-long', 260);
  const handle = await start('op-long');
  const counts = await handle.result();
  expect(counts).toEqual({ pending: 0, done: 260, refused: 0, cancelled: 0 });
  const mine = calls.filter((c) => c.caseId.startsWith('op-long'));
  expect(mine).toHaveLength(ids.length);
  // Two runs: 250, then the last 10.
  const { runId } = await handle.describe();
  expect(runId).not.toBe(handle.firstExecutionRunId);
}, 120_000);
