/**
 * `npm run audit -- <caseId> [--format md|json|csv]`: a case's story told from its Temporal
 * history, not from the read model. Every change the case recorded travels, sealed, in the
 * inputs of its `syncCase` activities: each staff action with actor and reason, each transfer and
 * assignment, each clock that warned, breached or acted, each message to the customer, each risk
 * change, outreach and concession, with its time. Every run of the continue-as-new chain is read.
 *
 * Then the story is checked against the database: the case's audit log (CaseEvent) event by
 * event, its read model (Case) against the last state the history wrote, and its message outbox
 * (Notification) against the messages the history delivered. Every difference is listed, and the
 * exit status says whether they agree (0) or not (1).
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import type { SyncCaseInput } from '../../activities/cases';
import type { SendNotificationInput, SendNotificationResult } from '../../activities/notifications';
import { disputeWorkflowId, type TimelineEvent } from '../../workflows/dispute/messages';
import { loadConfig } from '../config';
import { runCommand } from './command';
import { createDb, type Db } from '../db/client';
import { connectClient } from '../temporal/connection';
import { eventTimeMs } from '../temporal/history';
import { runsOf } from './replay';

type History = temporal.api.history.v1.IHistory;
const EventType = temporal.api.enums.v1.EventType;

/** What an auditor reads first: the kind of each event in the case's timeline. */
const CATEGORY: Record<string, string> = {
  opened: 'case',
  routed: 'case',
  closed: 'case',
  assigned: 'assignment',
  transferred: 'transfer',
  escalated: 'transfer',
  regulatory_clocks_started: 'clock',
  sla_warning: 'clock',
  sla_breached: 'clock',
  regulatory_deadline_passed: 'clock',
  regulatory_escalation: 'clock',
  acknowledgement_resent: 'clock',
  priority_raised: 'clock',
  customer_notified: 'message',
  notification_failed: 'message',
  attrition_risk_changed: 'risk',
  outreach_opened: 'outreach',
  outreach_claimed: 'outreach',
  offer_requested: 'outreach',
  offer_approved: 'outreach',
  offer_rejected: 'outreach',
  outreach_completed: 'outreach',
  outreach_expired: 'outreach',
  concession_granted: 'concession',
  provisional_credit_granted: 'money',
  settled: 'money',
};
export const categoryOf = (type: string) => CATEGORY[type] ?? 'staff action';

export interface MessageSent {
  key: string;
  template: string;
  /** The channel that carried it, or null when the history holds no delivery. */
  channel: string | null;
  at: string;
}

export interface CaseStory {
  caseId: string;
  /** Each run of the dispute's chain, oldest first. */
  runs: string[];
  events: TimelineEvent[];
  /** The last state the history wrote to the read model (a completed syncCase). */
  final: Pick<SyncCaseInput, 'version' | 'snapshot'> | null;
  messages: MessageSent[];
  /** Payloads that could not be read (not sealed with a known key). */
  unreadable: string[];
}

/** Reads the story out of the histories of a dispute's runs, oldest first. */
export async function storyOf(
  caseId: string,
  runs: { runId: string; history: History }[],
  converter: LoadedDataConverter,
): Promise<CaseStory> {
  const story: CaseStory = {
    caseId,
    runs: runs.map((r) => r.runId),
    events: [],
    final: null,
    messages: [],
    unreadable: [],
  };
  const seen = new Set<number>();
  for (const { history } of runs) {
    const scheduled = new Map<string, { type: string; input: unknown }>();
    for (const event of history.events ?? []) {
      const id = String(event.eventId);
      if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        const attrs = event.activityTaskScheduledEventAttributes!;
        const [input] = await decode(converter, attrs.input?.payloads, story, `event ${id}`);
        const type = attrs.activityType?.name ?? '';
        scheduled.set(id, { type, input });
        if (type === 'syncCase') {
          for (const e of (input as SyncCaseInput | undefined)?.events ?? []) {
            if (!seen.has(e.seq)) story.events.push(e);
            seen.add(e.seq);
          }
        }
      } else if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        const attrs = event.activityTaskCompletedEventAttributes!;
        const done = scheduled.get(String(attrs.scheduledEventId));
        if (done?.type === 'syncCase') {
          const { version, snapshot } = done.input as SyncCaseInput;
          story.final = { version, snapshot };
        } else if (done?.type === 'sendNotification') {
          const [result] = await decode(converter, attrs.result?.payloads, story, `event ${id}`);
          const { key, template } = done.input as SendNotificationInput;
          story.messages.push({
            key,
            template,
            channel: (result as SendNotificationResult).channel,
            at: new Date(eventTimeMs(event)).toISOString(),
          });
        }
      }
    }
  }
  story.events.sort((a, b) => a.seq - b.seq);
  return story;
}

async function decode(
  converter: LoadedDataConverter,
  payloads: temporal.api.common.v1.IPayload[] | null | undefined,
  story: CaseStory,
  where: string,
): Promise<unknown[]> {
  try {
    return await decodeArrayFromPayloads(converter, payloads);
  } catch (error) {
    story.unreadable.push(`${where}: ${(error as Error).message}`);
    return [];
  }
}

