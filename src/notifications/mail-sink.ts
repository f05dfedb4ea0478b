import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { log } from '../log';
import { assertPortFree } from '../ports';
import { html, layout, type Html } from '../web/html';

/** A message the sink received over SMTP. */
export interface SinkMessage {
  id: number;
  receivedAt: string;
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

export interface MailSink {
  messages(recipient?: string): SinkMessage[];
  close(): Promise<void>;
}

export interface MailSinkOptions {
  smtpPort: number;
  httpPort: number;
  /** Messages are appended here as JSON lines, so they survive a restart. */
  file: string;
}

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) =>
    a.value.map((v) => (v.address ?? '').toLowerCase()),
  );

/**
 * The local SMTP sink `npm start` runs in place of a mail provider: it accepts every message,
 * keeps it, and shows what each recipient was sent, as a page and as JSON.
 */
export async function startMailSink({ smtpPort, httpPort, file }: MailSinkOptions): Promise<MailSink> {
  await assertPortFree(smtpPort, 'the SMTP sink', 'SMTP_PORT');
  await assertPortFree(httpPort, 'the mail sink page', 'MAIL_SINK_HTTP_PORT');
  const stored = readStore<SinkMessage>(file);

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const message: SinkMessage = {
            id: stored.length + 1,
            receivedAt: new Date().toISOString(),
            messageId: mail.messageId ?? null,
            from: addresses(mail.from)[0] ?? '',
            to: addresses(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : null,
          };
          stored.push(message);
          appendFileSync(file, `${JSON.stringify(message)}\n`);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(smtpPort, '127.0.0.1', () => resolve());
  });
  // A sender that dies mid-message (a killed worker) resets its connection, and smtp-server
  // reports that as an 'error' event: unheard, it would take down the process the sink runs in.
  smtp.on('error', (error) => log.warn({ err: error.message }, 'mail sink: a sender connection failed'));

  const messages = (recipient?: string) =>
    recipient ? stored.filter((m) => m.to.includes(recipient.toLowerCase())) : [...stored];

  const app = express();
  // JSON, optionally for one recipient (`to`) or one Message-ID (`messageId`: senders reconcile by it).
  app.get('/messages', (req, res) => {
    const messageId = query(req.query.messageId);
    const found = messages(query(req.query.to));
    res.json(messageId ? found.filter((m) => m.messageId === messageId) : found);
  });
  app.get('/messages/:id.html', (req, res) => {
    const message = stored.find((m) => m.id === Number(req.params.id));
    if (!message) return void res.status(404).type('text').send('No such message.');
    // The mail as the product rendered it: the sink shows what the customer would see.
    res.type('html').send(message.html ?? layout({ title: message.subject, body: html`<pre>${message.text}</pre>` }));
  });
  // The page: every recipient with a count, and the messages of the one chosen (`?to=`), newest first.
  app.get('/', (req, res) => {
    const to = query(req.query.to);
    const page = sinkPage({
      title: 'Mail sink',
      total: stored.length,
      recipients: { heading: 'Recipients', noun: 'recipient', example: 'address', all: stored.flatMap((m) => m.to) },
      to,
      columns: ['Received', 'To', 'Subject', 'Text'],
      rows: messages(to).map((m) => [
        m.receivedAt,
        m.to.join(', '),
        html`<a href="/messages/${m.id}.html">${m.subject}</a>`,
        html`<pre>${m.text}</pre>`,
      ]),
    });
    res.type('html').send(page);
  });
  const http: Server = await new Promise((resolve) => {
    const server = app.listen(httpPort, '127.0.0.1', () => resolve(server));
  });

  return {
    messages,
    close: async () => {
      await Promise.all([
        new Promise((r) => smtp.close(() => r(undefined))),
        new Promise((r) => http.close(() => r(undefined))),
      ]);
    },
  };
}

/** What a sink kept in its JSON-lines file before (none the first time); makes the file's directory. */
export function readStore<T>(file: string): T[] {
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** A query parameter's value, when it is one non-empty string. */
export const query = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

export interface SinkPage {
  title: string;
  total: number;
  /** Everyone a message went to, once per message: listed once each with a count. */
  recipients: { heading: string; noun: string; example: string; all: string[] };
  /** The recipient chosen (`?to=`), if any. */
  to: string | undefined;
  columns: string[];
  /** One row per message, oldest first; the page shows the newest first. */
  rows: (string | Html)[][];
}

/** A sink's page: every recipient with a count, and the messages of the one chosen, newest first. */
export function sinkPage({ title, total, recipients, to, columns, rows }: SinkPage): string {
  const counts = new Map<string, number>();
  for (const r of recipients.all) counts.set(r, (counts.get(r) ?? 0) + 1);
  const links = [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([r, n]) => html`<li><a href="/?to=${encodeURIComponent(r)}">${r}</a> (${n})</li>`);
  const body = html`<h1>${title}</h1>
    <p>
      ${total} message(s). JSON: <a href="/messages">/messages</a>, per ${recipients.noun}:
      <code>/messages?to=${recipients.example}</code>.
    </p>
    <h2>${recipients.heading}</h2>
    <ul>
      ${links}
    </ul>
    <h2>${to ? `Messages to ${to}` : 'All messages'}</h2>
    <table border="1" cellpadding="4">
      <tr>
        ${columns.map((column) => html`<th>${column}</th>`)}
      </tr>
      ${[...rows].reverse().map(
        (cells) =>
          html`<tr>
            ${cells.map((cell) => html`<td>${cell}</td>`)}
          </tr>`,
      )}
    </table>`;
  return layout({ title, body });
}
