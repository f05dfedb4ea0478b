/**
 * A dispute test bench: the time-skipping Temporal server, a seeded SQLite database, and a worker
 * with the real activities, so tests can assert on workflow state, read model and audit log.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { ApplicationFailure, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { JANE, seed } from '../../prisma/seed';
import { loadActor } from '../../src/cases/actors';
import { startDispute } from '../../src/cases/start-dispute';
import type { Db } from '../../src/db/client';
import {
  disputeWorkflowId,
  getCaseQuery,
  getTimelineQuery,
  withdrawUpdate,
  type CaseView,
  type DisputeWorkflow,
} from '../../workflows/dispute/messages';
import type { Actor, ReasonCode } from '../../workflows/domain/case';
import type { WatchSettings } from '../../src/care/settings';
import type { CaseSettings } from '../../workflows/domain/case-policy';
import type { RuleSet } from '../../workflows/domain/risk-rules';
import { DAY_MS, HOUR_MS } from '../../workflows/domain/time';
import type { DeliveryChannel } from '../../src/notifications/channels';
import type { NotificationSettings } from '../../src/notifications/settings';
import type { NetworkAdapter } from '../../src/network/adapter';
import { LocalMail, LocalSms } from './mail';
import { migratedSqlite } from './db';
import {
  devServerTemporal,
  testDataConverter,
  testWorkflowBundle,
  timeSkippingTemporal,
  type TestTemporal,
} from './temporal';

export type DisputeHandle = WorkflowHandle<DisputeWorkflow>;

export interface OpenCase {
  amountCents?: number;
  reasonCode?: ReasonCode;
  card?: 'credit' | 'debit';
  channel?: 'pos' | 'online';
  /** Wait for the acknowledgement to reach the customer (false when mail is down on purpose). */
  acknowledged?: boolean;
  /** Another customer than Jane (see `newCustomer`), disputing on this card. */
  customer?: { customerId: string; cardId: string };
}

export const DEBIT_CARD = 'card-jane-debit';
export const HISTORIES = path.join(__dirname, '..', 'histories');

export interface BenchOptions {
  /** Run on the real dev server with these extra arguments instead of the time-skipping server. */
  devServerArgs?: string[];
  policy?: Partial<CaseSettings>;
  /** Wraps the real SMTP channel, e.g. to make it fail at a chosen moment. */
  email?: (smtp: DeliveryChannel) => DeliveryChannel;
  watch?: Partial<WatchSettings>;
  /** With an SMS provider (the embedded sink); without one SMS customers fall back by `notifications`. */
  sms?: boolean;
  notifications?: Partial<NotificationSettings>;
  /** The attrition rule set each look judges with, asked at every look (a test may swap it mid-run). */
  ruleSet?: () => RuleSet;
  /** The card network chargebacks are filed with. */
  network?: NetworkAdapter;
}

/** How far ahead Jane's everyday usage is written (invisible until the server's clock gets there). */
const FUTURE_DAYS = 400;
/** Transactions per day of the week: about 1.6 a day, Jane's habit in the seed. */
const HABIT = [2, 1, 2, 2, 3, 1, 0];

/**
 * Writes a card's transactions for `days` days from `from`, at the habit's rate scaled by
 * `share(day)` (a day number from `from`), as the card processor's feed would deliver them.
 */
export async function feedUsage(db: Db, cardId: string, from: number, days: number, share = (_day: number) => 1) {
  const rows = [];
  for (let day = 0; day < days; day++) {
    const start = Math.floor(from / DAY_MS) * DAY_MS + day * DAY_MS;
    const count = Math.round(HABIT[new Date(start).getUTCDay()] * share(day));
    for (let n = 0; n < count; n++) {
      rows.push({
        id: `feed-${cardId}-${start}-${n}`,
        cardId,
        postedAt: new Date(start + (10 + 3 * n) * HOUR_MS),
        amountCents: 1250 + 100 * n,
        merchant: 'FRESHMART GROCERY',
        mcc: '5411',
        channel: 'pos',
      });
    }
  }
  // What an earlier feed wrote for these days is replaced.
  const first = Math.floor(from / DAY_MS) * DAY_MS;
  await db.cardTransaction.deleteMany({
    where: {
      cardId,
      id: { startsWith: 'feed-' },
      postedAt: { gte: new Date(first), lt: new Date(first + days * DAY_MS) },
    },
  });
  for (let i = 0; i < rows.length; i += 500) await db.cardTransaction.createMany({ data: rows.slice(i, i + 500) });
}

export class DisputeBench {
  readonly env: TestWorkflowEnvironment;

