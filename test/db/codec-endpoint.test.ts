/**
 * The remote codec for the Temporal UI: it refuses an anonymous or unauthorised caller and serves
 * an authorised one, answers the UI's origin (and no other) with CORS, and takes the sign-in
 * session's cookie in place of a token, for as long as the session lives. No Temporal is needed: the codec is the API's own.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { seed } from '../../prisma/seed';
import { issueToken } from '../../src/auth/tokens';
import type { Db } from '../../src/db/client';
import { EncryptionCodec } from '../../src/temporal/codec';
import { newKeyEntry, parsePayloadKeys } from '../../src/temporal/encryption';
import { migratedSqlite } from '../helpers/db';
import { offlineApi } from '../helpers/offline-api';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';

const UI = 'http://127.0.0.1:8233';
const codec = new EncryptionCodec(TEST_PAYLOAD_KEYS);
let db: Db;
let server: Server;
let base: string;

beforeAll(async () => {
  ({ db } = migratedSqlite());
  await seed(db, { customers: 2 });
  ({ server, base } = offlineApi({ db, codec, codecOrigins: [UI] }));
});
afterAll(async () => {
  server?.close();
  await db?.$disconnect();
});

const token = async (staffId: string) => (await issueToken(db, staffId, { days: 1 })).token;
const wire = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data!).toString('base64'),
});
const note = { text: 'The customer says the parcel never came' };

async function call(way: 'decode' | 'encode', payloads: Payload[], headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/codec/${way}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: UI, ...headers },
    body: JSON.stringify({ payloads: payloads.map(wire) }),
  });
  return { res, body: (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] } };
}

const opened = (body: { payloads: { data: string }[] }) =>
  JSON.parse(Buffer.from(body.payloads[0].data, 'base64').toString());

test('an anonymous caller is refused, with CORS headers the UI can read', async () => {
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(note)]);
  const { res } = await call('decode', [sealed]);
  expect(res.status).toBe(401);
  expect(res.headers.get('access-control-allow-origin')).toBe(UI);
  expect(res.headers.get('access-control-allow-credentials')).toBe('true');
});

test('an agent may not decode; an auditor decodes but may not encode; an admin does both', async () => {
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(note)]);
  const agent = await call('decode', [sealed], { authorization: `Bearer ${await token('merchant-disputes-agent-1')}` });
  expect([agent.res.status, (agent.body as unknown as { code: string }).code]).toEqual([403, 'PolicyDenied']);

  const auditor = `Bearer ${await token('auditor')}`;
  const decoded = await call('decode', [sealed], { authorization: auditor });
  expect(decoded.res.status).toBe(200);
  expect(opened(decoded.body)).toEqual(note);
  expect((await call('encode', [defaultPayloadConverter.toPayload(note)], { authorization: auditor })).res.status).toBe(
    403,
  );

  const admin = `Bearer ${await token('admin')}`;
  const encoded = await call('encode', [defaultPayloadConverter.toPayload(note)], { authorization: admin });
  expect(encoded.res.status).toBe(200);
  expect(Buffer.from(encoded.body.payloads[0].data, 'base64').toString('latin1')).not.toContain('parcel');
  const back = encoded.body.payloads.map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  }));
  expect(opened((await call('decode', back, { authorization: auditor })).body)).toEqual(note);
});

test('a payload these keys cannot open is shown as it is; a malformed body names the field', async () => {
  const [foreign] = await new EncryptionCodec(parsePayloadKeys(newKeyEntry(), 'elsewhere')).encode([
    defaultPayloadConverter.toPayload(note),
  ]);
  const authorization = `Bearer ${await token('auditor')}`;
  const { res, body } = await call('decode', [foreign], { authorization });
  expect(res.status).toBe(200);
  expect(body.payloads[0]).toEqual(wire(foreign));
  const bad = await fetch(`${base}/codec/decode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ payloads: [{ data: 'not base64!' }] }),
  });
  expect(bad.status).toBe(422);
  expect(JSON.stringify(await bad.json())).toContain('payloads.0.data');
});

test('the UI’s origin passes the preflight; another origin gets no CORS grant', async () => {
  const preflight = (origin: string) =>
    fetch(`${base}/codec/decode`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
  const ui = await preflight(UI);
  expect(ui.status).toBe(204);
  expect(ui.headers.get('access-control-allow-origin')).toBe(UI);
  expect(ui.headers.get('access-control-allow-headers')).toContain('x-namespace');
  expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
});

const signIn = (t: string) =>
  fetch(`${base}/codec/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: t }),
  });
/** An auditor signed in: the session's cookie as a browser sends it back. */
async function signedIn(): Promise<string> {
  const res = await signIn(await token('auditor'));
  return res.headers.get('set-cookie')!.split(';')[0];
}
const sessionSecret = (cookie: string) => cookie.split('=')[1];
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

