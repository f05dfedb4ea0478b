/**
 * The remote codec the Temporal UI calls to show sealed payloads: `POST /codec/decode` for
 * auditors and admins (engineers on duty hold one of those), `POST /codec/encode` for admins only
 * (a sealed payload sent straight to Temporal is an action, so encoding is an admin's power).
 * The UI calls from its own origin, allowed by CORS; it sends the caller's access token (with
 * "pass access token") or the session cookie `POST /codec/sign-in` sets (with "include
 * cross-origin credentials"). Without either it gets 401 and shows the ciphertext.
 */
import cors from 'cors';
import express, { Router, type RequestHandler } from 'express';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import type { JwtVerifier } from '../../auth/jwt';
import type { Db } from '../../db/client';
import type { EncryptionCodec } from '../../temporal/codec';
import { html, layout, type Html } from '../../web/html';
import { CODEC_SESSION, endSession } from '../../web/sessions';
import { Problem } from '../problem';
import { sameOrigin, signInWithToken } from '../sign-in';
import { requireJson } from '../validation';

/** The Temporal UI sends a history's payloads at a time: more than an action's 100 kB. */
export const CODEC_BODY_LIMIT = 8 * 1024 * 1024;

const Base64 = z.base64().max(4_000_000);
export const CodecPayloads = z
  .strictObject({
    payloads: z
      .array(z.strictObject({ metadata: z.record(z.string(), Base64).optional(), data: Base64.optional() }))
      .max(1000)
      // The Temporal CLI sends `{}` for a call without input (a query with no arguments).
      .default([]),
  })
  .describe('Temporal payloads as its remote codec protocol has them: metadata values and data in base64.');

/** CORS for the Temporal UI's origins, with credentials (the sign-in cookie). */
export function codecCors(origins: string[]): RequestHandler {
  return cors({
    origin: origins,
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'authorization', 'x-namespace'],
  });
}

/** The codec calls; authentication (token, JWT or the sign-in cookie) comes before, in the app. */
export function codecRoutes({ codec }: { codec: EncryptionCodec | null }): Router {
  const router = Router();
  router.post('/codec/decode', async (req, res) => {
    requireJson(req);
    const payloads = fromWire(CodecPayloads.parse(req.body).payloads);
    // One at a time: a payload these keys cannot open (or in clear) is shown as it is.
    const opened = payloads.map((payload) => {
      try {
        return codec ? codec.open(payload) : payload;
      } catch {
        return payload;
      }
    });
    res.json({ payloads: toWire(opened) });
  });
  router.post('/codec/encode', async (req, res) => {
    requireJson(req);
    const payloads = fromWire(CodecPayloads.parse(req.body).payloads);
    if (!codec) throw new Problem(503, 'No payload keys', 'This API was started without payload keys.');
    res.json({ payloads: toWire(await codec.encode(payloads)) });
  });
  return router;
}

/**
 * `GET /codec/sign-in`, a form for a staff token (an auditor's or an admin's); `POST` checks it
 * and starts a codec session (`src/web/sessions.ts`: eight hours at most, one without use), whose
 * cookie the browser sends to the codec's paths only, so the Temporal UI on the same host can
 * send it. `POST /codec/sign-out` ends the session and drops the cookie.
 */
export function codecSignInRoutes({ db, jwt }: { db: Db; jwt: JwtVerifier | null }): Router {
  const router = Router();
  router.get('/codec/sign-in', (_req, res) => {
    res.type('html').send(codecPage('Sign in to read cases in the Temporal UI', SIGN_IN_FORM));
  });
  router.post('/codec/sign-in', sameOrigin, express.urlencoded({ extended: false, limit: '8kb' }), async (req, res) => {
    const { actor } = await signInWithToken({ db, jwt }, req, res, CODEC_SESSION, 'decodePayloads');
    res.type('html').send(codecPage(`Signed in as ${actor.id} (${actor.role})`, SIGNED_IN));
  });
  router.post('/codec/sign-out', sameOrigin, async (req, res) => {
    await endSession(db, req, res, CODEC_SESSION);
    res.type('html').send(codecPage('Signed out', html`<p>The Temporal UI shows ciphertext again.</p>`));
  });
  return router;
}

const SIGN_IN_FORM = html`<p>Paste a staff API token of an auditor or an admin (or the identity provider's token).</p>
  <form method="post" action="/codec/sign-in">
    <input type="password" name="token" autocomplete="off" size="60" required />
    <button type="submit">Sign in</button>
  </form>`;

const SIGNED_IN = html`<p>
    Until you sign out, for eight hours at most (an hour without use ends it sooner), the Temporal UI on this host shows
    decoded payloads, if its Codec Server settings (the gear in the UI's top bar) tick
    <em>Include cross-origin credentials</em>. Open the UI at the same host name as this page (127.0.0.1 here and
    there), or the cookie is not sent.
  </p>
  <form method="post" action="/codec/sign-out"><button type="submit">Sign out</button></form>`;

const codecPage = (title: string, body: Html) =>
  layout({
    title,
    body: html`<h1>${title}</h1>
      ${body}`,
  });

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
const base64 = (data: Uint8Array | null | undefined) => Buffer.from(data ?? []).toString('base64');

function fromWire(payloads: z.infer<typeof CodecPayloads>['payloads']): Payload[] {
  return payloads.map(({ metadata = {}, data = '' }) => ({
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, bytes(v)])),
    data: bytes(data),
  }));
}

function toWire(payloads: Payload[]) {
  return payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, base64(v)])),
    data: base64(data),
  }));
}
