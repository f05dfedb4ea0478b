/**
 * The thin slice end to end on real components: a real Temporal dev server (the CLI from the
 * project's venv), a real SQLite database migrated by the wasm engine, the real worker bundle
 * and activities, and the admin API over HTTP.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { JANE } from '../../prisma/seed';
import { DAY_MS } from '../../workflows/domain/time';
import { createApp } from '../../src/api/app';
import type { Db } from '../../src/db/client';
import { AssignedAgent } from '../../workflows/search-attributes';
import { ApiStack, eventually } from '../helpers/api-stack';
import type { LocalMail } from '../helpers/mail';
import { log } from '../../src/log';
import { freePort } from '../../src/ports';

const TASK_QUEUE = 'api-test';
let stack: ApiStack;
let env: TestWorkflowEnvironment;
let db: Db;
let base: string;
let mail: LocalMail;

beforeAll(async () => {
  // A reopen window of two seconds lets a case reach `closed` within the test.
  stack = await ApiStack.start({ taskQueue: TASK_QUEUE, policy: { reopenWindowDays: 2 / 86_400 } });
  ({ env, db, base, mail } = stack);
});

afterAll(() => stack?.stop());

const janesEmail = 'jane.morgan@example.com';
const janesDispute = {
  customerId: JANE.customerId,
  cardId: JANE.cardId,
  transactionId: JANE.unrecognizedTransactionId,
  amount: 14.99,
  reasonCode: 'unrecognized',
};

const call = (method: string, path: string, actor: string | undefined, body?: unknown) =>
  stack.call(method, path, actor, body);

/** POST /cases as `actor` (null: no credential). */
async function post(body: unknown, headers: Record<string, string> = {}, actor: string | null = 'intake-agent-1') {
  return fetch(`${base}/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(actor ? await stack.auth(actor) : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function countWorkflows(query: string): Promise<number> {
  return (await env.client.workflow.count(query)).count;
}

test('GET /healthz says the process lives; GET /readyz that Temporal and the database answer', async () => {
  const live = await fetch(`${base}/healthz`);
  expect(live.status).toBe(200);
  expect(await live.json()).toEqual({ status: 'ok' });
  // Ready once the worker's first poll has reached the server, which may trail the stack's start.
  const ready = await eventually(
    () => fetch(`${base}/readyz`),
    (res) => res.status === 200,
  );
  expect(await ready.json()).toMatchObject({
    status: 'ok',
    temporal: { ok: true },
    database: { ok: true },
    worker: { ok: true },
  });
  expect(ready.status).toBe(200);
});

test('every answer carries a request id and security headers; a problem names its request id', async () => {
  const res = await call('GET', '/cases/DSP-NOPE', 'admin');
  const id = res.headers.get('x-request-id');
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(res.headers.get('x-powered-by')).toBeNull();
  // A gateway's own id is kept when it is a plain token, replaced when it is not.
  const kept = await fetch(`${base}/healthz`, { headers: { 'X-Request-Id': 'gw-1234.abc' } });
  expect(kept.headers.get('x-request-id')).toBe('gw-1234.abc');
  const replaced = await fetch(`${base}/healthz`, { headers: { 'X-Request-Id': 'bad id <script>' } });
  expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

describe('bad input is refused with problem+json naming the field, creating nothing', () => {
  const cases: [string, unknown, number, string][] = [
    ['unknown customer', { ...janesDispute, customerId: 'cust-nobody' }, 422, 'customerId'],
    ['amount not positive', { ...janesDispute, amount: 0 }, 422, 'amount'],
    ['negative amount', { ...janesDispute, amount: -5 }, 422, 'amount'],
    ['amount above the transaction', { ...janesDispute, amount: 99.99 }, 422, 'amount'],
    [
      'missing field',
      { customerId: JANE.customerId, cardId: JANE.cardId, amount: 1, reasonCode: 'unrecognized' },
      422,
      'transactionId',
    ],
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

describe("Jane's dispute, driven from intake to closed through the API alone", () => {
  let caseId: string;
  const act = (name: string, actor: string, body: unknown = {}) =>
    call('POST', `/cases/${caseId}/${name}`, actor, body);

  test('POST /cases writes the case and starts dispute-<caseId>, which routes it', async () => {
    const res = await post(janesDispute, { 'Idempotency-Key': 'jane-call-1' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; workflowId: string; stage: string };
    caseId = body.id;
    expect(body.workflowId).toBe(`dispute-${caseId}`);
    expect(res.headers.get('location')).toBe(`/cases/${caseId}`);
    expect(await db.case.findUnique({ where: { id: caseId } })).toMatchObject({
      amountCents: 1499,
      openedBy: 'intake-agent-1',
    });

    // The routing table sends a small unrecognised charge to merchant disputes.
    const routed = await eventually(
      () => db.case.findUniqueOrThrow({ where: { id: caseId } }),
      (row) => row.stage === 'investigation',
    );
    expect(routed).toMatchObject({ stage: 'investigation', departmentId: 'merchant-disputes', queue: 'agents' });
    const query = `CaseStage="investigation" AND Department="merchant-disputes" AND CaseId="${caseId}" AND CustomerId="${JANE.customerId}"`;
    expect(
      await eventually(
        () => countWorkflows(query),
        (n) => n === 1,
      ),
    ).toBe(1);
    const description = await env.client.workflow.getHandle(`dispute-${caseId}`).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(await description.staticSummary()).toContain(caseId);
    // Jane hears at once that her dispute is open.
    const [ack] = await eventually(
      async () => mail.received(janesEmail),
      (m) => m.length > 0,
    );
    expect(ack.subject).toBe(`We have opened your dispute ${caseId}`);
    // …and the case records it, a moment after the server took the message.
    const told = await eventually(
      () => db.caseEvent.count({ where: { caseId, type: 'customer_notified' } }),
      (n) => n === 1,
    );
    expect(told).toBe(1);
  });

  test('GET /cases/:id combines the read model, the audit log and the workflow query', async () => {
    const res = await call('GET', `/cases/${caseId}`, 'merchant-disputes-agent-1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      timeline: { type: string }[];
      workflow: { clocks: { id: string; status: string }[] };
    };
    expect(body).toMatchObject({
      id: caseId,
      amount: 14.99,
      stage: 'investigation',
      workflow: { status: 'RUNNING', stage: 'investigation', departmentId: 'merchant-disputes', amountCents: 1499 },
    });
    expect(body.timeline.map((e) => e.type)).toEqual([
      'opened',
      'regulatory_clocks_started',
      'routed',
      'customer_notified',
    ]);
    // Live clocks first; the acknowledgement she was sent met the Reg Z clock. Visa's time limit
    // for a chargeback runs too.
    expect(body.workflow.clocks.map((c) => [c.id, c.status])).toEqual([
      ['reg-z:resolution', 'running'],
      ['sla:investigation:1', 'running'],
      ['network:filing-limit', 'running'],
      ['reg-z:acknowledgement', 'met'],
    ]);
  });

  test('GET /cases/:id shows the network codes a chargeback may go under, with the time left to file', async () => {
    const body = (await (await call('GET', `/cases/${caseId}`, 'merchant-disputes-agent-1')).json()) as {
      network: { codes: { code: string; filingDeadline: string; daysLeft: number }[] };
    };
    // Jane's card is a Visa; her unrecognised charge was made online: card-absent fraud, 120 days.
    const charge = await db.cardTransaction.findUniqueOrThrow({ where: { id: JANE.unrecognizedTransactionId } });
    expect(body.network).toMatchObject({ network: 'visa', rulesVersion: 1, captured: true });
    expect(body.network.codes.map((c) => c.code)).toEqual(['10.4']);
    const [window] = body.network.codes;
    expect(Date.parse(window.filingDeadline)).toBe(charge.postedAt.getTime() + 120 * DAY_MS);
    expect(window.daysLeft).toBeCloseTo((charge.postedAt.getTime() + 120 * DAY_MS - Date.now()) / DAY_MS, 0);
  });

  test('a repeat with the same Idempotency-Key returns the same case and starts nothing new', async () => {
    const res = await post(janesDispute, { 'Idempotency-Key': 'jane-call-1' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(caseId);
    expect(await db.case.count({ where: { customerId: JANE.customerId } })).toBe(1);
    expect(await countWorkflows(`CustomerId="${JANE.customerId}" AND WorkflowType="disputeWorkflow"`)).toBe(1);
  });

  test('the same key with a different dispute is refused, down to the description', async () => {
    for (const changed of [{ amount: 10 }, { description: 'I never ordered from them' }]) {
      const res = await post({ ...janesDispute, ...changed }, { 'Idempotency-Key': 'jane-call-1' });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: { field: string }[] }).errors[0].field).toBe('Idempotency-Key');
    }
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).description).toBeNull();
  });

  test('a second dispute of the same transaction is a conflict', async () => {
    const res = await post(janesDispute);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ caseId });
  });

  test('staff outside the department do not see the case', async () => {
    expect((await call('GET', `/cases/${caseId}`, 'fraud-agent-1')).status).toBe(404);
    expect((await act('notes', 'fraud-agent-1', { text: 'peek' })).status).toBe(404);
  });

  test('refused actions answer problem+json with the reason and change nothing', async () => {
    await stack.caughtUp(caseId);
    const before = await db.caseEvent.count({ where: { caseId } });
    const expectProblem = async (res: Response, status: number, detail: RegExp, field?: string) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { detail: string; errors?: { field: string }[] };
      expect(problem.detail).toMatch(detail);
      if (field) expect(problem.errors?.map((e) => e.field)).toContain(field);
    };
    await expectProblem(
      await act('approve', 'merchant-disputes-supervisor'),
      409,
      /Cannot approve a resolution for a case in stage investigation/,
    );
    await expectProblem(
      await act('resolve', 'merchant-disputes-agent-1', { outcome: 'customer_favour', rationale: 'x' }),
      403,
      /nobody has taken it yet \(it waits in the agents queue\)/,
    );
    await expectProblem(
      await act('assign', 'merchant-disputes-supervisor', { assigneeId: 'nobody' }),
      422,
      /assigneeId: no active staff member nobody/,
      'assigneeId',
    );
    await expectProblem(
      await act('assign', 'merchant-disputes-supervisor', { assigneeId: 'fraud-agent-1' }),
      422,
      /not in department merchant-disputes/,
      'assigneeId',
    );
    await expectProblem(
      await act('transfer', 'merchant-disputes-supervisor', { departmentId: 'fraud' }),
      422,
      /reason: is required/,
      'reason',
    );
    await expectProblem(
      await act('escalate', 'merchant-disputes-supervisor', { reason: 'x', urgent: true }),
      422,
      /urgent/,
      'urgent',
    );
    await expectProblem(await act('teleport', 'merchant-disputes-supervisor'), 404, /No action teleport/);
    await expectProblem(
      await call('POST', `/cases/${caseId}/notes`, undefined, { text: 'who am I' }),
      401,
      /Authorization: is required/,
      'Authorization',
    );
    // A claimed name is not a credential.
    const claimed = await fetch(`${base}/cases/${caseId}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Actor': 'admin' },
      body: JSON.stringify({ text: 'trust me' }),
    });
    await expectProblem(claimed, 401, /X-Actor is not accepted as identity/, 'Authorization');
    await stack.caughtUp(caseId);
    expect(await db.caseEvent.count({ where: { caseId } })).toBe(before);
  });

  test('staff work the case to resolution, and it closes after the reopen window', async () => {
    const ok = async (res: Response) => {
      if (res.status !== 200) throw new Error(`${res.status}: ${await res.text()}`);
      return (await res.json()) as { stage: string; assigneeId: string | null; workflow: { stage: string } };
    };
    expect(
      await ok(await act('assign', 'merchant-disputes-agent-1', { assigneeId: 'merchant-disputes-agent-1' })),
    ).toMatchObject({ assigneeId: 'merchant-disputes-agent-1' });
    await ok(
      await act('notes', 'merchant-disputes-agent-1', { text: 'Descriptor DGTL*SVCS belongs to a streaming reseller' }),
    );
    expect(
      await ok(
        await act('request-info', 'merchant-disputes-agent-1', {
          question: 'Do you subscribe to any streaming service?',
        }),
      ),
    ).toMatchObject({ stage: 'awaiting_customer' });
    expect(
      await ok(await act('responses', 'merchant-disputes-agent-1', { party: 'customer', summary: 'No subscriptions' })),
    ).toMatchObject({ stage: 'investigation' });
    const partial = await act('resolve', 'merchant-disputes-agent-1', { outcome: 'partial', rationale: 'half' });
    expect(partial.status).toBe(422);
    expect(((await partial.json()) as { errors: { field: string }[] }).errors[0].field).toBe('amount');
    expect(
      await ok(
        await act('resolve', 'merchant-disputes-agent-1', {
          outcome: 'customer_favour',
          rationale: 'Merchant gave no proof',
        }),
      ),
    ).toMatchObject({ stage: 'resolved' });

    const closed = await eventually(
      () => db.case.findUniqueOrThrow({ where: { id: caseId } }),
      (row) => row.stage === 'closed',
    );
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'customer_favour', resolvedAmountCents: 1499 });
    // The read model is written just before the workflow completes.
    const status = () =>
      env.client.workflow
        .getHandle(`dispute-${caseId}`)
        .describe()
        .then((d) => d.status.name);
    expect(await eventually(status, (s) => s === 'COMPLETED')).toBe('COMPLETED');
    const events = await db.caseEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' } });
    const staffAndClocks = events.filter((e) => e.type !== 'customer_notified');
    expect(staffAndClocks.map((e) => e.type)).toEqual([
      'opened',
      'regulatory_clocks_started',
      'routed',
      'assigned',
      'note',
      'info_requested',
      'customer_responded',
      'resolved',
      'settled',
      'closed',
    ]);
    expect(events.filter((e) => e.actor === 'merchant-disputes-agent-1')).toHaveLength(6);
    // What Jane was told, once each, and nothing after the case closed.
    expect(mail.received(janesEmail).map((m) => m.subject)).toEqual([
      `We have opened your dispute ${caseId}`,
      `We need a little more information about your dispute ${caseId}`,
      `Your dispute ${caseId} is resolved`,
    ]);
    expect(events.filter((e) => e.type === 'customer_notified').map((e) => JSON.parse(e.data).template)).toEqual([
      'acknowledgement',
      'info_requested',
      'resolved',
    ]);

    const late = await act('reopen', 'merchant-disputes-agent-1', { reason: 'She found another charge' });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { detail: string }).detail).toMatch(/closed at/);
  });

  test('the opening request repeated after the case closed returns it and starts no second dispute', async () => {
    const handle = env.client.workflow.getHandle(`dispute-${caseId}`);
    const closedRun = (await handle.describe()).runId;
    const res = await post(janesDispute, { 'Idempotency-Key': 'jane-call-1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: caseId, stage: 'closed' });
    const latest = await handle.describe();
    expect([latest.runId, latest.status.name]).toEqual([closedRun, 'COMPLETED']);
  });
});