test('signing in starts a session in a strict, HttpOnly cookie the codec takes; an agent cannot sign in', async () => {
  const page = await fetch(`${base}/codec/sign-in`);
  expect(await page.text()).toContain('<form method="post" action="/codec/sign-in">');
  expect((await signIn(await token('merchant-disputes-agent-1'))).status).toBe(403);
  expect((await signIn('pct_nonsense')).status).toBe(401);
  const pasted = await token('auditor');
  const res = await signIn(pasted);
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/^codec_session=[A-Za-z0-9_-]{43};/);
  // A session of its own, not the token pasted (a 30-day API token, say), kept only as a hash.
  expect(cookie).not.toContain(pasted);
  const secret = sessionSecret(cookie.split(';')[0]);
  const row = await db.staffSession.findUniqueOrThrow({ where: { hash: hashOf(secret) } });
  expect(row).toMatchObject({ staffId: 'auditor', purpose: 'codec', endedAt: null });
  expect(JSON.stringify(row)).not.toContain(secret);
  expect(cookie).toMatch(/Max-Age=28800/);
  expect(cookie).toContain('HttpOnly');
  expect(cookie).toContain('SameSite=Strict');
  expect(cookie).toContain('Path=/codec');
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(note)]);
  const { res: decoded, body } = await call('decode', [sealed], { cookie: cookie.split(';')[0] });
  expect(decoded.status).toBe(200);
  expect(opened(body)).toEqual(note);

  // Signing out ends the session: the cookie no longer opens anything.
  const out = await fetch(`${base}/codec/sign-out`, { method: 'POST', headers: { cookie: cookie.split(';')[0] } });
  expect(out.status).toBe(200);
  expect(out.headers.get('set-cookie')).toMatch(/^codec_session=;/);
  expect((await call('decode', [sealed], { cookie: cookie.split(';')[0] })).res.status).toBe(401);
});

test('a session ends after an hour without use, after eight hours in any case, and with its staff member', async () => {
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(note)]);
  const decodes = async (cookie: string) => (await call('decode', [sealed], { cookie })).res.status;
  const age = (cookie: string, data: { lastSeenAt?: Date; expiresAt?: Date }) =>
    db.staffSession.update({ where: { hash: hashOf(sessionSecret(cookie)) }, data });
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

  const idle = await signedIn();
  await age(idle, { lastSeenAt: ago(59) });
  expect(await decodes(idle)).toBe(200); // and the use is written down, so it lives on
  expect(
    (await db.staffSession.findUniqueOrThrow({ where: { hash: hashOf(sessionSecret(idle)) } })).lastSeenAt.getTime(),
  ).toBeGreaterThan(ago(1).getTime());
  await age(idle, { lastSeenAt: ago(61) });
  expect(await decodes(idle)).toBe(401);

  const old = await signedIn();
  await age(old, { expiresAt: ago(1) });
  expect(await decodes(old)).toBe(401);

  const leaver = await signedIn();
  await db.staff.update({ where: { id: 'auditor' }, data: { active: false } });
  try {
    expect(await decodes(leaver)).toBe(401);
  } finally {
    await db.staff.update({ where: { id: 'auditor' }, data: { active: true } });
  }
});

test('a codec session opens the codec and nothing else, whatever path it is sent to', async () => {
  const cookie = await signedIn();
  for (const path of ['/cases', '/audit', '/outreach']) {
    expect([path, (await fetch(`${base}${path}`, { headers: { cookie } })).status]).toEqual([path, 401]);
  }
  // A forged or guessed cookie is no session.
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(note)]);
  expect((await call('decode', [sealed], { cookie: `codec_session=${'A'.repeat(43)}` })).res.status).toBe(401);
});

test('the sign-in and sign-out forms refuse posts from another site', async () => {
  const pasted = await token('auditor');
  const foreign: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }];
  for (const headers of foreign) {
    for (const path of ['/codec/sign-in', '/codec/sign-out']) {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ token: pasted }),
      });
      expect([path, headers, res.status, res.headers.get('set-cookie')]).toEqual([path, headers, 403, null]);
    }
  }
  const ownPage = await fetch(`${base}/codec/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ token: pasted }),
  });
  expect(ownPage.status).toBe(200);
});

test('a call with no payloads (the CLI querying without --input sends {}) answers none, for either way', async () => {
  for (const way of ['encode', 'decode']) {
    const res = await fetch(`${base}/codec/${way}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('admin')}` },
      body: '{}',
    });
    expect([way, res.status, await res.json()]).toEqual([way, 200, { payloads: [] }]);
  }
});
