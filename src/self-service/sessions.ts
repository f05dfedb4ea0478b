/**
 * A customer's browser session on her case page: opened by a link, for that one case and its
 * customer. The cookie holds a random secret (the row keeps its SHA-256); it is HttpOnly, Lax
 * (it is set on the way from a link in her mail, a navigation from another site, which Strict
 * would then withhold), Secure over TLS, sent to the case page's paths only, and ends after a
 * short time unused, at its absolute lifetime, or when staff revoke the case's links.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Db } from '../db/client';
import { hashOf, secretIn, SEEN_GRANULARITY_MS, setSessionCookie, type SessionKind } from '../web/sessions';

/** The case page's session; CSRF tokens derive from its secret as the console's do. */
export const CASE_PAGE_SESSION: SessionKind = {
  purpose: 'case-page',
  cookie: 'case_session',
  path: '/my-case',
  csrf: true,
  // Lax: she arrives from the link in her mail, another site's navigation.
  sameSite: 'lax',
  idleMs: 15 * 60_000,
  absoluteMs: 2 * 3_600_000,
};

/** Whose case a live session opens. */
export interface CaseVisitor {
  sessionId: string;
  caseId: string;
  customerId: string;
  /** Until when the session may change things (a one-time code entered right); null when it may not now. */
  verifiedUntil: Date | null;
}

/** Opens a session on the case for its customer, and sets its cookie. */
export async function startCaseSession(
  db: Db,
  req: Request,
  res: Response,
  target: { caseId: string; customerId: string },
  now = new Date(),
): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  await db.customerSession.create({
    data: {
      id: `cses_${randomBytes(9).toString('base64url')}`,
      hash: hashOf(secret),
      ...target,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + CASE_PAGE_SESSION.absoluteMs),
    },
  });
  setSessionCookie(req, res, CASE_PAGE_SESSION, secret);
}

/** The case and customer the request's session opens; null without a live one. */
export async function caseVisitor(db: Db, req: Request, now = new Date()): Promise<CaseVisitor | null> {
  const secret = secretIn(req, CASE_PAGE_SESSION);
  if (!secret) return null;
  const found = await db.customerSession.findUnique({ where: { hash: hashOf(secret) } });
  if (!found || found.endedAt || found.expiresAt <= now) return null;
  if (found.lastSeenAt.getTime() + CASE_PAGE_SESSION.idleMs <= now.getTime()) return null;
  if (now.getTime() - found.lastSeenAt.getTime() >= SEEN_GRANULARITY_MS) {
    await db.customerSession.update({ where: { id: found.id }, data: { lastSeenAt: now } });
  }
  const verifiedUntil = found.verifiedUntil && found.verifiedUntil > now ? found.verifiedUntil : null;
  return { sessionId: found.id, caseId: found.caseId, customerId: found.customerId, verifiedUntil };
}

/** Ends the request's session, if any, and drops its cookie. */
export async function endCaseSession(db: Db, req: Request, res: Response): Promise<void> {
  const secret = secretIn(req, CASE_PAGE_SESSION);
  if (secret) {
    await db.customerSession.updateMany({
      where: { hash: hashOf(secret), endedAt: null },
      data: { endedAt: new Date() },
    });
  }
  res.clearCookie(CASE_PAGE_SESSION.cookie, { path: CASE_PAGE_SESSION.path });
}