describe('staff actions answer from the case as the action left it', () => {
  let caseId: string;
  const act = async (name: string, actor: string, body: unknown, key?: string) =>
    fetch(`${base}/cases/${caseId}/${name}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(await stack.auth(actor)),
        ...(key ? { 'Idempotency-Key': key } : {}),
      },
      body: JSON.stringify(body),
    });
  const events = async (type: string) => {
    await stack.caughtUp(caseId);
    return db.caseEvent.count({ where: { caseId, type } });
  };

  beforeAll(async () => {
    const txn = await db.cardTransaction.findFirstOrThrow({
      where: { card: { customerId: { not: JANE.customerId } }, cases: { none: {} }, amountCents: { gt: 100 } },
      include: { card: true },
    });
    const res = await post(
      {
        customerId: txn.card.customerId,
        cardId: txn.cardId,
        transactionId: txn.id,
        amount: 1,
        reasonCode: 'unrecognized',
      },
      {},
    );
    caseId = ((await res.json()) as { id: string }).id;
    await eventually(
      () => db.case.findUniqueOrThrow({ where: { id: caseId } }),
      (row) => row.stage === 'investigation',
    );
  });

  test('an agent who transfers the case away gets it back as transferred, not a 404', async () => {
    const agent = 'merchant-disputes-agent-2';
    expect((await act('assign', agent, { assigneeId: agent })).status).toBe(200);
    const transfer = { departmentId: 'fraud', reason: 'Card used in two countries at once' };
    const res = await act('transfer', agent, transfer, 'transfer-1');
    expect(res.status).toBe(200);
    const answer: unknown = await res.json();
    expect(answer).toMatchObject({
      id: caseId,
      departmentId: 'fraud',
      assigneeId: null,
      workflow: { departmentId: 'fraud', stage: 'investigation' },
    });
    // Its retry gets the same answer, though the case has left the agent's department.
    const retry = await act('transfer', agent, transfer, 'transfer-1');
    expect([retry.status, await retry.json()]).toEqual([200, answer]);
    expect(await events('transferred')).toBe(1);
  });

  test('an Idempotency-Key acts once, and is refused for another action, body or actor', async () => {
    const first = await act('notes', 'fraud-agent-1', { text: 'Asked the card team for the chip log' }, 'note-1');
    expect(first.status).toBe(200);
    const again = await act('notes', 'fraud-agent-1', { text: 'Asked the card team for the chip log' }, 'note-1');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    expect(await events('note')).toBe(1);

    const reuses: [string, string, unknown][] = [
      ['escalate', 'fraud-agent-1', { reason: 'Customer called twice' }],
      ['notes', 'fraud-agent-1', { text: 'Another note' }],
      ['notes', 'fraud-supervisor', { text: 'Asked the card team for the chip log' }],
    ];
    for (const [name, actor, body] of reuses) {
      const res = await act(name, actor, body, 'note-1');
      expect(res.status).toBe(422);
      const problem = (await res.json()) as { errors: { field: string }[] };
      expect(problem.errors.map((e) => e.field)).toEqual(['Idempotency-Key']);
    }
    expect(await events('escalated')).toBe(0);
    expect(await events('note')).toBe(1);
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).escalated).toBe(false);
  });

  test('a database that fails just after an action was applied does not turn the answer into a 500', async () => {
    const outage = { down: false };
    const app = createApp({
      db: failingAfter(db, outage),
      temporal: downAfterUpdates(env.client, outage),
      taskQueue: TASK_QUEUE,
    });
    const flaky = app.listen(0);
    const logged = jest.spyOn(log, 'error');
    try {
      const port = (flaky.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/cases/${caseId}/notes`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(await stack.auth('fraud-agent-1')),
          'Idempotency-Key': 'note-2',
        },
        body: JSON.stringify({ text: 'Chip log shows a cloned card' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: caseId, departmentId: 'fraud' });
      // The answer could not be kept for retries; that is said, and nothing else fails.
      expect(logged).toHaveBeenCalledWith(
        { err: expect.any(Error) },
        expect.stringContaining('Idempotency-Key note-2'),
      );
    } finally {
      logged.mockRestore();
      flaky.close();
    }
    expect(
      await eventually(
        () => events('note'),
        (n) => n === 2,
      ),
    ).toBe(2);
  });
});

