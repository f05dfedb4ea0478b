/**
 * Links to a customer's case page, one in every message she is sent. A link carries 256 random
 * bits; its row keeps only their HMAC under the link key, so a stolen database opens no page and
 * a new key refuses every link given before it. A link is for one case and its customer, expires
 * (each message carries a new one), and staff can revoke a case's links.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client';
import { DAY_MS } from '../../workflows/domain/time';

export interface CustomerLinkSettings {
  /** The API's address as customers reach it: links are `<baseUrl>/c/<token>`. */
  baseUrl: string;
  /** How long a link opens the case page. */
  lifetimeDays: number;
  /** The key links are kept under. */
  key: Buffer;
}

/** Where a link's token is exchanged for a session; the page it leads to has no token in its URL. */
export const LINK_PATH = '/c';

/** Why a link was refused: counted, never told (the page says the same for every cause). */
export type LinkRefusal = 'unknown' | 'expired' | 'revoked';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (key: Buffer, token: string) => createHmac('sha256', key).update(token).digest('hex');

/** A new link to the case's page for its customer, valid for the configured lifetime. */
export async function issueCaseLink(
  db: Db,
  settings: CustomerLinkSettings,
  target: { caseId: string; customerId: string },
  now = new Date(),
): Promise<{ token: string; url: string }> {
  const token = randomBytes(32).toString('base64url');
  await db.customerLink.create({
    data: {
      id: `lnk_${randomBytes(9).toString('base64url')}`,
      hash: hashOf(settings.key, token),
      ...target,
      createdAt: now,
      expiresAt: new Date(now.getTime() + settings.lifetimeDays * DAY_MS),
    },
  });
  return { token, url: `${settings.baseUrl}${LINK_PATH}/${token}` };
}

/** The case and customer a link opens, or why it opens nothing (each refusal is counted). */
export async function openCaseLink(
  db: Db,
  key: Buffer,
  token: string,
  now = new Date(),
): Promise<{ caseId: string; customerId: string } | { refused: LinkRefusal }> {
  const link = TOKEN.test(token) ? await db.customerLink.findUnique({ where: { hash: hashOf(key, token) } }) : null;
  const refused: LinkRefusal | null = !link
    ? 'unknown'
    : link.revokedAt
      ? 'revoked'
      : link.expiresAt <= now
        ? 'expired'
        : null;
  if (refused) {
    await db.customerLinkRefusal.create({ data: { cause: refused, at: now } });
    return { refused };
  }
  return { caseId: link!.caseId, customerId: link!.customerId };
}

/** Refuses every link to the case given so far, and ends the sessions they opened. */
export async function revokeCaseLinks(db: Db, caseId: string, now = new Date()): Promise<number> {
  const [links] = await db.$transaction([
    db.customerLink.updateMany({ where: { caseId, revokedAt: null }, data: { revokedAt: now } }),
    db.customerSession.updateMany({ where: { caseId, endedAt: null }, data: { endedAt: now } }),
  ]);
  return links.count;
}

/**
 * The link key: `CUSTOMER_LINK_KEY` when set (rotate it to refuse every link at once), else a
 * key file in the data dir, made by whichever process needs it first (the API and the worker
 * share it; `wx` makes a race between them leave one key).
 */
export function loadLinkKey(source: { value: string | null; file: string }): Buffer {
  if (source.value) return Buffer.from(source.value, 'utf8');
  mkdirSync(path.dirname(source.file), { recursive: true });
  try {
    writeFileSync(source.file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return Buffer.from(readFileSync(source.file, 'utf8').trim(), 'utf8');
}
