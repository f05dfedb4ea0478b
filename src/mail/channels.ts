/**
 * How a customer message leaves the bank. Email goes over SMTP through nodemailer; SMS and push
 * sit behind the same interface and are logged until a provider is configured.
 */
import nodemailer from 'nodemailer';
import type { RenderedMessage } from './render';

export interface OutgoingMessage extends RenderedMessage {
  /** Our RFC 5322 Message-ID, fixed per logical message, so a resend can be recognised. */
  messageId: string;
  to: { name: string; email: string; phone: string };
}

export interface DeliveryChannel {
  readonly name: 'email' | 'sms' | 'push';
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
    async delivered(messageId) {
      if (!settings.lookupUrl) return null;
      const url = `${settings.lookupUrl}/messages?messageId=${encodeURIComponent(messageId)}`;
      const res = await fetch(url, { signal: AbortSignal.timeout(timeout) });
      if (!res.ok) throw new Error(`mail lookup ${url} answered ${res.status}`);
      return ((await res.json()) as unknown[]).length > 0;
    },
    close: () => transport.close(),
  };
}

/** A channel without a provider yet: the message is logged (without its content) and counts as sent. */
export function loggingChannel(name: 'sms' | 'push', log: (line: string) => void = console.log): DeliveryChannel {
  return {
    name,
    async send(message) {
      log(`[${name}] no provider configured; message ${message.messageId} "${message.subject}" logged instead of sent`);
      return { providerMessageId: `logged:${message.messageId}` };
    },
    async delivered() {
      return null;
    },
    close() {},
  };
}