/** The database, with every call failing once `outage.down` is set. */
function failingAfter(database: Db, outage: { down: boolean }): Db {
  return new Proxy(database, {
    get(target, property, receiver) {
      const model: unknown = Reflect.get(target, property, receiver);
      if (typeof model !== 'object' || model === null) return model;
      return new Proxy(model, {
        get(delegate, operation) {
          const call: unknown = Reflect.get(delegate, operation);
          if (typeof call !== 'function') return call;
          return (...args: unknown[]) =>
            outage.down ? Promise.reject(new Error('database went away')) : call.apply(delegate, args);
        },
      });
    },
  });
}

/** The Temporal client, taking the database down as soon as an update has been applied. */
function downAfterUpdates(client: Client, outage: { down: boolean }): Client {
  const workflow = new Proxy(client.workflow, {
    get(target, property, receiver) {
      if (property !== 'getHandle') return Reflect.get(target, property, receiver);
      return (...args: Parameters<Client['workflow']['getHandle']>) => {
        const handle = target.getHandle(...args);
        return new Proxy(handle, {
          get(h, name, r) {
            if (name !== 'startUpdate') return Reflect.get(h, name, r);
            return async (...updateArgs: Parameters<typeof handle.startUpdate>) => {
              const update = await handle.startUpdate(...updateArgs);
              return {
                ...update,
                result: async () => {
                  const result: unknown = await update.result();
                  outage.down = true;
                  return result;
                },
              };
            };
          },
        });
      };
    },
  });
  return new Proxy(client, {
    get: (target, property, receiver) => (property === 'workflow' ? workflow : Reflect.get(target, property, receiver)),
  });
}

