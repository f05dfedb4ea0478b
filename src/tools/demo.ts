/**
 * `npm run demo`: Jane's story from DESIGN.md, told by the product itself with weeks passing in
 * seconds. The real worker, admin API, SQLite database and SMTP sink run against Temporal's
 * time-skipping test server; the demo plays the people (Jane on the phone, the card processor's
 * feed, the care agent, the supervisor) through the API and narrates what the product does, each
 * line with its simulated date. It writes the case's histories as `temporal workflow show
 * --output json` does (the Temporal UI imports them), replays them with today's code, and exits
 * 0 only when every step of the story happened.
 */
import { CLIENT_INTERCEPTORS } from '../temporal/bound-requests';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { JANE, seed } from '../../prisma/seed';
import { attritionWatchWorkflowId } from '../../workflows/attrition-watch/messages';
import { disputeWorkflowId } from '../../workflows/dispute/messages';
import type { OutreachRecommendation } from '../../workflows/domain/care';
import { DAY_MS, HOUR_MS } from '../../workflows/domain/time';
import { createApp } from '../api/app';
import { issueToken } from '../auth/tokens';
import { createDb, type Db } from '../db/client';
import { migrate } from '../db/migrate';
import { ROOT } from '../db/target';
import { smtpChannel } from '../notifications/channels';
import { startMailSink, type MailSink } from '../notifications/mail-sink';
import { freePort } from '../ports';
import { TEST_SERVER_REFUSAL, TEST_SERVER_REFUSAL_NOTE, temporalTestServer } from '../temporal/binaries';
import { workflowBundlePath } from '../temporal/bundle';
import { registerSearchAttributes } from '../temporal/connection';
import { dataConverter, newKeyEntry, parsePayloadKeys } from '../temporal/encryption';

const OUT = path.join(ROOT, '.data', 'demo');
const TASK_QUEUE = 'demo';
const JANES_EMAIL = 'jane.morgan@example.com';
/** After the resolution, how long the watch looks before saying whether Jane stayed. */
const OBSERVE_DAYS = 28;
/** Jane's card purchases by day of the week (Sunday first): about eleven a week. */
const HABIT = [1, 1, 2, 2, 2, 3, 0];

/** Every step of the story; the demo succeeds only when each one happened. */
const STEPS = [
  'Jane calls and intake opens her case, routed to a team',
  'Jane is sent an acknowledgement',
  'Jane is sent status updates while the case waits',
  'the back office stalls: the SLA is breached',
  'Jane chases the bank twice, and the product counts it',
  "the card processor feeds Jane's usage day by day",
  'the watch raises her attrition risk to high',
  'a care agent is alerted with a recommendation',
  "Jane's case goes first in its department's queue",
  'the care agent calls her and she accepts the offer',
  'the case is resolved and Jane is told',
  "Jane's usage recovers and the watch reports her retained: a save",
  'the histories are written and replay with today’s code',
] as const;
type Step = (typeof STEPS)[number];

type EventData = Record<string, unknown>;

/** The parts of the API's answers the story reads. */
interface Answer {
  id: string;
  stage: string;
  departmentId: string;
  assigneeId: string | null;
  attritionRisk: string;
  timeline: { type: string; data: EventData }[];
  workflow: { customerContacts: number };
  items: { id: string; kind?: string; message?: string; priority?: string; recommendation: OutreachRecommendation }[];
}

type Api = (
  method: string,
  url: string,
  actor: string | null,
  body?: unknown,
) => Promise<{ status: number; body: Answer }>;

class Story {
  private readonly happened = new Set<Step>();

  constructor(private readonly env: TestWorkflowEnvironment) {}

  async say(text: string): Promise<void> {
    const now = new Date(await this.env.currentTimeMs());
    const when = now.toLocaleString('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
    });
    console.log(`${when} UTC  ${text}`);
  }

  check(step: Step, ok: boolean, detail = ''): boolean {
    if (ok && !this.happened.has(step)) {
      this.happened.add(step);
      console.log(`    ✓ ${step}${detail ? ` (${detail})` : ''}`);
    }
    return ok;
  }

  missing(): Step[] {
    return STEPS.filter((step) => !this.happened.has(step));
  }
}

