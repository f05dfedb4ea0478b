/**
 * Bad requests, endpoint by endpoint from the route list the OpenAPI document is made of: an
 * unknown field, a body of the wrong type, malformed JSON, the wrong content type and an oversize
 * body each get a precise 4xx problem naming what is wrong, never a 500; and a database that
 * cannot be reached is a 503, not a 500.
 */
import { CODEC_BODY_LIMIT } from '../../src/api/routes/codec';
import type { Server } from 'node:http';
import { seed } from '../../prisma/seed';
import { API_ROUTES } from '../../src/api/route-table';
import { issueToken } from '../../src/auth/tokens';
import type { Db } from '../../src/db/client';
import { migratedSqlite } from '../helpers/db';
import { offlineApi } from '../helpers/offline-api';

let db: Db;
let server: Server;
let base: string;
let authorization: string;

beforeAll(async () => {
  ({ db } = migratedSqlite());
  await seed(db, { customers: 1 });
  ({ server, base } = offlineApi({ db }));
  authorization = `Bearer ${(await issueToken(db, 'admin', { days: 1 })).token}`;
  // A case and an outreach that exist, so actions get as far as judging their bodies.
  const txn = await db.cardTransaction.findFirstOrThrow({ where: { amountCents: { gt: 0 } }, include: { card: true } });
  const customerId = txn.card.customerId;
  await db.case.create({
    data: {
      id: 'DSP-VALID',
      workflowId: 'dispute-DSP-VALID',
      customerId,
      cardId: txn.cardId,
      transactionId: txn.id,
      amountCents: 100,
      reasonCode: 'unrecognized',
      stage: 'investigation',
      departmentId: 'fraud',
      openedBy: 'intake-agent-1',
    },
  });
  await db.outreachTask.create({
    data: {
      id: 'DSP-VALID-care-1',
      idempotencyKey: 'DSP-VALID-care-1',
      caseId: 'DSP-VALID',
      customerId,
      recommendation: '{}',
    },
  });
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await db?.$disconnect();
});

/** A path with an id that exists where one is needed, so the body is what is judged. */
const concrete = (path: string) =>
  path
    .replace('/cases/:id', '/cases/DSP-VALID')
    .replace('/outreach/:id', '/outreach/DSP-VALID-care-1')
    .replace(':id', 'admin');
const withBody = API_ROUTES.filter((r) => r.body).map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const);

async function send(path: string, body: string, contentType = 'application/json') {
  const res = await fetch(`${base}${concrete(path)}`, {
    method: 'POST',
    headers: { Authorization: authorization, 'content-type': contentType },
    body,
  });
  const problem = (await res.json()) as { status: number; errors?: { field: string }[] };
  return { status: res.status, type: res.headers.get('content-type'), problem };
}

describe.each(withBody)('%s', (_name, route) => {
  test('an unknown field is named', async () => {
    const res = await send(route.path, JSON.stringify({ bogusField: 1 }));
    expect(res.status).toBe(422);
    expect(res.problem.errors?.map((e) => e.field)).toContain('bogusField');
  });

  test('a body of the wrong type is a 422', async () => {
    const res = await send(route.path, JSON.stringify([1, 2, 3]));
    expect(res.status).toBe(422);
  });

  test('malformed JSON is a 400 naming the body', async () => {
    const res = await send(route.path, '{"text": ');
    expect(res.status).toBe(400);
    expect(res.problem.errors?.[0].field).toBe('body');
  });

  test('another content type is a 415', async () => {
    expect((await send(route.path, 'text=hello', 'application/x-www-form-urlencoded')).status).toBe(415);
  });

  const limit = route.path.startsWith('/codec/') ? CODEC_BODY_LIMIT : 100_000;
  test(`a body over ${limit} bytes is a 413`, async () => {
    const res = await send(route.path, JSON.stringify({ text: 'x'.repeat(limit + 10_000) }));
    expect(res.status).toBe(413);
    expect(res.type).toMatch(/^application\/problem\+json/);
  });
});

test('a database that cannot be reached answers 503 with Retry-After, not 500', async () => {
  const broken = new Proxy(db, {
    get: (target, property) =>
      property === 'staffToken'
        ? {
            findUnique: () =>
              Promise.reject(Object.assign(new Error("Can't reach database server"), { code: 'P1001' })),
          }
        : Reflect.get(target, property),
  });
  const { server: app, base: at } = offlineApi({ db: broken });
  try {
    const res = await fetch(`${at}/alerts`, {
      headers: { Authorization: authorization },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ title: 'Database unavailable' });
  } finally {
    app.close();
  }
});

test('a missing field says it is required; a wrong one lists what would do', async () => {
  const txn = await db.cardTransaction.findFirstOrThrow({ include: { card: true } });
  const body = { customerId: txn.card.customerId, cardId: txn.cardId, transactionId: txn.id, amount: 1 };
  const missing = await send('/cases', JSON.stringify(body));
  expect(missing.problem.errors).toContainEqual({ field: 'reasonCode', message: 'is required' });
  const wrong = await send('/cases', JSON.stringify({ ...body, reasonCode: 'bored' }));
  expect(wrong.problem.errors).toContainEqual({
    field: 'reasonCode',
    message: expect.stringMatching(/^must be one of unrecognized, fraud_card_absent, /),
  });
});

test('a workflow id given for a case id is told which is which', async () => {
  const res = await fetch(`${base}/cases/dispute-DSP-VALID/notes`, {
    method: 'POST',
    headers: { Authorization: authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'x' }),
  });
  expect(res.status).toBe(404);
  expect(((await res.json()) as { detail: string }).detail).toBe(
    'No case dispute-DSP-VALID. That is a workflow id; the case id is DSP-VALID.',
  );
});

test('free text with control characters or bidirectional overrides is refused, naming the field', async () => {
  for (const disguised of ['Refund\u0000 approved', 'ok \u202Edevorppa\u202C', 'tab\tand\nnew line are fine\u2066']) {
    const res = await send('/cases/:id/notes', JSON.stringify({ text: disguised }));
    expect(res.status).toBe(422);
    expect(res.problem.errors).toContainEqual({ field: 'text', message: expect.stringMatching(/control characters/) });
  }
});

test('answers to signed-in callers are not to be cached', async () => {
  const res = await fetch(`${base}/outreach/DSP-VALID-care-1`, { headers: { Authorization: authorization } });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
});