describe('finding late cases', () => {
  let lateCaseId: string;

  beforeAll(async () => {
    // Chargebacks gets a zero-day investigation SLA here, so its cases are late at once.
    await db.slaPolicy.create({
      data: { stage: 'investigation', departmentId: 'chargebacks', businessDays: 0, warnBusinessDaysBefore: 0 },
    });
    // Above the write-off limit for duplicate charges (25.00), so the case is investigated.
    const txn = await db.cardTransaction.findFirstOrThrow({
      where: { cardId: JANE.cardId, id: { not: JANE.unrecognizedTransactionId }, amountCents: { gt: 3_000 } },
    });
    const res = await post(
      {
        customerId: JANE.customerId,
        cardId: JANE.cardId,
        transactionId: txn.id,
        amount: 30,
        reasonCode: 'duplicate_charge',
      },
      {},
      'intake-agent-2',
    );
    expect(res.status).toBe(201);
    lateCaseId = ((await res.json()) as { id: string }).id;
    await eventually(
      () => db.case.findUniqueOrThrow({ where: { id: lateCaseId } }),
      (row) => row.slaBreached,
    );
  });

  test('CaseStage="investigation" AND SlaBreached=true finds exactly the late case', async () => {
    const query = 'CaseStage="investigation" AND SlaBreached=true';
    expect(
      await eventually(
        () => countWorkflows(query),
        (n) => n === 1,
      ),
    ).toBe(1);
    const found = [];
    for await (const execution of env.client.workflow.list({ query })) found.push(execution);
    const [late] = found;
    expect(late.workflowId).toBe(`dispute-${lateCaseId}`);
    expect(late.typedSearchAttributes.get(AssignedAgent)).toBe('chargebacks/supervisors');
  });

  test('GET /cases filters the read model and pages through it', async () => {
    const list = async (params: string, actor = 'admin') => {
      const res = await call('GET', `/cases?${params}`, actor);
      expect(res.status).toBe(200);
      return (await res.json()) as {
        items: { id: string; slaBreached: boolean; queue: string }[];
        nextCursor: string | null;
      };
    };
    expect((await list('slaBreached=true')).items.map((c) => [c.id, c.queue])).toEqual([[lateCaseId, 'supervisors']]);
    expect((await list('stage=investigation&departmentId=chargebacks')).items.map((c) => c.id)).toEqual([lateCaseId]);
    expect((await list(`customerId=${JANE.customerId}`)).items).toHaveLength(2);
    const first = await list(`customerId=${JANE.customerId}&limit=1`);
    const second = await list(`customerId=${JANE.customerId}&limit=1&cursor=${first.nextCursor}`);
    expect([first.items[0].id, second.items[0].id]).toEqual([lateCaseId, expect.any(String)]);
    expect(second.items[0].id).not.toBe(lateCaseId);
    expect(second.nextCursor).toBeNull();
    // Department staff see their own department only.
    expect((await list('', 'chargebacks-agent-1')).items.map((c) => c.id)).toEqual([lateCaseId]);
    expect((await call('GET', '/cases?departmentId=fraud', 'chargebacks-agent-1')).status).toBe(403);
  });

  test('GET /cases refuses bad filters naming the field', async () => {
    for (const [params, field] of [
      ['stage=lost', 'stage'],
      ['limit=0', 'limit'],
      ['slaBreached=maybe', 'slaBreached'],
      ['colour=red', 'colour'],
      ['cursor=xyz', 'cursor'],
    ]) {
      const res = await call('GET', `/cases?${params}`, 'admin');
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
    }
  });

  test('the breach alerted the chargebacks supervisor, who sees it in GET /alerts', async () => {
    const res = await call('GET', '/alerts?unread=true', 'chargebacks-supervisor');
    const { items } = (await res.json()) as { items: { caseId: string; kind: string }[] };
    expect(items).toEqual([expect.objectContaining({ caseId: lateCaseId, kind: 'sla_breached' })]);
  });
});