/** What the audit log's events mean, as the narration reads them. */
const str = (value: unknown) => String(value);
const dollars = (cents: unknown) => `$${(Number(cents) / 100).toFixed(2)}`;
const TOLD: Record<string, (data: EventData) => string> = {
  routed: (d) => `The case is routed to ${str(d.to)} (${str(d.rule)}).`,
  sla_warning: (d) => `SLA warning: ${str(d.label)} is close to its deadline.`,
  sla_breached: (d) => `SLA breached: ${str(d.label)}; nobody has picked the case up.`,
  escalated: () => 'The case is escalated to the supervisors’ queue.',
  customer_contacted: (d) => `Jane's call is recorded (${str(d.channel)}): “${str(d.note)}”`,
  attrition_risk_changed: (d) =>
    `The attrition watch moves Jane's risk from ${str(d.from)} to ${str(d.to)}: ` +
    `${(d.rules as string[]).join('; ') || 'no rule fires'}.`,
  outreach_opened: (d) => `A care outreach ${str(d.outreachId)} opens, due ${str(d.dueAt)}.`,
  priority_raised: () => "The case's priority is raised: it goes first in its department's queue.",
  outreach_claimed: (d) => `The care agent claims ${str(d.outreachId)}.`,
  outreach_completed: (d) =>
    `The call is recorded: reached ${str(d.reached)}, offer ${(d.offer as { response: string } | null)?.response ?? 'none'}.`,
  concession_granted: (d) => `Goodwill booked on Jane's card: ${str(d.kind)} worth ${dollars(d.valueCents)}.`,
  resolved: (d) => `The case is resolved: ${str(d.outcome)}, ${dollars(d.amountCents)} credited.`,
};

async function main(): Promise<number> {
  // The time-skipping server lacks a capability newer servers advertise; core's worker warns of it
  // once. What core says of completing workflow tasks is kept, to name the server's known refusal.
  const filter = [
    makeTelemetryFilterString({ core: 'WARN' }),
    'temporalio_sdk_core::worker=ERROR',
    'temporalio_sdk_core::worker::workflow=WARN',
  ].join(',');
  const printer = new DefaultLogger('WARN');
  const logger = new DefaultLogger('WARN', (entry) => {
    if (`${entry.message} ${JSON.stringify(entry.meta ?? {})}`.includes(TEST_SERVER_REFUSAL)) {
      console.error(`${TEST_SERVER_REFUSAL_NOTE} Run the demo again.`);
    }
    printer.log(entry.level, entry.message, entry.meta);
  });
  Runtime.install({ logger, telemetryOptions: { logging: { filter, forward: {} } } });
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(path.join(OUT, 'histories'), { recursive: true });

  console.log('Starting the time-skipping Temporal server, the database, the mail sink, the worker and the API…');
  // Payloads sealed with a key of this run's own, as a bank's would be with its keys.
  const converter = dataConverter(parsePayloadKeys(newKeyEntry(), 'the demo key'));
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServer() } },
    client: { dataConverter: converter, interceptors: CLIENT_INTERCEPTORS },
  });
  await registerSearchAttributes(env.connection, 'default');
  const databaseUrl = `file:${path.join(OUT, 'demo.db')}`;
  const db = createDb(databaseUrl);
  await migrate(db, databaseUrl);
  await seed(db, { customers: 20, now: new Date(await env.currentTimeMs()) });
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const sink = await startMailSink({ smtpPort, httpPort, file: path.join(OUT, 'mail-sink.jsonl') });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath: await workflowBundlePath(path.join(ROOT, '.data', 'cache')) },
    dataConverter: converter,
    activities: createActivities({
      db,
      watch: { observeDays: OBSERVE_DAYS },
      channels: {
        email: smtpChannel({
          host: '127.0.0.1',
          port: smtpPort,
          secure: false,
          from: 'Card Disputes <disputes@bank.example>',
        }),
        sms: null,
        push: null,
      },
    }),
  });
  const running = worker.run();
  const server: Server = createApp({ db, temporal: env.client, taskQueue: TASK_QUEUE }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Each person in the story signs in with a staff API token of their own.
  const tokens = new Map<string, string>();
  const bearer = async (actor: string) => {
    if (!tokens.has(actor)) tokens.set(actor, (await issueToken(db, actor, { days: 1, label: 'demo' })).token);
    return { Authorization: `Bearer ${tokens.get(actor)}` };
  };
  const api: Api = async (method, url, actor, body) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(actor ? await bearer(actor) : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Answer };
  };

  const story = new Story(env);
  try {
    await tell(story, env, converter, db, sink, api);
  } catch (error) {
    console.error(`\nThe story stopped: ${(error as Error).stack ?? error}`);
  } finally {
    server.close();
    worker.shutdown();
    await running;
    await env.teardown();
    await sink.close();
    await db.$disconnect();
  }
  const missing = story.missing();
  if (missing.length) {
    console.error(
      `\nThe story is incomplete; these steps did not happen:\n${missing.map((s) => `  ✗ ${s}`).join('\n')}`,
    );
    return 1;
  }
  console.log(`\nEvery step happened. Histories, database and mail are in ${path.relative(process.cwd(), OUT)}/.`);
  if (process.env.LOG_FILE) console.log(`The worker's and the API's log lines are in ${process.env.LOG_FILE}.`);
  return 0;
}

