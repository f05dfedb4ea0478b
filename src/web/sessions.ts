/**
 * Browser sessions of staff: a row in `StaffSession` per sign-in, and a cookie that holds only a
 * random secret (the row keeps its SHA-256). A session is for one purpose, whose cookie a browser
 * sends to that purpose's paths only; it ends at sign-out, after its idle time without use, or at
 * its absolute lifetime, and the staff member behind it must still be active at every use.
 */
import { createHash, randomBytes } from 'node:crypto';
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
  idleMs: number;
  absoluteMs: number;
}

/** Reading cases in the Temporal UI: its remote codec's paths only. */
export const CODEC_SESSION: SessionKind = {
  purpose: 'codec',
  cookie: 'codec_session',
  path: '/codec',
  idleMs: 60 * 60_000,
  absoluteMs: 8 * 3_600_000,
};

/** A use within this long of the last one is not written down again: one write a minute at most. */
const SEEN_GRANULARITY_MS = 60_000;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');
const secretIn = (req: Request, kind: SessionKind) =>
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
  res.cookie(kind.cookie, secret, {
    httpOnly: true,
    sameSite: 'strict',
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

/** Signs out: the session ends (if the cookie names one) and the cookie is dropped. */
export async function endSession(db: Db, req: Request, res: Response, kind: SessionKind): Promise<void> {
  const secret = secretIn(req, kind);
  if (secret)
    await db.staffSession.updateMany({ where: { hash: hashOf(secret), endedAt: null }, data: { endedAt: new Date() } });
  res.clearCookie(kind.cookie, { path: kind.path });
}
