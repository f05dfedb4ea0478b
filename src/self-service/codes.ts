/**
 * One-time codes: before her case page changes anything, the customer proves she still holds her
 * channel. A code of six digits goes by the channel her messages use; the row keeps its hash (with
 * the session, so it is good for that session only), it works for ten minutes, once, and not after
 * five wrong tries. Entered right, it lets the session make changes for a quarter of an hour.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import escapeHtml from 'escape-html';
import type { Db } from '../db/client';
import type { ChannelName, DeliveryChannels } from '../notifications/channels';
import { messageIdFor, type NotificationSettings } from '../notifications/settings';
import type { CaseVisitor } from './sessions';

export const CODE_LIFETIME_MS = 10 * 60_000;
export const CODE_WRONG_TRIES = 5;
/** How long a session may change things after a code entered right. */
export const VERIFIED_MS = 15 * 60_000;
/** Codes a session may ask for: enough for a slow inbox, too few to flood her phone. */
export const CODES_PER_SESSION = 5;

const hashOf = (sessionId: string, code: string) => createHash('sha256').update(`${sessionId}:${code}`).digest('hex');

export type CodeSent = { sent: ChannelName; to: string } | { refused: 'too many codes' };

/** Sends a new code to the case's customer by her channel (email when it has no provider). */
export async function sendCode(
  db: Db,
  channels: DeliveryChannels,
  bank: NotificationSettings,
  visitor: CaseVisitor,
  now = new Date(),
): Promise<CodeSent> {
  if ((await db.customerCode.count({ where: { sessionId: visitor.sessionId } })) >= CODES_PER_SESSION) {
    return { refused: 'too many codes' };
  }
  const customer = await db.customer.findUniqueOrThrow({ where: { id: visitor.customerId } });
  const preferred = channels[customer.preferredChannel] ? customer.preferredChannel : 'email';
  const channel = channels[preferred]!;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = `code_${randomBytes(9).toString('base64url')}`;
  // A new code replaces the ones before it.
  await db.$transaction([
    db.customerCode.updateMany({ where: { sessionId: visitor.sessionId, usedAt: null }, data: { usedAt: now } }),
    db.customerCode.create({
      data: {
        id,
        sessionId: visitor.sessionId,
        hash: hashOf(visitor.sessionId, code),
        createdAt: now,
        expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS),
      },
    }),
  ]);
  const text = `Your code for dispute ${visitor.caseId} is ${code}. It works for 10 minutes. If you did not ask for it, call us on ${bank.bankPhone}.`;
  await channel.send({
    subject: `Your code: ${code}`,
    text,
    html: `<p>${escapeHtml(text)}</p>`,
    sms: `${bank.bankName}: your code is ${code}. It works for 10 minutes. Not you? Call ${bank.bankPhone}.`,
    messageId: messageIdFor(id, bank.messageIdDomain),
    to: { name: customer.name, email: customer.email, phone: customer.phone },
  });
  return { sent: preferred, to: preferred === 'sms' ? `…${customer.phone.slice(-4)}` : masked(customer.email) };
}

/** j…@bank.example: enough for her to know where to look, little for anyone else. */
const masked = (email: string) => `${email.slice(0, 1)}…${email.slice(email.indexOf('@'))}`;

export type CodeCheck = 'verified' | 'wrong' | 'expired';

/** Checks a code entered on the page; right, it is used up and the session may make changes. */
export async function checkCode(db: Db, visitor: CaseVisitor, entered: string, now = new Date()): Promise<CodeCheck> {
  const latest = await db.customerCode.findFirst({
    where: { sessionId: visitor.sessionId, usedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  if (!latest || latest.expiresAt <= now || latest.wrongTries >= CODE_WRONG_TRIES) return 'expired';
  const expected = Buffer.from(latest.hash, 'hex');
  const given = Buffer.from(hashOf(visitor.sessionId, entered.trim()), 'hex');
  if (!timingSafeEqual(expected, given)) {
    await db.customerCode.update({ where: { id: latest.id }, data: { wrongTries: { increment: 1 } } });
    return 'wrong';
  }
  // Used once: the update only wins while the code is still unused, so two tabs cannot both use it.
  const used = await db.customerCode.updateMany({ where: { id: latest.id, usedAt: null }, data: { usedAt: now } });
  if (used.count === 0) return 'expired';
  await db.customerSession.update({
    where: { id: visitor.sessionId },
    data: { verifiedUntil: new Date(now.getTime() + VERIFIED_MS) },
  });
  return 'verified';
}
