/**
 * The product on real components for integration tests: a Temporal dev server (the CLI from the
 * project's venv), a SQLite database migrated by the wasm engine and seeded, the real worker
 * bundle and activities, the SMTP sink, and the admin API over HTTP on a free port.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import { JANE, seed } from '../../prisma/seed';
import { createApp } from '../../src/api/app';
import type { TemporalUi } from '../../src/api/console/routes';
import { oidcSignIn, type OidcSettings } from '../../src/auth/oidc';
import { caseActionsOver } from '../../src/api/routes/bulk-operations';
import type { RateLimitSettings } from '../../src/api/rate-limits';
import { issueToken } from '../../src/auth/tokens';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../src/notifications/settings';
import type { Db } from '../../src/db/client';
import { migratedSqlite } from './db';
import { readModelCaughtUp } from './disputes';
import type { RiskReport } from '../../workflows/attrition-watch/messages';
import { attritionRiskSignal, disputeWorkflowId } from '../../workflows/dispute/messages';
import { LocalMail, LocalSms } from './mail';
import { freePort } from '../../src/ports';
import { diskDocumentStore } from '../../src/self-service/documents';
import { EncryptionCodec } from '../../src/temporal/codec';
import {
  devServerTemporal,
  TEST_PAYLOAD_KEYS,
  testDataConverter,
  testWorkflowBundle,
  type TestTemporal,
} from './temporal';

export interface ApiStackOptions {
  taskQueue: string;
  customers?: number;
  policy?: ActivityDeps['policy'];
  rateLimits?: RateLimitSettings;
  /** Run the Temporal web UI too, reading sealed payloads through this API's codec. */
  ui?: boolean;
  /** Console sign-in through this identity provider. */
  oidc?: OidcSettings;
  /** Where the console links cases' workflows. */
  temporalUi?: TemporalUi;
}

export class ApiStack {
  private constructor(
    private readonly temporal: TestTemporal,
    readonly db: Db,
    /** The SQLite file's URL, for tests that lock it. */
    readonly databaseUrl: string,
    readonly mail: LocalMail,
    readonly sms: LocalSms,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
    private readonly server: Server,
    readonly base: string,
    /** Where the documents customers send are kept. */
    readonly documentsDir: string,
  ) {}

  get env(): TestWorkflowEnvironment {
    return this.temporal.env;
  }

  /** The dev server's address, for commands the test runs against this stack. */
  get temporalAddress(): string {
    return this.temporal.address!;
  }

  /** The Temporal web UI, for a stack started with `ui`. */
  get uiUrl(): string {
    return this.temporal.uiUrl!;
  }

  static async start({
    taskQueue,
    customers = 5,
    policy,
    rateLimits,
    ui = false,
    oidc,
    temporalUi,
  }: ApiStackOptions): Promise<ApiStack> {
    // The API's port is chosen first: the UI is told where its codec is.
    const apiPort = await freePort();
    const temporal = await devServerTemporal(
      ui ? ['--ui-codec-endpoint', `http://127.0.0.1:${apiPort}/codec`] : [],
      ui,
    );
    const { db, url } = migratedSqlite();
    const mail = await LocalMail.start();
    const sms = await LocalSms.start();
    await seed(db, { customers });
    // The links in customer messages, opened by this API.
    const linkKey = randomBytes(32);
    const documentsDir = mkdtempSync(path.join(tmpdir(), 'proactive-care-documents-'));
    const base = `http://127.0.0.1:${apiPort}`;
    const worker = await Worker.create({
      connection: temporal.env.nativeConnection,
      taskQueue,
      workflowBundle: await testWorkflowBundle(),
      dataConverter: testDataConverter('mark'),
      activities: createActivities({
        db,
        policy,
        customerLinks: { baseUrl: base, lifetimeDays: 30, key: linkKey },
        channels: { email: mail.channel, sms: sms.channel, push: null },
        caseActions: caseActionsOver({ db, temporal: temporal.env.client }),
      }),
    });
    const running = worker.run();
    const codec = new EncryptionCodec(TEST_PAYLOAD_KEYS);
    const codecOrigins = temporal.uiUrl ? [temporal.uiUrl] : [];
    const app = createApp({
      db,
      temporal: temporal.env.client,
      taskQueue,
      rateLimits,
      codec,
      codecOrigins,
      oidc: oidc ? oidcSignIn(oidc) : null,
      temporalUi,
      selfService: {
        linkKey,
        bank: DEFAULT_NOTIFICATION_SETTINGS,
        channels: { email: mail.channel, sms: sms.channel, push: null },
        documents: diskDocumentStore(documentsDir),
      },
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(apiPort, '127.0.0.1', () => resolve(listening));
    });
    return new ApiStack(temporal, db, url, mail, sms, worker, running, server, base, documentsDir);
  }

  private readonly tokens = new Map<string, string>();

  /** Waits until the case's read model reached the case's version: an action answers before its write lands. */
  caughtUp(caseId: string): Promise<void> {
    return readModelCaughtUp(this.db, this.env.client, caseId);
  }

  /** The Authorization header of `actor`, with a token issued once per test run. */
  async auth(actor: string): Promise<{ Authorization: string }> {
    let token = this.tokens.get(actor);
    if (!token) {
      token = (await issueToken(this.db, actor, { days: 1, label: 'test' })).token;
      this.tokens.set(actor, token);
    }
    return { Authorization: `Bearer ${token}` };
  }

  /** An HTTP call to the API as the staff member `actor` (none: unauthenticated). */
  async call(method: string, path: string, actor: string | undefined, body?: unknown): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(actor ? await this.auth(actor) : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** A POST /cases body for a transaction nobody disputed yet (not one of Jane's, which tests tell about). */
  async undisputedCase(): Promise<Record<string, unknown>> {
    const txn = await this.db.cardTransaction.findFirstOrThrow({
      where: { card: { customerId: { not: JANE.customerId } }, cases: { none: {} } },
      include: { card: true },
    });
    return {
      customerId: txn.card.customerId,
      cardId: txn.cardId,
      transactionId: txn.id,
      amount: 1,
      reasonCode: 'not_received',
    };
  }

  /**
   * Tells the case its customer is at high risk of leaving, as the attrition watch does when their
   * card usage falls during the dispute: the case opens a care outreach.
   */
  async reportHighRisk(caseId: string): Promise<void> {
    const report: RiskReport = {
      caseId,
      level: 'high',
      recommendation: 'call_back',
      rules: [
        {
          name: 'usage fell to under 40% of usual during the dispute',
          level: 'high',
          recommendation: 'call_back',
          facts: {},
        },
      ],
      facts: null,
      assessedAt: new Date().toISOString(),
    };
    await this.env.client.workflow.getHandle(disputeWorkflowId(caseId)).signal(attritionRiskSignal, report);
  }

  async stop(): Promise<void> {
    this.server.close();
    this.worker.shutdown();
    await this.running;
    await this.db.$disconnect();
    await this.temporal.stop();
    await this.mail.stop();
    await this.sms.stop();
    rmSync(this.documentsDir, { recursive: true, force: true });
  }
}

/** Polls `probe` until `done` says so, or the time is up (then returns the last value). */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}
