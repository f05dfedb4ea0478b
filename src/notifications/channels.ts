/**
 * How a customer message leaves the bank. Email goes over SMTP through nodemailer; SMS goes to a
 * provider with Vonage's SMS API (the embedded SMS sink speaks it). A channel without a provider
 * is null: nothing pretends to have delivered a message it only logged.
 */
import nodemailer from 'nodemailer';
import type { RenderedMessage } from './render';

export interface OutgoingMessage extends RenderedMessage {
  /** Our RFC 5322 Message-ID, fixed per logical message, so a resend can be recognised. */
  messageId: string;
  to: { name: string; email: string; phone: string };
}

export type ChannelName = 'email' | 'sms' | 'push';

export interface DeliveryChannel {
  readonly name: ChannelName;
  /** Hands the message over; resolves with the provider's id once it accepted it. */
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
  /**
   * Whether the provider already holds a message with this Message-ID: true or false when it
   * can tell, null when it cannot (plain SMTP relays keep no queryable record).
   */
  delivered(messageId: string): Promise<boolean | null>;
  /** Lets go of pooled connections. */
  close(): void;
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
  /** A mail store that answers `GET <lookupUrl>/messages?messageId=<id>` (the embedded sink does). */
  lookupUrl?: string;
  /** Give up on an unresponsive server after this long, so a retry can try again. */
  timeoutMs?: number;
}

export function smtpChannel(settings: SmtpSettings): DeliveryChannel {
  const timeout = settings.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    // Reuse connections: a busy worker sends many messages to the same server.
    pool: true,
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.pass } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    name: 'email',
    async send(message) {
      const info = await transport.sendMail({
        from: settings.from,
        to: { name: message.to.name, address: message.to.email },
        subject: message.subject,
        html: message.html,
        text: message.text,
        messageId: message.messageId,
      });
      return { providerMessageId: info.messageId ?? message.messageId };
    },
    delivered: (messageId) => lookUp(settings.lookupUrl, 'messageId', messageId, 'mail', timeout),
    close: () => transport.close(),
  };
}

/**
 * Whether the provider's store holds the message (`GET <lookupUrl>/messages?<param>=<id>`), so a
 * retry after a crash does not send it twice; null when there is no store to ask.
 */
async function lookUp(
  lookupUrl: string | undefined,
  param: 'messageId' | 'clientRef',
  messageId: string,
  what: string,
  timeoutMs: number,
): Promise<boolean | null> {
  if (!lookupUrl) return null;
  const url = `${lookupUrl}/messages?${param}=${encodeURIComponent(messageId)}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${what} lookup ${url} answered ${res.status}`);
  return ((await res.json()) as unknown[]).length > 0;
}

/** Email always has a provider (SMTP); SMS and push only when one is configured. */
export interface DeliveryChannels {
  email: DeliveryChannel;
  sms: DeliveryChannel | null;
  push: DeliveryChannel | null;
}

export interface SmsSettings {
  /** The provider's base URL: `POST <url>/sms/json` as Vonage's SMS API takes it. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The sender id customers see. */
  from: string;
  /** A store that answers `GET <lookupUrl>/messages?clientRef=<id>` (the embedded sink does). */
  lookupUrl?: string;
  timeoutMs?: number;
}

/** Vonage's answer to a send: one entry per part; status "0" is accepted. */
interface SmsAnswer {
  messages?: { status: string; 'message-id'?: string; 'error-text'?: string }[];
}

/** The longest SMS we send: ten concatenated parts. */
export const SMS_MAX_LENGTH = 1530;

export function smsChannel(settings: SmsSettings): DeliveryChannel {
  const timeout = settings.timeoutMs ?? 15_000;
  return {
    name: 'sms',
    async send(message) {
      const text = (message.sms ?? `${message.subject}. ${message.text}`).slice(0, SMS_MAX_LENGTH);
      const res = await fetch(`${settings.url}/sms/json`, {
        method: 'POST',
        body: new URLSearchParams({
          api_key: settings.apiKey,
          api_secret: settings.apiSecret,
          from: settings.from,
          to: message.to.phone.replace(/[^0-9]/g, ''),
          text,
          // Our Message-ID travels as the client reference, so a resend can be recognised.
          'client-ref': message.messageId,
        }),
        signal: AbortSignal.timeout(timeout),
      });
      if (!res.ok) throw new Error(`SMS provider answered ${res.status}`);
      const answer = (await res.json()) as SmsAnswer;
      const refused = answer.messages?.find((m) => m.status !== '0');
      if (!answer.messages?.length || refused) {
        throw new Error(`SMS provider refused the message: ${refused?.['error-text'] ?? 'no message accepted'}`);
      }
      return { providerMessageId: answer.messages[0]['message-id'] ?? message.messageId };
    },
    delivered: (messageId) => lookUp(settings.lookupUrl, 'clientRef', messageId, 'SMS', timeout),
    close() {},
  };
}
