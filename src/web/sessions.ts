/**
 * Browser sessions of staff: a row in `StaffSession` per sign-in, and a cookie that holds only a
 * random secret (the row keeps its SHA-256). A session is for one purpose, whose cookie a browser
 * sends to that purpose's paths only; it ends at sign-out, after its idle time without use, or at
 * its absolute lifetime, and the staff member behind it must still be active at every use.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import { toActor } from '../cases/actors';
import type { Db } from '../db/client';
import type { Actor } from '../../workflows/domain/case';

export interface SessionKind {
  /** What the session signs into, as its rows record it. */
  purpose: string;
  cookie: string;
  /** The paths the browser sends the cookie to. */
  path: string;
  /** Where a browser without a live session is sent, for kinds that have pages. */
  signIn?: string;
  /**
   * Whether a change made with this session must carry its CSRF token: yes for pages with forms.
   * The codec's calls change nothing, and CORS already limits who may read their answers.
   */
  csrf: boolean;
  /**
   * `strict` for staff; `lax` where the session starts from a link in another site or app (a
   * customer's mail), whose first navigation must carry the cookie.
   */
  sameSite: 'strict' | 'lax';
  idleMs: number;
  absoluteMs: number;
}

/** Working cases in the staff console: its pages only. */
export const CONSOLE_SESSION: SessionKind = {
  purpose: 'console',
  cookie: 'console_session',
  path: '/console',
  signIn: '/console/sign-in',
  csrf: true,
  sameSite: 'strict',
  idleMs: 30 * 60_000,
  absoluteMs: 10 * 3_600_000,
};

/** Reading cases in the Temporal UI: its remote codec's paths only. */
export const CODEC_SESSION: SessionKind = {
  purpose: 'codec',
  cookie: 'codec_session',
  path: '/codec',
  csrf: false,
  sameSite: 'strict',
  idleMs: 60 * 60_000,
  absoluteMs: 8 * 3_600_000,
};

/** A use within this long of the last one is not written down again: one write a minute at most. */
export const SEEN_GRANULARITY_MS = 60_000;

/** What a session's row keeps of its cookie's secret. */
export const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');
/** The secret in the request's cookie for this kind of session, if any. */
export const secretIn = (req: Request, kind: SessionKind) =>
  req.headers.cookie ? parseCookies(req.headers.cookie)[kind.cookie] : undefined;

/** Signs `actor` in: a new session, and its cookie (HttpOnly, SameSite=Strict, Secure over TLS). */
export async function startSession(
  db: Db,
  req: Request,
  res: Response,
  kind: SessionKind,
  actor: Actor,
): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  const now = new Date();
  await db.staffSession.create({
    data: {
      id: `ses_${randomBytes(9).toString('base64url')}`,
      hash: hashOf(secret),
      staffId: actor.id,
      purpose: kind.purpose,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + kind.absoluteMs),
    },
  });
  setSessionCookie(req, res, kind, secret);
}

/** The session's cookie: HttpOnly, the kind's SameSite and path, Secure over TLS, for its whole life. */
export function setSessionCookie(req: Request, res: Response, kind: SessionKind, secret: string): void {
  res.cookie(kind.cookie, secret, {
    httpOnly: true,
    sameSite: kind.sameSite,
    secure: req.secure,
    path: kind.path,
    maxAge: kind.absoluteMs,
  });
}

/** Who the request's session cookie speaks for; null without one that is live. */
export async function sessionActor(db: Db, req: Request, kind: SessionKind, now = new Date()): Promise<Actor | null> {
  const secret = secretIn(req, kind);
  if (!secret) return null;
  const found = await db.staffSession.findUnique({ where: { hash: hashOf(secret) }, include: { staff: true } });
  if (!found || found.purpose !== kind.purpose || found.endedAt || !found.staff.active) return null;
  if (found.expiresAt <= now || found.lastSeenAt.getTime() + kind.idleMs <= now.getTime()) return null;
  if (now.getTime() - found.lastSeenAt.getTime() >= SEEN_GRANULARITY_MS) {
    await db.staffSession.update({ where: { id: found.id }, data: { lastSeenAt: now } });
  }
  return toActor(found.staff);
}

/**
 * The token every form of a session carries (and htmx sends as `X-CSRF-Token`): derived from the
 * session's secret, which another site cannot read, so a form posted from elsewhere lacks it.
 */
export function csrfToken(req: Request, kind: SessionKind): string | null {
  const secret = secretIn(req, kind);
  return secret ? createHash('sha256').update(`csrf:${secret}`).digest('base64url') : null;
}

/** Whether a request that changes something carries its session's CSRF token. */
export function carriesCsrfToken(req: Request, kind: SessionKind): boolean {
  const expected = csrfToken(req, kind);
  const sent = req.get('X-CSRF-Token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
  return (
    expected !== null &&
    typeof sent === 'string' &&
    sent.length === expected.length &&
    timingSafeEqual(Buffer.from(sent), Buffer.from(expected))
  );
}

/** Signs out: the session ends (if the cookie names one) and the cookie is dropped. */
export async function endSession(db: Db, req: Request, res: Response, kind: SessionKind): Promise<void> {
  const secret = secretIn(req, kind);
  if (secret)
    await db.staffSession.updateMany({ where: { hash: hashOf(secret), endedAt: null }, data: { endedAt: new Date() } });
  res.clearCookie(kind.cookie, { path: kind.path });
}
