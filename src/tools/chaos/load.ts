/**
 * Simulated staff: each works cases one after another through the admin API as a careful client
 * would, sending every request with an Idempotency-Key and retrying it with the same key after a
 * 5xx, a 202 or a dropped connection until the answer is final. Every attempt is recorded, so the
 * checker can tell what was asked, what was answered, and how long each wait was.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import { disputeOf, undisputedTransactions, type Undisputed } from '../process-stack';

export interface Attempt {
  status: number | 'network';
  startedAt: number;
  answeredAt: number;
}

/** One logical request: a case opened or an action on it, with every attempt at it. */
export interface Request {
  key: string;
  kind: 'open' | 'assign' | 'note' | 'requestInfo' | 'response' | 'resolve';
  /** The fault under way when it was first sent. */
  phase: string;
  caseId: string | null;
  /** What identifies its effect in the case's timeline (a note's text, say). */
  mark: string;
  attempts: Attempt[];
  /** The last answer's status; null while unanswered or given up. */
  final: number | null;
}

const RETRY_FOR_MS = 120_000;

export class StaffLoad {
  readonly requests: Request[] = [];
  phase = 'warm-up';
  /** The longest a case read took to answer, whatever the answer. */
  longestReadMs = 0;
  private stopping = false;
  /** Cases taken up by staff so far. */
  private worked = 0;
  private readonly running: Promise<void>[] = [];

  private constructor(
    private readonly base: () => string,
    private readonly tokens: { intake: string; admin: string },
    private readonly transactions: Undisputed[],
  ) {}

  static async prepare(db: Db, base: () => string, tokens: { intake: string; admin: string }): Promise<StaffLoad> {
    return new StaffLoad(base, tokens, await undisputedTransactions(db));
  }

  start(staff: number): void {
    for (let i = 0; i < staff; i++) this.running.push(this.work());
  }

  /** Stops taking new cases; resolves when every member of staff finished the request in hand. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  private async work(): Promise<void> {
    while (!this.stopping) {
      const txn = this.transactions.shift();
      if (!txn) return;
      const caseId = await this.open(txn);
      const departmentId = caseId && (await this.routed(caseId));
      if (!caseId || !departmentId) continue;
      const id = randomUUID().slice(0, 8);
      // Every other case is found for the customer: a credit booked on the card.
      const outcome = ++this.worked % 2 ? 'customer_favour' : 'merchant_favour';
      const steps: [Request['kind'], string, Record<string, unknown>, string][] = [
        [
          'assign',
          'assign',
          { assigneeId: `${departmentId}-agent-1`, reason: `chaos assign ${id}` },
          `chaos assign ${id}`,
        ],
        ['note', 'notes', { text: `chaos note ${id}` }, `chaos note ${id}`],
        ['requestInfo', 'request-info', { question: `chaos question ${id}?` }, `chaos question ${id}?`],
        ['response', 'responses', { party: 'customer', summary: `chaos answer ${id}` }, `chaos answer ${id}`],
        ['resolve', 'resolve', { outcome, rationale: `chaos ${id}` }, `chaos ${id}`],
      ];
      for (const [kind, path, body, mark] of steps) {
        const final = await this.send(kind, caseId, mark, `/cases/${caseId}/${path}`, body, this.tokens.admin);
        if (final === null || final >= 400) break;
      }
    }
  }

  private async open(txn: Undisputed): Promise<string | null> {
    const request = this.track('open', null, txn.id);
    const body = disputeOf(txn);
    const answer = await this.attempt(request, '/cases', body, this.tokens.intake);
    return answer && answer.status === 201 ? answer.id : null;
  }

  /** Waits (bounded) until intake routed the case, staff do not work a case before that; its department, or null. */
  private async routed(caseId: string): Promise<string | null> {
    const deadline = Date.now() + RETRY_FOR_MS;
    while (Date.now() < deadline) {
      const startedAt = Date.now();
      const row = await fetch(`${this.base()}/cases/${caseId}`, {
        headers: { Authorization: `Bearer ${this.tokens.admin}` },
        signal: AbortSignal.timeout(10_000),
      })
        .then((r) => (r.ok ? (r.json() as Promise<{ stage: string; departmentId: string }>) : null))
        .catch(() => null);
      this.longestReadMs = Math.max(this.longestReadMs, Date.now() - startedAt);
      if (row && row.stage !== 'intake') return row.departmentId;
      await sleep(300);
    }
    return null;
  }

  private async send(
    kind: Request['kind'],
    caseId: string,
    mark: string,
    path: string,
    body: unknown,
    token: string,
  ): Promise<number | null> {
    const request = this.track(kind, caseId, mark);
    await this.attempt(request, path, body, token);
    return request.final;
  }

  private track(kind: Request['kind'], caseId: string | null, mark: string): Request {
    const request: Request = {
      key: `chaos-${randomUUID()}`,
      kind,
      phase: this.phase,
      caseId,
      mark,
      attempts: [],
      final: null,
    };
    this.requests.push(request);
    return request;
  }

  /** Sends until the answer is final (2xx but 202, or 4xx), retrying with the same key; returns the answer's body. */
  private async attempt(
    request: Request,
    path: string,
    body: unknown,
    token: string,
  ): Promise<{ status: number; id: string } | null> {
    const deadline = Date.now() + RETRY_FOR_MS;
    while (Date.now() < deadline) {
      const startedAt = Date.now();
      try {
        const res = await fetch(`${this.base()}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            'idempotency-key': request.key,
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const answer = (await res.json().catch(() => ({}))) as { id?: string };
        request.attempts.push({ status: res.status, startedAt, answeredAt: Date.now() });
        if (res.status !== 202 && res.status < 500) {
          request.final = res.status;
          if (request.kind === 'open' && typeof answer.id === 'string') request.caseId = answer.id;
          return { status: res.status, id: answer.id ?? '' };
        }
      } catch {
        request.attempts.push({ status: 'network', startedAt, answeredAt: Date.now() });
      }
      await sleep(500);
    }
    return null;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
