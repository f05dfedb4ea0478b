/**
 * Every endpoint × every role, with the expectation read from the policy table itself: a role the
 * table refuses gets 403, a case outside its reach 404, and an allowed call gets past the policy
 * (to the body check, the database or Temporal; Temporal is unreachable here, so an allowed
 * action ends in 503, never in a policy refusal). The workflow's own checks are tested elsewhere.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { JANE, seed } from '../../prisma/seed';
import { createApp } from '../../src/api/app';
import { ACCESS, reachOf, type Operation } from '../../src/api/access';
import { API_ROUTES, type ApiRoute } from '../../src/api/route-table';
import { issueToken } from '../../src/auth/tokens';
import { loadActor } from '../../src/cases/actors';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../src/notifications/settings';
import { diskDocumentStore } from '../../src/self-service/documents';
import type { Db } from '../../src/db/client';
import { freePort } from '../../src/ports';
import { STAFF_ACTIONS } from '../../workflows/dispute/messages';
import type { Actor } from '../../workflows/domain/case';
import { migratedSqlite } from '../helpers/db';

const CASE = { id: 'DSP-MATRIX', departmentId: 'merchant-disputes' };
const OUTREACH = `${CASE.id}-care-1`;
/** A document the case's customer sent, kept in a store of this test's own. */
const DOCUMENT = 'doc-matrix';
const documents = diskDocumentStore(mkdtempSync(path.join(tmpdir(), 'matrix-documents-')));

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
  'card-network',
];

let db: Db;
let server: Server;
let base: string;
const tokens = new Map<string, string>();
const actors = new Map<string, Actor>();
/** Each caller's own alert, and a token for admins to revoke. */
const alerts = new Map<string, string>();
let spareToken: string;

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
  const receipt = Buffer.from('%PDF-1.4 matrix');
  const sha256 = createHash('sha256').update(receipt).digest('hex');
  await documents.put(sha256, receipt);
  await db.customerAnswer.create({
    data: {
      id: 'ans-matrix',
      requestId: 'ans-matrix',
      caseId: CASE.id,
      customerId: txn.card.customerId,
      text: 'matrix',
      documents: {
        create: {
          id: DOCUMENT,
          caseId: CASE.id,
          fileName: 'receipt.pdf',
          mediaType: 'application/pdf',
          sizeBytes: receipt.length,
          sha256,
          uploadedBy: `customer:${txn.card.customerId}`,
        },
      },
    },
  });
  spareToken = (await issueToken(db, 'auditor', { days: 1, label: 'to revoke' })).id;
  for (const id of CALLERS) {
    tokens.set(id, (await issueToken(db, id, { days: 1 })).token);
    alerts.set(id, `alert-${id}`);
    await db.staffAlert.create({
      data: { id: `alert-${id}`, idempotencyKey: `alert-${id}`, staffId: id, kind: 'sla_warning', message: 'matrix' },
    });
    actors.set(id, (await loadActor(db, id))!);
    // Each caller's own bulk operation: a supervisor sees the ones they ran.
    await db.bulkOperation.create({
      data: { id: `bulk-${id}`, action: 'escalate', body: '{"reason":"matrix"}', requestedBy: id },
    });
  }
  // Temporal at a closed port, without retries: whatever gets past the policy fails fast with 503.
  const connection = Connection.lazy({
    address: `127.0.0.1:${await freePort()}`,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))],
  });
  server = createApp({
    db,
    temporal: new Client({ connection }),
    taskQueue: 'unused',
    selfService: {
      linkKey: randomBytes(32),
      bank: DEFAULT_NOTIFICATION_SETTINGS,
      channels: { email: null as never, sms: null, push: null },
      documents,
    },
  }).listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await db?.$disconnect();
});

/** Each route the table says needs a credential, aimed at the records made above; bodies need
 * not be valid, the policy answers before they are read. */
const guarded = API_ROUTES.filter(
  (route): route is Extract<ApiRoute, { operation: Operation }> => route.kind !== 'open',
);
const matrix = guarded.flatMap((route) =>
  CALLERS.map((caller) => [`${route.method.toUpperCase()} ${route.path}`, route.operation, caller] as const),
);

/** The record each route's `:id` names, for this caller. */
function target(path: string, caller: string): string {
  const ids: Record<string, string> = {
    cases: CASE.id,
    outreach: OUTREACH,
    customers: JANE.customerId,
    staff: 'admin',
    tokens: spareToken,
    alerts: alerts.get(caller)!,
    'bulk-operations': `bulk-${caller}`,
  };
  return path.replace(':id', ids[path.split('/')[1]]).replace(':documentId', DOCUMENT);
}

test.each(matrix)('%s (%s) by %s is decided by the policy table', async (route, operation, caller) => {
  const [method, pattern] = route.split(' ');
  const path = target(pattern, caller);
  const body = method === 'GET' || method === 'DELETE' ? undefined : {};
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${tokens.get(caller)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // A problem is JSON; a document's download is its bytes.
  const answer = (res.headers.get('content-type')?.includes('json') ? await res.json() : {}) as { code?: string };
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
  expect((Object.keys(ACCESS) as Operation[]).filter((op) => may('card-processor', op))).toEqual(['feedUsage']);
  // The card network sends its answers and does nothing else; no other system may speak for it.
  expect((Object.keys(ACCESS) as Operation[]).filter((op) => may('card-network', op))).toEqual(['feedNetwork']);
});

test('every operation of the policy table is some route’s, so the matrix tries them all', () => {
  expect(new Set(guarded.map((route) => route.operation))).toEqual(new Set(Object.keys(ACCESS)));
});
