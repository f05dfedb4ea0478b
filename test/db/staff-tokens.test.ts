/**
 * Staff authentication: API tokens issued by an admin (endpoint and command), stored only as a
 * hash, refused when unknown, expired or revoked, or when their owner is no longer active; a
 * claimed name is never identity; auditors read and change nothing. No Temporal is needed: the
 * API's client here could never connect, and nothing below reaches it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Server } from 'node:http';
import { seed } from '../../prisma/seed';
import { issueToken } from '../../src/auth/tokens';
import type { Db } from '../../src/db/client';
import { DAY_MS } from '../../workflows/domain/time';
import { migratedSqlite } from '../helpers/db';
import { offlineApi } from '../helpers/offline-api';

const run = promisify(execFile);

let db: Db;
let url: string;
let server: Server;
let base: string;

beforeAll(async () => {
  ({ db, url } = migratedSqlite());
  await seed(db, { customers: 2 });
  ({ server, base } = offlineApi({ db }));
});
afterAll(async () => {
  server?.close();
  await db?.$disconnect();
});

const as = async (staffId: string) => `Bearer ${(await issueToken(db, staffId, { days: 1 })).token}`;

async function request(method: string, path: string, authorization?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(authorization ? { Authorization: authorization } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

test('an admin issues a token, shown once and stored only as its hash; it works until revoked', async () => {
  const issued = await request('POST', '/staff/care-agent-2/tokens', await as('admin'), { days: 7, label: 'laptop' });
  expect(issued.status).toBe(201);
  expect(issued.headers.get('cache-control')).toBe('no-store');
  const { id, token } = issued.body as { id: string; token: string };
  expect(token).toMatch(/^pct_[\w-]{43}$/);
  const row = await db.staffToken.findUniqueOrThrow({ where: { id } });
  expect(row).toMatchObject({ staffId: 'care-agent-2', label: 'laptop' });
  expect(JSON.stringify(row)).not.toContain(token.slice(4));
  expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(7 * DAY_MS);

  expect((await request('GET', '/alerts', `Bearer ${token}`)).status).toBe(200);
  expect((await request('DELETE', `/tokens/${id}`, await as('admin'))).status).toBe(200);
  const refused = await request('GET', '/alerts', `Bearer ${token}`);
  expect(refused.status).toBe(401);
  expect(refused.body.detail).toMatch(/the token was revoked at/);
  expect(refused.headers.get('www-authenticate')).toContain('Bearer');
});

test('only admins issue and revoke tokens, and a bad request names its field', async () => {
  const supervisor = await as('merchant-disputes-supervisor');
  expect((await request('POST', '/staff/admin/tokens', supervisor, {})).status).toBe(403);
  expect((await request('DELETE', '/tokens/tok_anything', supervisor)).status).toBe(403);
  const admin = await as('admin');
  expect(await request('POST', '/staff/care-agent-1/tokens', admin, { days: 0 })).toMatchObject({
    status: 422,
    body: { errors: [expect.objectContaining({ field: 'days' })] },
  });
  expect((await request('POST', '/staff/nobody/tokens', admin, {})).status).toBe(404);
  expect((await request('DELETE', '/tokens/tok_nothing', admin)).status).toBe(404);
});

test.each([
  ['no credential', undefined, /Authorization: is required/],
  ['another scheme', 'Basic YWRtaW46YWRtaW4=', /must be exactly "Bearer <token>"/],
  ['a token of another system', 'Bearer abc.def.ghi', /not a Proactive Care token/],
  ['an unknown token', 'Bearer pct_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /not a known token/],
])('%s is refused with 401', async (_name, authorization, detail) => {
  const res = await request('GET', '/cases', authorization);
  expect(res).toMatchObject({
    status: 401,
    body: { errors: [{ field: 'Authorization', message: expect.anything() }] },
  });
  expect(res.body.detail).toMatch(detail);
});

test('an expired token and the token of someone no longer active are refused', async () => {
  const old = await issueToken(db, 'fraud-agent-1', { days: 1, now: new Date(Date.now() - 2 * DAY_MS) });
  expect((await request('GET', '/cases', `Bearer ${old.token}`)).body.detail).toMatch(/expired at/);
  const leaver = await issueToken(db, 'fraud-agent-2', { days: 1 });
  await db.staff.update({ where: { id: 'fraud-agent-2' }, data: { active: false } });
  expect((await request('GET', '/cases', `Bearer ${leaver.token}`)).body.detail).toMatch(/no longer active/);
});

test('auditors read every case and change nothing', async () => {
  const auditor = await as('auditor');
  expect((await request('GET', '/cases', auditor)).status).toBe(200);
  expect((await request('GET', '/outreach', auditor)).status).toBe(200);
  const opened = await request('POST', '/cases', auditor, {});
  expect(opened).toMatchObject({ status: 403, body: { detail: expect.stringContaining('auditor') } });
  const note = await request('POST', '/cases/DSP-ANY/notes', auditor, { text: 'x' });
  expect(note).toMatchObject({
    status: 403,
    body: { detail: 'auditor is an auditor; auditors may not add notes to cases.' },
  });
  const offer = await request('POST', '/outreach/any/offer-approval', await as('merchant-disputes-supervisor'), {});
  expect(offer.body.detail).toBe(
    "merchant-disputes-supervisor is a supervisor outside the care department; only the care team's supervisors may approve offers.",
  );
});

// The command runs beside the event loop, not blocking it: a blocked loop left this file's
// keep-alive connection to the API idle past its timeout, and the next request met a reset.
test('npm run staff issues, lists and revokes tokens from a shell', async () => {
  const staff = async (...args: string[]) =>
    (
      await run(process.execPath, ['--import', 'tsx', 'src/tools/staff.ts', 'token', ...args], {
        env: { ...process.env, DATABASE_URL: url },
        encoding: 'utf8',
      })
    ).stdout;
  const issued = await staff('issue', 'chargebacks-agent-1', '--days', '3', '--label', 'cli');
  const [, id] = /Token (tok_[\w-]+)/.exec(issued)!;
  expect(issued).toMatch(/pct_[\w-]{43}/);
  expect(await staff('list', 'chargebacks-agent-1')).toContain(`${id}  expires`);
  expect(await staff('revoke', id)).toContain('revoked at');
  expect(await staff('list', 'chargebacks-agent-1')).toContain(`${id}  revoked`);
});

test('every staff call is audited: who, what, which case, accepted or refused and why', async () => {
  const agent = await as('merchant-disputes-agent-1');
  await request('GET', '/cases/DSP-AUDIT1', agent);
  await request('POST', '/cases/DSP-AUDIT1/notes', undefined, { text: 'x' });
  await request('POST', '/cases/DSP-AUDIT1/notes', await as('auditor'), { text: 'x' });
  const auditor = await as('auditor');
  let rows: Record<string, unknown>[] = [];
  for (let i = 0; i < 50 && rows.length < 3; i++) {
    rows = (await request('GET', '/audit?caseId=DSP-AUDIT1', auditor)).body.items as Record<string, unknown>[];
  }
  expect(rows.map((r) => [r.staffId, r.method, r.action, r.status, r.outcome])).toEqual([
    ['auditor', 'POST', 'addNote', 403, 'refused'],
    [null, 'POST', null, 401, 'refused'],
    ['merchant-disputes-agent-1', 'GET', null, 404, 'refused'],
  ]);
  expect(rows[1].reason).toMatch(/Authorization: is required/);
  expect(rows[0]).toMatchObject({ role: 'auditor', path: '/cases/DSP-AUDIT1/notes', requestId: expect.any(String) });
  expect((await request('GET', '/audit', agent)).status).toBe(403);
  expect((await request('GET', '/audit?outcome=maybe', auditor)).status).toBe(422);
});

test('rate limits per credential and per address answer 429 with RateLimit headers', async () => {
  const { server: small, base: at } = offlineApi({ db, rateLimits: { perAddress: 7, perCredential: 3 } });
  try {
    const [first, second] = [await as('care-agent-1'), await as('care-agent-2')];
    const get = (authorization: string) => fetch(`${at}/alerts`, { headers: { Authorization: authorization } });
    const answers = [await get(first), await get(first), await get(first), await get(first)];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0].headers.get('ratelimit-policy')).toMatch(/q=3; w=60/);
    expect(answers[0].headers.get('ratelimit')).toMatch(/r=2/);
    expect(answers[3].headers.get('retry-after')).toBe('60');
    expect(await answers[3].json()).toMatchObject({ status: 429, title: 'Too many requests' });
    // Another credential has its own budget, until the address runs out of its own.
    expect((await get(second)).status).toBe(200);
    const rest = [await get(second), await get(second), await fetch(`${at}/healthz`)];
    expect(rest.map((r) => r.status)).toEqual([200, 200, 429]);
  } finally {
    small.close();
  }
});

test('the per-credential budget is counted by the staff member, however the header is spelled', async () => {
  const { server: small, base: at } = offlineApi({ db, rateLimits: { perAddress: 1000, perCredential: 2 } });
  try {
    const token = (await as('care-agent-1')).slice('Bearer '.length);
    const get = (authorization: string) => fetch(`${at}/alerts`, { headers: { Authorization: authorization } });
    expect([(await get(`Bearer ${token}`)).status, (await get(`Bearer ${token}`)).status]).toEqual([200, 200]);
    // Spelled another way, the same token is not a fresh budget: it is not a credential at all.
    for (const variant of [`Bearer ${token} x1`, `bearer ${token}`, `Bearer  ${token}`, `Bearer\t${token}`]) {
      const res = await get(variant);
      expect([variant, res.status]).toEqual([variant, 401]);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/must be exactly "Bearer <token>"/);
    }
    // HTTP trims a header's surrounding spaces: that is the same spelling, and the same budget.
    expect((await get(` Bearer ${token} `)).status).toBe(429);
    // Another token of the same person shares the person's budget.
    expect((await get(await as('care-agent-1'))).status).toBe(429);
    expect((await get(await as('care-agent-2'))).status).toBe(200);
  } finally {
    small.close();
  }
});
