/**
 * Staff API tokens: random, shown once when issued, stored only as their SHA-256, with an expiry,
 * and revocable. A token names nobody by itself: it is looked up by its hash, and the staff
 * member behind it must still be active.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import { toActor } from '../cases/actors';
import type { Actor } from '../../workflows/domain/case';
import { DAY_MS } from '../../workflows/domain/time';

/** Tokens carry a prefix so they are recognisable in a leaked file and by secret scanners. */
const PREFIX = 'pct_';
const DEFAULT_TOKEN_DAYS = 30;
export const MAX_TOKEN_DAYS = 365;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export interface IssuedToken {
  id: string;
  staffId: string;
  /** The secret itself: shown to whoever issued it, once, and never stored. */
  token: string;
  label: string | null;
  expiresAt: Date;
}

export async function issueToken(
  db: Db,
  staffId: string,
  {
    days = DEFAULT_TOKEN_DAYS,
    label = null,
    now = new Date(),
  }: { days?: number; label?: string | null; now?: Date } = {},
): Promise<IssuedToken> {
  if (!(days > 0 && days <= MAX_TOKEN_DAYS)) throw new Error(`days must be above 0 and at most ${MAX_TOKEN_DAYS}`);
  const staff = await db.staff.findUnique({ where: { id: staffId } });
  if (!staff || !staff.active) throw new Error(`no active staff member ${staffId}`);
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = `tok_${randomBytes(9).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + days * DAY_MS);
  await db.staffToken.create({ data: { id, staffId, hash: hashOf(token), label, createdAt: now, expiresAt } });
  return { id, staffId, token, label, expiresAt };
}

/** Revokes a token by its public id; revoking twice keeps the first time. Null when there is none. */
export async function revokeToken(db: Db, id: string, now = new Date()) {
  const found = await db.staffToken.findUnique({ where: { id } });
  if (!found) return null;
  if (found.revokedAt) return found;
  return db.staffToken.update({ where: { id }, data: { revokedAt: now } });
}

export type TokenCheck = { actor: Actor } | { refused: string };

/** Who a bearer token speaks for, or why it is refused (unknown, expired, revoked, staff inactive). */
export async function verifyToken(db: Db, token: string, now = new Date()): Promise<TokenCheck> {
  if (!token.startsWith(PREFIX)) return { refused: 'is not a Proactive Care token' };
  // One query per request: the token and the staff member behind it.
  const found = await db.staffToken.findUnique({ where: { hash: hashOf(token) }, include: { staff: true } });
  if (!found) return { refused: 'is not a known token' };
  if (found.revokedAt) return { refused: `was revoked at ${found.revokedAt.toISOString()}` };
  if (found.expiresAt <= now) return { refused: `expired at ${found.expiresAt.toISOString()}` };
  if (!found.staff.active) return { refused: `belongs to ${found.staffId}, who is no longer active` };
  return { actor: toActor(found.staff) };
}
