/**
 * The thin slice end to end on real components: a real Temporal dev server (the CLI from the
 * project's venv), a real SQLite database migrated by the wasm engine, the real worker bundle
 * and activities, and the admin API over HTTP.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { JANE, seed } from '../../prisma/seed';
import { createApp } from '../../src/api/app';
import type { Db } from '../../src/db/client';
import { temporalCli } from '../../src/temporal/binaries';
import { workflowBundlePath } from '../../src/temporal/bundle';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { migratedSqlite, tempDir } from '../helpers/db';

const TASK_QUEUE = 'api-test';
let env: TestWorkflowEnvironment;
let db: Db;
let worker: Worker;
let running: Promise<void>;
let server: Server;
let base: string;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli() },
      searchAttributes: [...CASE_SEARCH_ATTRIBUTES],
      extraArgs: ['--log-level', 'error'],
    },
  });
  ({ db } = migratedSqlite());
  await seed(db, { customers: 5 });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath: await workflowBundlePath(tempDir('bundle-')) },
    activities: createActivities({ db }),
  });
  running = worker.run();
  server = createApp({ db, temporal: env.client, taskQueue: TASK_QUEUE }).listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  worker?.shutdown();
  await running;
  await db?.$disconnect();
  await env?.teardown();
});

const janesDispute = {
  customerId: JANE.customerId,
  cardId: JANE.cardId,
  transactionId: JANE.unrecognizedTransactionId,
  amount: 14.99,
  reasonCode: 'unrecognized',
};

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function countWorkflows(query: string): Promise<number> {
  return (await env.client.workflow.count(query)).count;
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('GET /healthz reports Temporal and the database reachable', async () => {
  const res = await fetch(`${base}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', temporal: { ok: true }, database: { ok: true } });
});

describe('bad input is refused with problem+json naming the field, creating nothing', () => {
  const cases: [string, unknown, number, string][] = [
    ['unknown customer', { ...janesDispute, customerId: 'cust-nobody' }, 422, 'customerId'],
    ['amount not positive', { ...janesDispute, amount: 0 }, 422, 'amount'],
    ['negative amount', { ...janesDispute, amount: -5 }, 422, 'amount'],
    ['amount above the transaction', { ...janesDispute, amount: 99.99 }, 422, 'amount'],
    ['missing field', { customerId: JANE.customerId, cardId: JANE.cardId, amount: 1, reasonCode: 'unrecognized' }, 422, 'transactionId'],
    ['unknown reason code', { ...janesDispute, reasonCode: 'because' }, 422, 'reasonCode'],
    ["someone else's card", { ...janesDispute, cardId: 'card-0001' }, 422, 'cardId'],
    ['unknown field', { ...janesDispute, note: 'x' }, 422, 'note'],
    ['malformed JSON', '{"customerId": ', 400, 'body'],
  ];
  test.each(cases)('%s', async (_name, body, status, field) => {
    const before = await db.case.count();
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { status: number; detail: string; errors: { field: string }[] };
    expect(problem.status).toBe(status);
    expect(problem.errors.map((e) => e.field)).toContain(field);
    expect(problem.detail).toContain(field);
    expect(await db.case.count()).toBe(before);
  });

  test('no workflow was started for any of them', async () => {
    expect(await countWorkflows(`CustomerId="${JANE.customerId}"`)).toBe(0);
  });
});

describe("Jane's dispute", () => {
  let caseId: string;

  test('POST /cases writes the case and starts dispute-<caseId>, findable by stage', async () => {
    const res = await post(janesDispute, { 'Idempotency-Key': 'jane-call-1', 'X-Actor': 'intake-agent-1' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; workflowId: string; stage: string };
    caseId = body.id;
    expect(body.workflowId).toBe(`dispute-${caseId}`);
    expect(res.headers.get('location')).toBe(`/cases/${caseId}`);
    expect(await db.case.findUnique({ where: { id: caseId } })).toMatchObject({ stage: 'intake', amountCents: 1499, openedBy: 'intake-agent-1' });

    const query = `CaseStage="intake" AND CaseId="${caseId}" AND CustomerId="${JANE.customerId}"`;
    expect(await eventually(() => countWorkflows(query), (n) => n === 1)).toBe(1);
    const description = await env.client.workflow.getHandle(`dispute-${caseId}`).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(await description.staticSummary()).toContain(caseId);
  });

  test('the workflow records intake in the audit log through its activity', async () => {
    const events = await eventually(() => db.caseEvent.findMany({ where: { caseId } }), (e) => e.length > 0);
    expect(events).toEqual([expect.objectContaining({ type: 'intake', actor: 'intake-agent-1' })]);
  });

  test('GET /cases/:id answers from the workflow query and the read model', async () => {
    const res = await fetch(`${base}/cases/${caseId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: caseId,
      amount: 14.99,
      stage: 'intake',
      workflow: { status: 'RUNNING', stage: 'intake', departmentId: 'intake', amountCents: 1499 },
      timeline: [expect.objectContaining({ type: 'intake', actor: 'intake-agent-1' })],
    });
  });

  test('a repeat with the same Idempotency-Key returns the same case and starts nothing new', async () => {
    const res = await post(janesDispute, { 'Idempotency-Key': 'jane-call-1', 'X-Actor': 'intake-agent-1' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(caseId);
    expect(await db.case.count({ where: { customerId: JANE.customerId } })).toBe(1);
    expect(await countWorkflows(`CustomerId="${JANE.customerId}"`)).toBe(1);
  });

  test('the same key with a different dispute is refused', async () => {
    const res = await post({ ...janesDispute, amount: 10 }, { 'Idempotency-Key': 'jane-call-1' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0].field).toBe('Idempotency-Key');
  });

  test('a second dispute of the same transaction is a conflict', async () => {
    const res = await post(janesDispute);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ caseId });
  });
});

test('GET /cases/:id of an unknown case is a 404 problem', async () => {
  const res = await fetch(`${base}/cases/DSP-NOPE`);
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
});