async function tell(
  story: Story,
  env: TestWorkflowEnvironment,
  converter: DataConverter,
  db: Db,
  sink: MailSink,
  api: Api,
): Promise<void> {
  const janesMail = () => sink.messages(JANES_EMAIL);
  let mailSeen = 0;
  let eventsSeen = 0;
  let fedDays = 0;
  let caseId = '';

  /** What happened since the last look: Jane's mail and the case's audit log. */
  async function narrate(): Promise<Answer> {
    for (const message of janesMail().slice(mailSeen)) await story.say(`✉ Jane receives “${message.subject}”.`);
    mailSeen = janesMail().length;
    const { body: found } = await api('GET', `/cases/${caseId}`, 'admin');
    for (const event of found.timeline.slice(eventsSeen)) {
      const line = TOLD[event.type]?.(event.data);
      if (line) await story.say(line);
    }
    eventsSeen = found.timeline.length;
    return found;
  }

  /** The card processor sends the day's purchases on Jane's card: `share` of her habit. */
  async function feedToday(share: number): Promise<void> {
    const now = await env.currentTimeMs();
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const count = Math.round(HABIT[new Date(dayStart).getUTCDay()] * share);
    const transactions = Array.from({ length: count }, (_, n) => ({
      id: `demo-${dayStart}-${n}`,
      cardId: JANE.cardId,
      postedAt: new Date(dayStart + (12 + 4 * n) * HOUR_MS).toISOString(),
      amount: 18.4 + 7 * n,
      merchant: n % 2 ? 'CORNER CAFE' : 'FRESHMART GROCERY',
      mcc: n % 2 ? '5814' : '5411',
      channel: 'pos',
    }));
    fedDays += 1;
    if (!count) return;
    const res = await api('POST', '/feed/transactions', 'card-processor', { transactions });
    if (res.status !== 200) throw new Error(`the feed refused a day: ${JSON.stringify(res.body)}`);
  }

  /** One day passes: the day's usage is fed first, then the server's clock moves on. */
  async function day(share: number): Promise<Answer> {
    await feedToday(share);
    await env.sleep(DAY_MS);
    await settle();
    return narrate();
  }

  /** Waits (in real time) until the worker has nothing in flight for the case. */
  async function settle(): Promise<void> {
    const handle = env.client.workflow.getHandle(disputeWorkflowId(caseId));
    for (let i = 0; i < 100; i++) {
      const pending = (await handle.describe()).raw.pendingActivities?.length ?? 0;
      if (!pending) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // --- Day 0: the call ---------------------------------------------------------------------
  await story.say('Jane Morgan calls the bank: a $14.99 charge from DGTL*SVCS that she does not recognise.');
  const opened = await api('POST', '/cases', 'intake-agent-1', {
    customerId: JANE.customerId,
    cardId: JANE.cardId,
    transactionId: JANE.unrecognizedTransactionId,
    amount: 14.99,
    reasonCode: 'unrecognized',
    description: 'Customer does not recognise the merchant.',
  });
  if (opened.status !== 201) throw new Error(`intake failed: ${JSON.stringify(opened.body)}`);
  caseId = opened.body.id;
  await story.say(`Intake opens case ${caseId}.`);
  let found = await narrate();
  for (let i = 0; i < 50 && (found.stage === 'intake' || !janesMail().length); i++) {
    await new Promise((r) => setTimeout(r, 100));
    found = await narrate();
  }
  const department = found.departmentId;
  story.check(STEPS[0], found.stage === 'investigation', `${caseId} in ${department}`);

  // --- The weeks in the back office: nobody works the case, Jane's usage falls away ---------
  const usage = (d: number) => (d < 4 ? 1 : Math.max(0, 1 - (d - 4) / 14));
  const calls: Record<number, string> = {
    6: 'Jane asked where her dispute stands; told it is being investigated.',
    12: 'Jane called again, frustrated; nobody could tell her when it will be resolved.',
  };
  let d = 0;
  for (; d < 45; d++) {
    if (calls[d]) {
      await story.say('Jane calls the bank again about her dispute.');
      const contact = await api('POST', `/cases/${caseId}/contacts`, 'intake-agent-2', {
        channel: 'phone',
        note: calls[d],
      });
      if (contact.status !== 200) throw new Error(`the contact was refused: ${JSON.stringify(contact.body)}`);
    }
    found = await day(usage(d));
    const types = found.timeline.map((e) => e.type);
    story.check(
      STEPS[1],
      janesMail().some((m) => /received/i.test(m.subject) || types.includes('customer_notified')),
    );
    story.check(STEPS[3], types.includes('sla_breached') && found.assigneeId === null);
    story.check(STEPS[4], found.workflow.customerContacts === 2, 'two contacts on the case');
    if (types.includes('outreach_opened')) break;
  }
  const updates = (await db.notification.count({ where: { caseId, template: 'status_update', status: 'sent' } })) ?? 0;
  story.check(STEPS[2], updates >= 2, `${updates} status updates sent`);
  story.check(STEPS[5], fedDays >= 10, `${fedDays} days fed`);
  story.check(STEPS[6], found.attritionRisk === 'high');

  // --- The care team is told ---------------------------------------------------------------
  const alerts = await api('GET', '/alerts?unread=true', 'care-agent-1');
  const alert = alerts.body.items.find((a) => a.kind === 'care_outreach');
  const queue = await api('GET', `/outreach?caseId=${caseId}`, 'care-agent-1');
  const outreach = queue.body.items?.[0];
  const careMail = sink.messages('care-queue@bank.example');
  if (alert) await story.say(`Alert for care-agent-1: ${alert.message}`);
  if (careMail[0])
    await story.say(`✉ The care queue receives “${careMail[0].subject}”:\n\n${indent(careMail[0].text)}`);
  story.check(
    STEPS[7],
    Boolean(alert && outreach && careMail.length === 1 && outreach.recommendation.concession?.kind === 'reward_points'),
    outreach ? `call back, commit to ${outreach.recommendation.resolveBy?.slice(0, 10)}, offer reward points` : '',
  );
  const supervisor = `${department}-supervisor`;
  const queueOfDepartment = await api('GET', `/cases?departmentId=${department}`, supervisor);
  const first = queueOfDepartment.body.items?.[0];
  story.check(
    STEPS[8],
    first?.id === caseId && first?.priority === 'high',
    `first of ${queueOfDepartment.body.items?.length} cases`,
  );

  // --- The call -----------------------------------------------------------------------------
  if (!outreach) throw new Error('no outreach was opened');
  await env.sleep(2 * HOUR_MS);
  await api('POST', `/outreach/${outreach.id}/claim`, 'care-agent-1', {});
  await story.say(
    `care-agent-1 calls Jane back, apologises, commits to a resolution by ${outreach.recommendation.resolveBy?.slice(0, 10)} and offers 5,000 reward points ($50) for using her card again.`,
  );
  const call = await api('POST', `/outreach/${outreach.id}/outcome`, 'care-agent-1', {
    reached: true,
    offer: { kind: 'reward_points', amount: 50, response: 'accepted' },
    note: 'Reached Jane; she accepted the points and will keep using the card.',
  });
  await settle();
  await narrate();
  const booked = await db.cardTransaction.count({
    where: { cardId: JANE.cardId, merchant: { startsWith: 'GOODWILL' } },
  });
  story.check(STEPS[9], call.status === 200 && booked === 1, 'points booked on her card');

  // --- The back office resolves the case, now first in its queue ----------------------------
  await env.sleep(4 * HOUR_MS);
  await story.say(`${supervisor} takes the case from the top of the queue and resolves it in Jane's favour.`);
  const resolved = await api('POST', `/cases/${caseId}/resolve`, supervisor, {
    outcome: 'customer_favour',
    rationale: 'Merchant could not show Jane authorised the charge.',
  });
  await settle();
  await narrate();
  story.check(
    STEPS[10],
    resolved.status === 200 && janesMail().some((m) => /resolved/i.test(m.subject)),
    'resolution email sent',
  );

  // --- Jane comes back; the watch keeps looking, then says she stayed -----------------------
  const watch = env.client.workflow.getHandle(attritionWatchWorkflowId(caseId));
  for (let after = 0; after < OBSERVE_DAYS + 5; after++) {
    await day(1);
    if ((await watch.describe()).status.name !== 'RUNNING') break;
  }
  // Read from the read model: awaiting the watch's result would let the test server skip ahead.
  const row = await db.case.findUniqueOrThrow({ where: { id: caseId } });
  const finished = (await watch.describe()).status.name === 'COMPLETED';
  await story.say(`The watch has seen ${OBSERVE_DAYS} days since the resolution: Jane is ${row.retentionOutcome}.`);
  story.check(
    STEPS[11],
    finished && row.retentionOutcome === 'retained' && row.careVerdict === 'saved',
    `careVerdict ${row.careVerdict}`,
  );

  // --- The record --------------------------------------------------------------------------
  const files = [
    ...(await writeHistories(env, disputeWorkflowId(caseId))),
    ...(await writeHistories(env, attritionWatchWorkflowId(caseId))),
  ];
  const bundle = { codePath: await workflowBundlePath(path.join(ROOT, '.data', 'cache')) };
  let replayed = 0;
  for (const { workflowId, history } of files) {
    await Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: converter }, history, workflowId);
    replayed += 1;
  }
  story.check(
    STEPS[12],
    replayed === files.length && replayed >= 2,
    `${replayed} runs in ${path.relative(process.cwd(), OUT)}/histories`,
  );
}

/** Every run of a workflow, oldest first, written as `temporal workflow show --output json` writes it. */
async function writeHistories(env: TestWorkflowEnvironment, workflowId: string) {
  const runs: { workflowId: string; history: temporal.api.history.v1.IHistory }[] = [];
  let runId: string | undefined = (await env.client.workflow.getHandle(workflowId).describe()).runId;
  while (runId) {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ workflowId, history });
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  runs.forEach(({ history }, i) => {
    const name = runs.length > 1 ? `${workflowId}-run${i + 1}.json` : `${workflowId}.json`;
    writeFileSync(path.join(OUT, 'histories', name), `${historyToJSON(history)}\n`);
  });
  return runs;
}

const indent = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
