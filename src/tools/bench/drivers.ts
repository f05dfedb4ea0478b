/**
 * The two things the bench drives with the same load: the product, through its admin API as staff
 * would use it (every request with an Idempotency-Key), and the bare baseline, through the Temporal
 * client. Each opens cases, takes them down the standard path (intake, assign, request information,
 * the customer's answer, a proposal, a four-eyes approval) and adds notes.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import { issueToken } from '../../auth/tokens';
import { disputeWorkflowId } from '../../../workflows/dispute/messages';
import { sleep } from '../chaos/load';
import { disputeOf, undisputedTransactions, type Undisputed } from '../process-stack';
import { BARE_TASK_QUEUE } from './bare-worker';
import { bareActionUpdate, type BareAction, type bareCase } from './bare-workflow';

export interface Driver {
  /** Opens a case; resolves with its id once the opening is answered. */
  open(): Promise<string>;
  /** Waits until a just-opened case takes staff actions (the product routes it first). */
  ready(caseId: string): Promise<void>;
  /** The five staff actions of the standard path, one after another. */
  work(caseId: string): Promise<void>;
  /** One staff action that changes little: a note. */
  note(caseId: string): Promise<void>;
  workflowId(caseId: string): string;
}

/** The activities the standard path runs for each of its actions, before and behind the answer, read from a product case's history. */
export type ActionShape = Omit<BareAction, 'close'>[];

const INVESTIGATING = ['fraud', 'merchant-disputes', 'chargebacks'];

/** What every bare case's workflow id starts with. */
export const BARE_ID_PREFIX = 'bare-';

export class ProductDriver implements Driver {
  private nextApi = 0;
  private readonly departments = new Map<string, string>();
  private readonly customers = new Map<string, string>();

  private constructor(
    /** One or more API replicas, taken in turn. */
    private readonly apis: string[],
    private readonly tokens: Record<string, string>,
    private readonly transactions: Undisputed[],
  ) {}

  static async create(db: Db, apis: string[]): Promise<ProductDriver> {
    const tokens: Record<string, string> = {};
    for (const staffId of ['intake-agent-1', 'admin', ...INVESTIGATING.map((d) => `${d}-agent-1`)]) {
      tokens[staffId] = (await issueToken(db, staffId, { days: 1, label: 'bench' })).token;
    }
    return new ProductDriver(apis, tokens, await undisputedTransactions(db));
  }

  async open(): Promise<string> {
    const txn = this.transactions.shift();
    if (!txn) throw new Error('the seed has no undisputed transactions left; seed more customers');
    const body = disputeOf(txn);
    const answer = await this.post('/cases', body, 'intake-agent-1', 201);
    this.customers.set(answer.id as string, txn.customerId);
    return answer.id as string;
  }

  /** Staff take a case from their queue once intake routed it: the queue (the read model) is polled for it. */
  async ready(caseId: string): Promise<void> {
    const customerId = this.customers.get(caseId)!;
    for (let tries = 0; tries < 1200; tries++) {
      const res = await fetch(`${this.api()}/cases?customerId=${customerId}&limit=100`, {
        headers: this.auth('admin'),
      });
      const { items } = (await res.json()) as { items: { id: string; stage: string; departmentId: string }[] };
      const row = items.find((c) => c.id === caseId);
      if (row && row.stage !== 'intake') {
        this.departments.set(caseId, row.departmentId);
        return;
      }
      await sleep(50);
    }
    throw new Error(`case ${caseId} was not routed within a minute`);
  }

  async work(caseId: string): Promise<void> {
    const agent = `${this.departments.get(caseId)}-agent-1`;
    await this.post(`/cases/${caseId}/assign`, { assigneeId: agent }, 'admin');
    await this.post(`/cases/${caseId}/request-info`, { question: 'When did you last see the parcel?' }, agent);
    await this.post(`/cases/${caseId}/responses`, { party: 'customer', summary: 'It never came.' }, agent);
    await this.post(`/cases/${caseId}/propose`, { outcome: 'customer_favour', rationale: 'Not delivered.' }, agent);
    await this.post(`/cases/${caseId}/approve`, {}, 'admin');
  }

  async note(caseId: string): Promise<void> {
    await this.post(`/cases/${caseId}/notes`, { text: 'Called the merchant; no answer yet.' }, 'admin');
  }

  workflowId(caseId: string): string {
    return disputeWorkflowId(caseId);
  }

  private api(): string {
    this.nextApi = (this.nextApi + 1) % this.apis.length;
    return this.apis[this.nextApi];
  }

  private auth(staffId: string): Record<string, string> {
    return { authorization: `Bearer ${this.tokens[staffId]}` };
  }

  private async post(path: string, body: unknown, staffId: string, expected = 200): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.api()}${path}`, {
      method: 'POST',
      headers: { ...this.auth(staffId), 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status !== expected) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(answer)}`);
    return answer;
  }
}

export class BareDriver implements Driver {
  constructor(
    private readonly client: Client,
    /** Activities at the start and behind each action, as the product's standard case runs them. */
    private readonly shape: { start: number; actions: ActionShape },
  ) {}

  async open(): Promise<string> {
    const id = `${BARE_ID_PREFIX}${randomUUID()}`;
    await this.client.workflow.start<typeof bareCase>('bareCase', {
      workflowId: id,
      taskQueue: BARE_TASK_QUEUE,
      args: [this.shape.start],
    });
    return id;
  }

  async ready(): Promise<void> {}

  async work(caseId: string): Promise<void> {
    const handle = this.client.workflow.getHandle(caseId);
    for (const [i, action] of this.shape.actions.entries()) {
      await handle.executeUpdate(bareActionUpdate, {
        args: [{ ...action, close: i === this.shape.actions.length - 1 }],
      });
    }
  }

  async note(caseId: string): Promise<void> {
    await this.client.workflow.getHandle(caseId).executeUpdate(bareActionUpdate, { args: [{ awaited: 0, behind: 1 }] });
  }

  workflowId(caseId: string): string {
    return caseId;
  }
}
