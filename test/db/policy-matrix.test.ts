/**
 * Every endpoint × every role, with the expectation read from the policy table itself: a role the
 * table refuses gets 403, a case outside its reach 404, and an allowed call gets past the policy
 * (to the body check, the database or Temporal; Temporal is unreachable here, so an allowed
 * action ends in 503, never in a policy refusal). The workflow's own checks are tested elsewhere.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { JANE, seed } from '../../prisma/seed';
import { createApp } from '../../src/api/app';
import { POLICY, reachOf, type Operation } from '../../src/api/policy';
import { issueToken } from '../../src/auth/tokens';
import { loadActor } from '../../src/cases/actors';
import type { Db } from '../../src/db/client';
import { freePort } from '../../src/ports';
import { STAFF_ACTIONS, type Actor, type StaffActionName } from '../../workflows/dispute/messages';
import { migratedSqlite } from '../helpers/db';

const CASE = { id: 'DSP-MATRIX', departmentId: 'merchant-disputes' };
const OUTREACH = `${CASE.id}-care-1`;

/** One member of staff per role and reach: in the case's department, in another, in intake or care. */
const CALLERS = [
  'merchant-disputes-agent-1',
  'fraud-agent-1',
  'intake-agent-1',
  'merchant-disputes-supervisor',
  'fraud-supervisor',
  'care-supervisor',
  'care-agent-1',
  'auditor',
  'admin',
  'card-processor',
];

let db: Db;
let server: Server;
let base: string;
const tokens = new Map<string, string>();
const actors = new Map<string, Actor>();

beforeAll(async () => {
  ({ db } = migratedSqlite());
  await seed(db, { customers: 2 });
  const txn = await db.cardTransaction.findFirstOrThrow({ where: { amountCents: { gt: 0 } }, include: { card: true } });
  await db.case.create({
    data: {
      id: CASE.id,
      workflowId: `dispute-${CASE.id}`,
      customerId: txn.card.customerId,
      cardId: txn.cardId,
      transactionId: txn.id,
      amountCents: 100,
      reasonCode: 'unrecognized',
      stage: 'investigation',
      departmentId: CASE.departmentId,
      openedBy: 'intake-agent-1',
    },
  });
  await db.outreachTask.create({
    data: {
      id: OUTREACH,
      idempotencyKey: OUTREACH,
      caseId: CASE.id,
      customerId: txn.card.customerId,
      recommendation: '{}',
    },
  });
  for (const id of CALLERS) {
    tokens.set(id, (await issueToken(db, id, { days: 1 })).token);
    actors.set(id, (await loadActor(db, id))!);
  }
  // Temporal at a closed port, without retries: whatever gets past the policy fails fast with 503.
  const connection = Connection.lazy({
    address: `127.0.0.1:${await freePort()}`,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))],
  });
  server = createApp({ db, temporal: new Client({ connection }), taskQueue: 'unused' }).listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await db?.$disconnect();
});

/** How each operation is called; bodies need not be valid: the policy answers before they are read. */
function endpoint(operation: Operation): { method: string; path: string; body?: unknown } {
  const action = STAFF_ACTIONS[operation as StaffActionName];
  if (action) {
    const target = action.on === 'case' ? `/cases/${CASE.id}` : `/outreach/${OUTREACH}`;
    return { method: 'POST', path: `${target}/${action.path}`, body: {} };
  }
  const calls: Record<Exclude<Operation, StaffActionName>, { method: string; path: string; body?: unknown }> = {
    openCase: { method: 'POST', path: '/cases', body: {} },
    readCases: { method: 'GET', path: `/cases/${CASE.id}` },
    readCustomers: { method: 'GET', path: `/customers/${JANE.customerId}` },
    readOutreach: { method: 'GET', path: '/outreach' },
    readOwnAlerts: { method: 'GET', path: '/alerts' },
    manageTokens: { method: 'POST', path: '/staff/admin/tokens', body: { label: 'matrix' } },
    readAudit: { method: 'GET', path: '/audit' },
    feedUsage: { method: 'POST', path: '/feed/transactions', body: {} },
    decodePayloads: { method: 'POST', path: '/codec/decode', body: {} },
    encodePayloads: { method: 'POST', path: '/codec/encode', body: {} },
  };
  return calls[operation as Exclude<Operation, StaffActionName>];
}

const matrix = (Object.keys(POLICY) as Operation[]).flatMap((operation) =>
  CALLERS.map((caller) => [operation, caller] as const),
);

test.each(matrix)('%s by %s is decided by the policy table', async (operation, caller) => {
  const { method, path, body } = endpoint(operation);
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${tokens.get(caller)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as { code?: string };
  const reach = reachOf(actors.get(caller)!, operation);
  const aimsAtCase = path.includes(CASE.id) || path.includes(OUTREACH);
  if (!reach) {
    expect([res.status, answer.code]).toEqual([403, 'PolicyDenied']);
  } else if (aimsAtCase && reach.department !== null && reach.department !== CASE.departmentId) {
    expect(res.status).toBe(404);
  } else {
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(404);
    expect(answer.code).not.toBe('PolicyDenied');
  }
});

test('the table says what the design says', () => {
  const may = (caller: string, operation: Operation) => reachOf(actors.get(caller)!, operation) !== null;
  // Auditors read everything and change nothing.
  expect((Object.keys(STAFF_ACTIONS) as Operation[]).filter((op) => may('auditor', op))).toEqual([]);
  expect(['readCases', 'readOutreach', 'readAudit'].every((op) => may('auditor', op as Operation))).toBe(true);
  // Care agents work outreach; agents act only on their department's cases.
  expect(may('care-agent-1', 'claimOutreach') && !may('merchant-disputes-agent-1', 'claimOutreach')).toBe(true);
  expect(reachOf(actors.get('fraud-agent-1')!, 'resolve')).toEqual({ department: 'fraud' });
  // Approvals are for supervisors; tokens for admins.
  expect(may('merchant-disputes-agent-1', 'approveResolution')).toBe(false);
  expect(may('fraud-supervisor', 'approveOffer') || may('care-agent-1', 'approveOffer')).toBe(false);
  expect(CALLERS.filter((c) => may(c, 'manageTokens'))).toEqual(['admin']);
  // The card processor feeds usage and does nothing else.
  expect((Object.keys(POLICY) as Operation[]).filter((op) => may('card-processor', op))).toEqual(['feedUsage']);
});