  private constructor(
    private readonly temporal: TestTemporal,
    readonly db: Db,
    readonly mail: LocalMail,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
    readonly taskQueue: string,
    readonly sms: LocalSms | null,
  ) {
    this.env = temporal.env;
  }

  /** On the time-skipping server (or the dev server), with a real SMTP sink for customer mail. */
  static async start({
    devServerArgs,
    policy,
    watch,
    email = (smtp) => smtp,
    sms: withSms = false,
    notifications,
    ruleSet,
    network,
  }: BenchOptions = {}): Promise<DisputeBench> {
    const temporal = devServerArgs ? await devServerTemporal(devServerArgs) : await timeSkippingTemporal();
    const { env } = temporal;
    const { db } = migratedSqlite();
    const now = new Date(await env.currentTimeMs());
    await seed(db, { customers: 3, now });
    await db.card.create({
      data: {
        id: DEBIT_CARD,
        customerId: JANE.customerId,
        last4: '1881',
        product: 'Everyday Debit',
        type: 'debit',
        openedAt: new Date(now.getTime() - 3 * 365 * DAY_MS),
      },
    });
    // Jane keeps using her card as she always has while time passes on the test server.
    await feedUsage(db, JANE.cardId, now.getTime(), FUTURE_DAYS);
    const mail = await LocalMail.start();
    const sms = withSms ? await LocalSms.start() : null;
    const taskQueue = `disputes-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await testWorkflowBundle(),
      dataConverter: testDataConverter('mark'),
      activities: createActivities({
        db,
        // The attrition watch polls every simulated day; only the tests about it switch it on.
        policy: { attritionWatch: false, ...policy },
        watch,
        ruleSet,
        notifications,
        network,
        // No push provider: those customers are written to by email (the default fallback).
        channels: { email: email(mail.channel), sms: sms?.channel ?? null, push: null },
      }),
    });
    return new DisputeBench(temporal, db, mail, worker, worker.run(), taskQueue, sms);
  }

  async stop(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.temporal.stop();
    await this.db.$disconnect();
    await this.mail.stop();
    await this.sms?.stop();
  }

  /** Moves the test server's clock to the next Monday, 10:00 UTC, so business days line up. */
  async toMondayMorning(): Promise<void> {
    const now = await this.env.currentTimeMs();
    const day = new Date(now).getUTCDay();
    let target = Math.floor(now / DAY_MS) * DAY_MS + 10 * HOUR_MS + ((8 - day) % 7) * DAY_MS;
    if (target <= now) target += 7 * DAY_MS;
    await this.env.sleep(target - now);
  }

  /** Opens a case on one of Jane's cards for a fresh transaction, as the API would, and waits for routing. */
  async open({
    amountCents = 1499,
    reasonCode = 'unrecognized',
    card = 'credit',
    channel = 'online',
    acknowledged = true,
    customer,
  }: OpenCase = {}): Promise<{ caseId: string; handle: DisputeHandle; view: CaseView }> {
    const cardId = customer?.cardId ?? (card === 'debit' ? DEBIT_CARD : JANE.cardId);
    const caseId = `DSP-${randomUUID().slice(0, 8).toUpperCase()}`;
    const postedAt = new Date((await this.env.currentTimeMs()) - 2 * DAY_MS);
    await this.db.cardTransaction.create({
      data: { id: `txn-${caseId}`, cardId, postedAt, amountCents, merchant: 'DGTL*SVCS', mcc: '5817', channel },
    });
    const row = await this.db.case.create({
      data: {
        id: caseId,
        workflowId: disputeWorkflowId(caseId),
        customerId: customer?.customerId ?? JANE.customerId,
        cardId,
        transactionId: `txn-${caseId}`,
        amountCents,
        reasonCode,
        stage: 'intake',
        departmentId: 'intake',
        openedBy: 'intake-agent-1',
        // The server's time, as the API's would be: the time-skipping server runs ahead of the clock.
        openedAt: new Date(postedAt.getTime() + 2 * DAY_MS),
      },
    });
    await startDispute(this.env.client, this.taskQueue, row);
    const handle = this.env.client.workflow.getHandle<DisputeWorkflow>(row.workflowId);
    let view = await handle.query(getCaseQuery);
    while (view.stage === 'intake') {
      await new Promise((r) => setTimeout(r, 20));
      view = await handle.query(getCaseQuery);
    }
    if (acknowledged) {
      // Tests start from a quiet case: routed, and the customer's acknowledgement sent.
      while (!(await handle.query(getTimelineQuery)).some((e) => e.type === 'customer_notified'))
        await new Promise((r) => setTimeout(r, 20));
      view = await this.settled(caseId, handle);
    }
    return { caseId, handle, view };
  }

  /**
   * Waits until the workflow is idle: no activity in flight (a message being sent, say) and the
   * read model at the workflow's version (alerts and adjustments are written before that).
   */
  async settled(caseId: string, handle: DisputeHandle): Promise<CaseView> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const idle = !(await handle.describe()).raw.pendingActivities?.length;
      const view = await handle.query(getCaseQuery);
      const row = await this.db.case.findUniqueOrThrow({ where: { id: caseId } });
      if (idle && row.version === view.version) return view;
      if (Date.now() > deadline) throw new Error(`case ${caseId} did not settle at version ${view.version}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Ends a test's case the way staff would: an open case is withdrawn and runs to completion, a
   * resolved one is left to close by itself. (Terminating a case can leave the time-skipping
   * server's clock locked, which stalls every later test.)
   */
  async finish(handle: DisputeHandle): Promise<void> {
    const view = await handle.query(getCaseQuery);
    if (view.stage === 'resolved' || view.stage === 'closed') return;
    await handle.executeUpdate(withdrawUpdate, { args: [{ actor: await this.actor('admin'), reason: 'test done' }] });
    await handle.result();
  }

  /** A customer of their own with 120 days of everyday usage behind them, and `future` days ahead. */
  async newCustomer(
    name: string,
    future = (_day: number) => 1,
    futureDays = 200,
    preferredChannel: 'email' | 'sms' | 'push' = 'email',
  ) {
    const now = await this.env.currentTimeMs();
    const customerId = `cust-${name}`;
    const cardId = `card-${name}`;
    await this.db.customer.create({
      data: {
        id: customerId,
        name: `Test ${name}`,
        email: `${name}@example.com`,
        phone: '+1 555 0100',
        preferredChannel,
        tier: 'gold',
        lifetimeValueCents: 900_000,
        cards: {
          create: { id: cardId, last4: '4242', product: 'Everyday Credit', openedAt: new Date(now - 900 * DAY_MS) },
        },
      },
    });
    await feedUsage(this.db, cardId, now - 120 * DAY_MS, 120);
    await feedUsage(this.db, cardId, now, futureDays, future);
    return { customerId, cardId };
  }

  async actor(id: string): Promise<Actor> {
    const actor = await loadActor(this.db, id);
    if (!actor) throw new Error(`no staff ${id}`);
    return actor;
  }

  /** The audit log of a case as the database holds it, oldest first, once the case's writes so far landed. */
  async auditLog(caseId: string) {
    await this.caughtUp(caseId);
    const rows = await this.db.caseEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' } });
    return rows.map((e) => ({
      seq: Number(e.eventKey),
      type: e.type,
      actor: e.actor,
      at: e.at.getTime(),
      data: JSON.parse(e.data) as Record<string, unknown>,
    }));
  }

  /** The case's read model once it caught up with the case: actions answer before their write lands. */
  async readModel(caseId: string) {
    await this.caughtUp(caseId);
    return this.db.case.findUniqueOrThrow({ where: { id: caseId } });
  }

  private caughtUp(caseId: string): Promise<void> {
    return readModelCaughtUp(this.db, this.env.client, caseId);
  }

  /** Keeps the case's history for the replay test (`keepHistory`). */
  keepHistory(name: string, handle: Pick<DisputeHandle, 'fetchHistory'>): Promise<void> {
    return keepHistory(name, handle);
  }

  /** How many updates the case's history accepted; a refused update adds none. */
  async acceptedUpdates(handle: DisputeHandle): Promise<number> {
    const history = await handle.fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
  }
}

/**
 * With RECORD_HISTORIES=1, writes a workflow's history to test/histories/<name>.json for the
 * replay test, unless one is there: a recorded history is never overwritten to make replay pass.
 */
export async function keepHistory(name: string, handle: Pick<DisputeHandle, 'fetchHistory'>): Promise<void> {
  const file = path.join(HISTORIES, `${name}.json`);
  if (!process.env.RECORD_HISTORIES || existsSync(file)) return;
  mkdirSync(HISTORIES, { recursive: true });
  writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
}

/** Waits until a case's read model reached the case's version: an action answers before its write lands. */
export async function readModelCaughtUp(db: Db, client: Client, caseId: string): Promise<void> {
  const { version } = await client.workflow.getHandle(disputeWorkflowId(caseId)).query(getCaseQuery);
  const deadline = Date.now() + 10_000;
  while ((await db.case.findUniqueOrThrow({ where: { id: caseId } })).version < version) {
    if (Date.now() > deadline) throw new Error(`the read model of case ${caseId} did not reach version ${version}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The reason an Update was refused with, as the API would report it. */
export async function refusal(update: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await update;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      return { type: error.cause.type ?? undefined, message: error.cause.message };
    }
    throw error;
  }
  throw new Error('the update was accepted');
}