/** Every way the database disagrees with the story; empty when they agree. */
export async function crossCheck(db: Db, story: CaseStory): Promise<string[]> {
  const differences = story.unreadable.map((u) => `unreadable payload at ${u}`);
  const row = await db.case.findUnique({
    where: { id: story.caseId },
    include: { events: true, notifications: true },
  });
  if (!row) return [...differences, `the database has no case ${story.caseId}`];

  // The audit log, event by event.
  const logged = new Map(row.events.map((e) => [Number(e.eventKey), e]));
  for (const e of story.events) {
    const entry = logged.get(e.seq);
    logged.delete(e.seq);
    if (!entry) {
      differences.push(`event ${e.seq} (${e.type} by ${e.actor}) is in the history but not in the audit log`);
      continue;
    }
    const fields = {
      type: [e.type, entry.type],
      actor: [e.actor, entry.actor],
      at: [e.at, entry.at.toISOString()],
      data: [e.data, JSON.parse(entry.data) as unknown],
    };
    for (const [field, [history, database]] of Object.entries(fields)) {
      if (!isDeepStrictEqual(history, database)) {
        differences.push(
          `event ${e.seq} ${field}: history ${JSON.stringify(history)}, audit log ${JSON.stringify(database)}`,
        );
      }
    }
  }
  for (const [seq, entry] of logged)
    differences.push(`event ${seq} (${entry.type} by ${entry.actor}) is in the audit log but not in the history`);

  // The read model, against the last state the history wrote.
  if (story.final) {
    const { snapshot, version } = story.final;
    const database: Record<string, unknown> = {
      ...row,
      priority: row.priority === 1 ? 'high' : 'normal',
      nextDeadlineAt: row.nextDeadlineAt?.toISOString() ?? null,
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      closedAt: row.closedAt?.toISOString() ?? null,
    };
    for (const [field, value] of Object.entries({ ...snapshot, version })) {
      if (!isDeepStrictEqual(value, database[field])) {
        differences.push(
          `read model ${field}: history ${JSON.stringify(value)}, database ${JSON.stringify(database[field])}`,
        );
      }
    }
  }

  // The outbox, against the messages the history delivered.
  const outbox = new Map(row.notifications.map((n) => [n.idempotencyKey, n]));
  for (const m of story.messages) {
    const n = outbox.get(m.key);
    outbox.delete(m.key);
    if (!n) differences.push(`message ${m.key} (${m.template}) was delivered by the history but is not in the outbox`);
    else if (n.status !== 'sent' || n.channel !== m.channel) {
      differences.push(`message ${m.key}: history delivered by ${m.channel}, outbox says ${n.status} by ${n.channel}`);
    }
  }
  for (const [key, n] of outbox) {
    if (n.status === 'sent')
      differences.push(`message ${key} (${n.template}) is sent in the outbox but not delivered in the history`);
  }
  return differences;
}

export type Format = 'md' | 'json' | 'csv';

const details = (data: Record<string, unknown>) =>
  Object.entries(data)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');

export function render(story: CaseStory, differences: string[] | null, format: Format): string {
  const rows = story.events.map((e) => ({
    at: e.at,
    seq: e.seq,
    category: categoryOf(e.type),
    event: e.type,
    actor: e.actor,
    details: details(e.data),
  }));
  if (format === 'json')
    return JSON.stringify(
      { ...story, events: rows.map((r, i) => ({ ...r, data: story.events[i].data })), differences },
      null,
      2,
    );
  if (format === 'csv') {
    const cell = (v: unknown) => `"${String(v).replaceAll('"', '""')}"`;
    const head = ['at', 'seq', 'category', 'event', 'actor', 'details'] as const;
    return [head.join(','), ...rows.map((r) => head.map((h) => cell(r[h])).join(','))].join('\n');
  }
  const md = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    `# Case ${story.caseId}`,
    '',
    `Told from its Temporal history: ${story.runs.length} run(s) of dispute-${story.caseId}, ${story.events.length} events, ${story.messages.length} message(s) delivered to the customer.`,
    story.final
      ? `Last state written: stage ${story.final.snapshot.stage}, department ${story.final.snapshot.departmentId}, version ${story.final.version}.`
      : '',
    '',
    '| at | # | kind | event | by | details |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.at} | ${r.seq} | ${r.category} | ${r.event} | ${md(r.actor)} | ${md(r.details)} |`),
    '',
  ];
  if (differences !== null) {
    lines.push('## Cross-check with the database', '');
    lines.push(
      differences.length
        ? `${differences.length} difference(s):\n\n${differences.map((d) => `- ${d}`).join('\n')}`
        : 'The audit log, the read model and the outbox agree with the history.',
    );
  }
  return `${lines.filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n')}\n`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { format: { type: 'string', default: 'md' } },
    allowPositionals: true,
  });
  const format = values.format as Format;
  if (positionals.length !== 1 || !['md', 'json', 'csv'].includes(format)) {
    console.error('Usage: npm run audit -- <case id> [--format md|json|csv]');
    return 2;
  }
  const [caseId] = positionals;
  const config = loadConfig();
  const client: Client = await connectClient(config.temporal);
  const db = createDb(config.databaseUrl);
  try {
    const runs = await runsOf(client, disputeWorkflowId(caseId));
    if (!runs.length) {
      console.error(`Temporal has no history of case ${caseId} (workflow ${disputeWorkflowId(caseId)}).`);
      return 1;
    }
    const histories = await Promise.all(
      runs.map(async (r) => ({ runId: r.runId!, history: (await r.load()) as History })),
    );
    const story = await storyOf(caseId, histories, client.options.loadedDataConverter);
    const differences = await crossCheck(db, story);
    process.stdout.write(render(story, differences, format));
    if (format !== 'md' && differences.length) console.error(`${differences.length} difference(s) with the database.`);
    return differences.length ? 1 : 0;
  } finally {
    await client.connection.close();
    await db.$disconnect();
  }
}

if (require.main === module) runCommand(main);
