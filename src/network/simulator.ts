/**
 * The card network `npm start` runs in place of the bank's processor, as the mail and SMS sinks
 * stand in for their providers: it takes filings (`POST /filings`, idempotent by the
 * Idempotency-Key), answers each with a network case number, and plays the merchant's bank
 * through the product's inbound feed (`POST /feed/network-events`): an acceptance, a
 * representment with evidence, a pre-arbitration answer, a ruling, or silence past the window.
 * What the merchant does is scripted per case (`PUT /scripts/:caseId`) or by default; a page at
 * `/` lists every filing and what was answered.
 */
import { appendFileSync } from 'node:fs';
import type { Server } from 'node:http';
import express from 'express';
import { z } from 'zod';
import { CARD_NETWORKS, networkRules } from '../../workflows/domain/network-rules';
import { NETWORK_FILINGS, type NetworkEventType } from '../../workflows/domain/chargeback';
import { log } from '../log';
import { assertPortFree } from '../ports';
import { html, layout } from '../web/html';
import { readStore } from '../notifications/mail-sink';
import type { NetworkFilingRequest } from './adapter';

/** What the merchant's bank does at each step. */
export const MerchantScript = z.strictObject({
  chargeback: z.enum(['accept', 'represent', 'silent']),
  /** A representment's contested amount in cents; all of the chargeback when absent. */
  representCents: z.number().int().positive().optional(),
  preArbitration: z.enum(['accept', 'decline', 'silent']),
  ruling: z.enum(['issuer', 'acquirer']),
});
export type MerchantScript = z.infer<typeof MerchantScript>;

/** The merchant's bank fights: it represents, declines pre-arbitration, and the network rules for the cardholder. */
export const DEFAULT_SCRIPT: MerchantScript = { chargeback: 'represent', preArbitration: 'decline', ruling: 'issuer' };

export interface FeedEvent {
  id: string;
  chargebackId: string;
  type: NetworkEventType;
  amount?: number;
  winner?: 'issuer' | 'acquirer';
  evidence?: string[];
  note?: string;
}

interface Filing {
  key: string;
  receivedAt: string;
  networkCaseId: string;
  request: NetworkFilingRequest;
}

interface Sent {
  event: FeedEvent;
  caseId: string;
  sentAt: string | null;
}

type Stored =
  { kind: 'filing'; filing: Filing } | { kind: 'event'; sent: Sent } | { kind: 'delivered'; id: string; at: string };

export interface NetworkSimulatorOptions {
  port: number;
  /** Filings and answers are appended here as JSON lines, so they survive a restart. */
  file: string;
  /** The key a filing must carry as its bearer token. */
  apiKey: string;
  /** The product's API, where answers go, and the system token they are sent with. */
  feed: { url: string; token: () => Promise<string> | string };
  /** How long the merchant's bank takes to answer (0 in tests). */
  answerAfterMs?: number;
  host?: string;
}