test('GET /cases/:id of an unknown case is a 404 problem', async () => {
  const res = await call('GET', '/cases/DSP-NOPE', 'admin');
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
});

/** How long the production Temporal client keeps retrying an unreachable server. */
const CLIENT_RETRIES_MS = 20_000;

describe('when Temporal cannot be reached', () => {
  let outage: Server;
  let outageBase: string;

  beforeAll(async () => {
    // A real client aimed at a closed port, without the default retries, so failures come fast.
    const port = await freePort();
    const connection = Connection.lazy({
      address: `127.0.0.1:${port}`,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))],
    });
    outage = createApp({ db, temporal: new Client({ connection }), taskQueue: TASK_QUEUE }).listen(0);
    outageBase = `http://127.0.0.1:${(outage.address() as AddressInfo).port}`;
  });
  afterAll(() => outage?.close());

  test('with the client’s own retries, an action answers 503 and a case read degrades within seconds', async () => {
    // The production client retries for about 20 s; the API's deadlines cut that short.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const patient = createApp({ db, temporal: new Client({ connection }), taskQueue: TASK_QUEUE }).listen(0);
    try {
      const at = `http://127.0.0.1:${(patient.address() as AddressInfo).port}`;
      const row = await db.case.findFirstOrThrow({ where: { stage: 'investigation' } });
      const headers = { 'content-type': 'application/json', ...(await stack.auth('admin')) };
      let started = Date.now();
      const action = await fetch(`${at}/cases/${row.id}/notes`, { method: 'POST', headers, body: '{"text":"x"}' });
      expect(action.status).toBe(503);
      // What is shown is that the API's deadline (5 s), not the client's ~20 s of retries, ends the
      // wait: well under those 20 s even on a CI machine busy with other suites (9 s was seen there).
      expect(Date.now() - started).toBeLessThan(CLIENT_RETRIES_MS / 2);
      started = Date.now();
      const read = await fetch(`${at}/cases/${row.id}`, { headers });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { workflow: { status: string } }).workflow.status).toBe('UNREACHABLE');
      expect(Date.now() - started).toBeLessThan(CLIENT_RETRIES_MS / 2);
    } finally {
      patient.close();
    }
  });

  test('GET /readyz answers 503 naming Temporal within a couple of seconds; /healthz stays 200', async () => {
    const started = Date.now();
    const ready = await fetch(`${outageBase}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'degraded', temporal: { ok: false }, database: { ok: true } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await fetch(`${outageBase}/healthz`)).status).toBe(200);
  });

  test('POST /cases answers 503 and leaves no half-made case', async () => {
    const before = await db.case.count();
    const res = await fetch(`${outageBase}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await stack.auth('intake-agent-1')) },
      body: JSON.stringify(await stack.undisputedCase()),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/could not be started and was not created/);
    expect(await db.case.count()).toBe(before);
  });

  test('an action answers 503 and the read model is untouched', async () => {
    const row = await db.case.findFirstOrThrow({ where: { stage: 'investigation' } });
    const res = await fetch(`${outageBase}/cases/${row.id}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await stack.auth('admin')) },
      body: JSON.stringify({ text: 'x' }),
    });
    expect(res.status).toBe(503);
    expect(await db.case.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });
});

test('a resolution waiting for approval alerts its department’s supervisors, and the alert clears once decided', async () => {
  const opened = await post(await stack.undisputedCase());
  const { id } = (await opened.json()) as { id: string };
  const { departmentId } = await eventually(
    () => db.case.findUniqueOrThrow({ where: { id } }),
    (row) => row.stage === 'investigation',
  );
  const [agent, supervisor] = [`${departmentId}-agent-1`, `${departmentId}-supervisor`];
  expect((await call('POST', `/cases/${id}/assign`, supervisor, { assigneeId: agent })).status).toBe(200);
  const proposal = { outcome: 'customer_favour', rationale: 'No proof of delivery' };
  expect((await call('POST', `/cases/${id}/propose`, agent, proposal)).status).toBe(200);

  const waiting = async () => {
    const res = await call('GET', '/alerts?unread=true', supervisor);
    const { items } = (await res.json()) as { items: { caseId: string; kind: string; message: string }[] };
    return items.filter((a) => a.caseId === id && a.kind === 'approval_pending');
  };
  const [alert] = await eventually(waiting, (items) => items.length === 1);
  expect(alert.message).toContain(`${agent} proposes customer_favour`);
  expect((await call('POST', `/cases/${id}/approve`, supervisor, {})).status).toBe(200);
  expect(await eventually(waiting, (items) => items.length === 0)).toEqual([]);
});
