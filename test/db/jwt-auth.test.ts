/**
 * Staff signing in with the bank's identity provider: JWTs signed here with local keys, verified
 * by the API against a static public key and against a JWKS endpoint, and refused for a wrong
 * issuer, audience, signature, key or expiry, or a staff id that is not active staff.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { seed } from '../../prisma/seed';
import { createApp } from '../../src/api/app';
import { jwtVerifier, type JwtSettings } from '../../src/auth/jwt';
import type { Db } from '../../src/db/client';
import { migratedSqlite } from '../helpers/db';

const ISSUER = 'https://idp.bank.example/';
const AUDIENCE = 'proactive-care-api';

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let db: Db;
let signing: Keys;
let stranger: Keys;
const servers: Server[] = [];

const listen = async (server: Server) => {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

async function api(settings: Omit<JwtSettings, 'issuer' | 'audience' | 'staffClaim'>) {
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const jwt = jwtVerifier({ issuer: ISSUER, audience: AUDIENCE, staffClaim: 'sub', ...settings });
  return listen(createServer(createApp({ db, temporal, taskQueue: 'unused', jwt })));
}

type Claims = { sub?: string; iss?: string; aud?: string; exp?: string | number | null };
const sign = (keys: Keys, claims: Claims, kid = 'k1', alg = 'ES256') => {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg, kid })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt();
  if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? '5m');
  if (claims.sub) jwt.setSubject(claims.sub);
  return jwt.sign(keys.privateKey);
};

async function get(base: string, token: string) {
  const res = await fetch(`${base}/alerts`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, detail: ((await res.json()) as { detail?: string }).detail };
}

beforeAll(async () => {
  ({ db } = migratedSqlite());
  await seed(db, { customers: 1 });
  signing = await generateKeyPair('ES256', { extractable: true });
  stranger = await generateKeyPair('ES256', { extractable: true });
});
afterAll(async () => {
  servers.forEach((s) => s.close());
  await db?.$disconnect();
});

test('a static public key: valid tokens name staff; every wrong claim, key or expiry is a 401', async () => {
  const base = await api({ publicKeyPem: await exportSPKI(signing.publicKey), algorithm: 'ES256' });
  expect(await get(base, await sign(signing, { sub: 'care-agent-1' }))).toEqual({ status: 200, detail: undefined });
  const refusals: [string, Promise<string>, RegExp][] = [
    ['wrong issuer', sign(signing, { sub: 'care-agent-1', iss: 'https://evil.example/' }), /fails its iss claim/],
    ['wrong audience', sign(signing, { sub: 'care-agent-1', aud: 'another-api' }), /fails its aud claim/],
    ['expired', sign(signing, { sub: 'care-agent-1', exp: Math.floor(Date.now() / 1000) - 60 }), /has expired/],
    ['wrong signature', sign(stranger, { sub: 'care-agent-1' }), /signature that does not verify/],
    ['no staff claim', sign(signing, {}), /has no sub claim/],
    ['not staff', sign(signing, { sub: 'someone-else' }), /names someone-else, who is not active staff/],
  ];
  for (const [name, token, detail] of refusals) {
    const res = await get(base, await token);
    expect([name, res.status]).toEqual([name, 401]);
    expect(res.detail).toMatch(detail);
  }
  // Staff API tokens still work beside JWTs.
  expect((await get(base, 'pct_unknown')).detail).toMatch(/not a known token/);
});

test('a JWKS endpoint: keys it publishes verify; others are refused', async () => {
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const jwks = await listen(
    createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] }))),
  );
  const base = await api({ jwksUrl: `${jwks}/.well-known/jwks.json`, algorithm: 'ES256' });
  expect((await get(base, await sign(signing, { sub: 'admin' }))).status).toBe(200);
  const unpublished = await get(base, await sign(stranger, { sub: 'admin' }, 'k2'));
  expect(unpublished).toMatchObject({ status: 401, detail: expect.stringMatching(/key the identity provider/) });
});

test('a JWT must expire, within a day, and be signed with the configured algorithm', async () => {
  const base = await api({ publicKeyPem: await exportSPKI(signing.publicKey), algorithm: 'ES256' });
  expect(await get(base, await sign(signing, { sub: 'admin', exp: null }))).toEqual({
    status: 401,
    detail: expect.stringMatching(/has no exp claim: it must expire/),
  });
  expect(await get(base, await sign(signing, { sub: 'admin', exp: '30d' }))).toEqual({
    status: 401,
    detail: expect.stringMatching(/expires more than 24 hours ahead/),
  });
  expect((await get(base, await sign(signing, { sub: 'admin', exp: '23h' }))).status).toBe(200);
});

test('an RSA key configured for RS256 takes no PS256 token, though the key could verify it', async () => {
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const base = await api({ publicKeyPem: await exportSPKI(rsa.publicKey), algorithm: 'RS256' });
  expect((await get(base, await sign(rsa, { sub: 'admin' }, 'k1', 'RS256'))).status).toBe(200);
  expect(await get(base, await sign(rsa, { sub: 'admin' }, 'k1', 'PS256'))).toEqual({
    status: 401,
    detail: expect.stringMatching(/is signed with PS256; only RS256 is accepted/),
  });
});