export interface NetworkSimulator {
  url: string;
  filings(): Filing[];
  /** What the merchant does on this case from now on. */
  script(caseId: string, script: MerchantScript): void;
  /** Settles once every answer due has reached the feed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const FilingBody = z.object({
  caseId: z.string().min(1),
  chargebackId: z.string().min(1),
  filing: z.enum(NETWORK_FILINGS),
  network: z.enum(CARD_NETWORKS),
  code: z.string().min(1),
  transactionId: z.string().min(1),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3),
  evidence: z.array(z.string()),
  networkCaseId: z.string().nullable(),
});

export async function startNetworkSimulator({
  port,
  file,
  apiKey,
  feed,
  answerAfterMs = 2_000,
  host = '127.0.0.1',
}: NetworkSimulatorOptions): Promise<NetworkSimulator> {
  await assertPortFree(port, 'the card network simulator', 'NETWORK_SIMULATOR_PORT');
  const filings = new Map<string, Filing>();
  const sent = new Map<string, Sent>();
  for (const row of readStore<Stored>(file)) {
    if (row.kind === 'filing') filings.set(row.filing.key, row.filing);
    else if (row.kind === 'event') sent.set(row.sent.event.id, row.sent);
    else if (sent.has(row.id)) sent.get(row.id)!.sentAt = row.at;
  }
  const store = (row: Stored) => appendFileSync(file, `${JSON.stringify(row)}\n`);
  const scripts = new Map<string, MerchantScript>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  /** Sends an answer to the feed until it is taken; the feed is idempotent by the event's id. */
  async function deliver(item: Sent): Promise<void> {
    for (let attempt = 1; !closed; attempt++) {
      try {
        const res = await fetch(new URL('/feed/network-events', feed.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await feed.token()}` },
          body: JSON.stringify({ events: [item.event] }),
          signal: AbortSignal.timeout(30_000),
        });
        if (res.ok) {
          item.sentAt = new Date().toISOString();
          store({ kind: 'delivered', id: item.event.id, at: item.sentAt });
          return;
        }
        // A refusal of the event itself will not change by sending it again.
        if (res.status === 422 || res.status === 403) {
          log.warn(
            { event: item.event, status: res.status, body: await res.text() },
            'the feed refused a network event',
          );
          return;
        }
      } catch (error) {
        log.debug({ err: error, attempt }, 'the feed is not answering yet');
      }
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * attempt)));
    }
  }

  function answer(caseId: string, event: FeedEvent): void {
    if (sent.has(event.id)) return;
    const item: Sent = { event, caseId, sentAt: null };
    sent.set(event.id, item);
    store({ kind: 'event', sent: item });
    const delivery = new Promise<void>((resolve) => setTimeout(resolve, answerAfterMs))
      .then(() => deliver(item))
      .finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  }

  /** What the merchant's bank answers to a filing, as the case's script says. */
  function play(filing: Filing): void {
    const { request } = filing;
    const script = scripts.get(request.caseId) ?? DEFAULT_SCRIPT;
    const event = (type: NetworkEventType, more: Partial<FeedEvent> = {}) =>
      answer(request.caseId, { id: `${filing.key}:${type}`, chargebackId: request.chargebackId, type, ...more });
    if (request.filing === 'chargeback') {
      if (script.chargeback === 'accept') event('accepted');
      if (script.chargeback === 'represent') {
        event('represented', {
          amount: (script.representCents ?? request.amountCents) / 100,
          evidence: ['proof_of_delivery', 'merchant_terms'],
          note: 'The merchant says the goods were delivered as described.',
        });
      }
    } else if (request.filing === 'pre_arbitration') {
      if (script.preArbitration === 'accept') event('pre_arbitration_accepted');
      if (script.preArbitration === 'decline') event('pre_arbitration_declined');
    } else {
      event('ruling', { winner: script.ruling, note: `The network ruled for the ${script.ruling}.` });
    }
  }

  const app = express();
  app.post('/filings', express.json({ limit: '1mb' }), (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return void res.status(401).json({ detail: 'a filing needs the bank’s key' });
    }
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !key) return void res.status(400).json({ detail: 'Idempotency-Key is required' });
    const known = filings.get(key);
    if (known) return void res.json({ networkCaseId: known.networkCaseId, repeated: true });
    const parsed = FilingBody.safeParse(req.body);
    if (!parsed.success) {
      return void res
        .status(422)
        .json({ detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    }
    const request = { ...parsed.data, key };
    const rules = networkRules(request.network);
    if (!rules.codes.some((c) => c.code === request.code)) {
      return void res.status(422).json({ detail: `${request.network} has no reason code ${request.code}` });
    }
    const prefix = request.network === 'visa' ? 'VROL' : 'MCOM';
    const filing: Filing = {
      key,
      receivedAt: new Date().toISOString(),
      networkCaseId: request.networkCaseId ?? `${prefix}-${String(filings.size + 1).padStart(6, '0')}`,
      request,
    };
    filings.set(key, filing);
    store({ kind: 'filing', filing });
    play(filing);
    res.status(201).json({ networkCaseId: filing.networkCaseId });
  });
  app.get('/filings', (_req, res) => void res.json([...filings.values()]));
  app.put('/scripts/:caseId', express.json(), (req, res) => {
    const parsed = MerchantScript.safeParse(req.body);
    if (!parsed.success) return void res.status(422).json({ detail: parsed.error.message });
    scripts.set(String(req.params.caseId), parsed.data);
    res.status(204).end();
  });
  app.get('/', (_req, res) => {
    const answersOf = (filing: Filing) =>
      [...sent.values()]
        .filter((s) => s.event.id.startsWith(`${filing.key}:`))
        .map((s) => {
          const what = s.event.type.replaceAll('_', ' ') + (s.event.winner ? ` for the ${s.event.winner}` : '');
          return `${what}${s.sentAt ? '' : ' (not yet delivered)'}`;
        })
        .join(', ');
    const rows = [...filings.values()].reverse().map(
      (f) =>
        html`<tr>
          <td>${f.receivedAt}</td>
          <td>${f.request.caseId}</td>
          <td>${f.request.chargebackId}</td>
          <td>${f.request.filing.replace('_', '-')}</td>
          <td>${f.request.network} ${f.request.code}</td>
          <td>${(f.request.amountCents / 100).toFixed(2)} ${f.request.currency}</td>
          <td>${f.networkCaseId}</td>
          <td>${answersOf(f) || 'none (silent)'}</td>
        </tr>`,
    );
    const body = html`<main>
      <h1>Card network simulator</h1>
      <p>
        ${filings.size} filing(s). JSON: <a href="/filings">/filings</a>. The merchant’s bank answers by the case’s
        script (<code>PUT /scripts/:caseId</code>), by default: represents, declines pre-arbitration, loses at
        arbitration.
      </p>
      <table>
        <caption>
          Filings, newest first
        </caption>
        <tr>
          <th scope="col">Received</th>
          <th scope="col">Case</th>
          <th scope="col">Chargeback</th>
          <th scope="col">Filing</th>
          <th scope="col">Code</th>
          <th scope="col">Amount</th>
          <th scope="col">Network case</th>
          <th scope="col">Answered</th>
        </tr>
        ${rows}
      </table>
    </main>`;
    res.type('html').send(layout({ title: 'Card network simulator', body }));
  });

  // Answers a restart found undelivered go out again.
  for (const item of sent.values()) {
    if (item.sentAt) continue;
    const delivery = deliver(item).finally(() => inFlight.delete(delivery));
    inFlight.add(delivery);
  }

  const http: Server = await new Promise((resolve) => {
    const server = app.listen(port, host, () => resolve(server));
  });
  return {
    url: `http://${host}:${port}`,
    filings: () => [...filings.values()],
    script: (caseId, script) => void scripts.set(caseId, script),
    idle: async () => {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
    close: async () => {
      closed = true;
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
