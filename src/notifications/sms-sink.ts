import { appendFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { assertPortFree } from '../ports';
import { query, readStore, sinkPage } from './mail-sink';

/** A text message the sink accepted. */
export interface SinkSms {
  id: string;
  receivedAt: string;
  from: string;
  to: string;
  text: string;
  /** The sender's reference: our Message-ID, by which a resend is recognised. */
  clientRef: string | null;
}

export interface SmsSink {
  messages(recipient?: string): SinkSms[];
  /** Where it listens. */
  url: string;
  close(): Promise<void>;
}

export interface SmsSinkOptions {
  port: number;
  /** Messages are appended here as JSON lines, so they survive a restart. */
  file: string;
  /** The credentials a send must carry. */
  apiKey: string;
  apiSecret: string;
  host?: string;
}

const SEGMENT = 153;

/**
 * The local SMS provider `npm start` runs in place of a real one: `POST /sms/json` as Vonage's SMS
 * API takes it (form or JSON: api_key, api_secret, from, to, text, client-ref) and answers the
 * same way. It keeps every message and shows what each number was sent, as a page and as JSON.
 */
export async function startSmsSink({
  port,
  file,
  apiKey,
  apiSecret,
  host = '127.0.0.1',
}: SmsSinkOptions): Promise<SmsSink> {
  await assertPortFree(port, 'the SMS sink', 'SMS_SINK_PORT');
  const stored = readStore<SinkSms>(file);
  const messages = (to?: string) => (to ? stored.filter((m) => m.to === to.replace(/[^0-9]/g, '')) : [...stored]);

  const app = express();
  app.post('/sms/json', express.urlencoded({ extended: false }), express.json(), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const refuse = (status: string, text: string) =>
      res.json({ 'message-count': '1', messages: [{ status, 'error-text': text }] });
    if (field('api_key') !== apiKey || field('api_secret') !== apiSecret) return refuse('4', 'Bad Credentials');
    for (const name of ['from', 'to', 'text']) if (!field(name)) return refuse('2', `Missing ${name}`);
    const message: SinkSms = {
      id: randomUUID(),
      receivedAt: new Date().toISOString(),
      from: field('from'),
      to: field('to').replace(/[^0-9]/g, ''),
      text: field('text'),
      clientRef: field('client-ref') || null,
    };
    stored.push(message);
    appendFileSync(file, `${JSON.stringify(message)}\n`);
    const parts = Math.max(1, Math.ceil(message.text.length / SEGMENT));
    res.json({
      'message-count': String(parts),
      messages: Array.from({ length: parts }, (_, i) => ({
        to: message.to,
        'message-id': i === 0 ? message.id : `${message.id}-${i}`,
        status: '0',
        'client-ref': message.clientRef ?? undefined,
      })),
    });
  });
  // JSON, optionally for one number (`to`) or one client reference (`clientRef`: senders reconcile by it).
  app.get('/messages', (req, res) => {
    const clientRef = query(req.query.clientRef);
    const found = messages(query(req.query.to));
    res.json(clientRef ? found.filter((m) => m.clientRef === clientRef) : found);
  });
  app.get('/', (req, res) => {
    const to = query(req.query.to);
    const page = sinkPage({
      title: 'SMS sink',
      total: stored.length,
      recipients: { heading: 'Numbers', noun: 'number', example: '15550100', all: stored.map((m) => m.to) },
      to,
      columns: ['Received', 'To', 'Text'],
      rows: messages(to).map((m) => [m.receivedAt, m.to, m.text]),
    });
    res.type('html').send(page);
  });
  const http: Server = await new Promise((resolve) => {
    const server = app.listen(port, host, () => resolve(server));
  });
  return {
    messages,
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}
