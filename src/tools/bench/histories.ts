/** What a case leaves in Temporal: events and bytes per workflow (every run), and how fast it replays. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { ActionShape } from './drivers';

export type History = temporal.api.history.v1.IHistory;
const EventType = temporal.api.enums.v1.EventType;

export interface HistorySize {
  runs: number;
  events: number;
  /** As the server stores it: the history's protobuf encoding, payloads as they are (sealed, for the product). */
  bytes: number;
}

/**
 * Every run of a workflow id, oldest first: from the latest back along the run each one continued
 * (no visibility query, which the time-skipping server does not answer).
 */
export async function historiesOf(client: Client, workflowId: string): Promise<History[]> {
  const runs: History[] = [];
  let runId: string | undefined;
  do {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(history);
    runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  } while (runId);
  return runs;
}

export function sizeOf(histories: History[]): HistorySize {
  return {
    runs: histories.length,
    events: histories.reduce((sum, h) => sum + (h.events?.length ?? 0), 0),
    bytes: histories.reduce((sum, h) => sum + temporal.api.history.v1.History.encode(h).finish().length, 0),
  };
}

/**
 * How many activities a case scheduled before its first Update, and for each Update it accepted:
 * those scheduled before the workflow task that answered it (the answer waited for them) and
 * those scheduled from that task on until the next Update (they ran behind the answer).
 */
export function activityShape(history: History): { start: number; actions: ActionShape } {
  // Each event with the workflow task whose commands it records (the last one completed before it).
  let lastTask = 0;
  const events = (history.events ?? []).map((event) => {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) lastTask = Number(event.eventId);
    return { type: event.eventType, task: lastTask };
  });
  const updates: { accepted: number; answered: number; awaited: number; behind: number }[] = [];
  for (const { type, task } of events) {
    if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
      updates.push({ accepted: task, answered: Infinity, awaited: 0, behind: 0 });
    }
    if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) updates[updates.length - 1].answered = task;
  }
  let start = 0;
  for (const { type, task } of events) {
    if (type !== EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) continue;
    const update = [...updates].reverse().find((u) => u.accepted <= task);
    if (!update) start += 1;
    else if (task < update.answered) update.awaited += 1;
    else update.behind += 1;
  }
  return { start, actions: updates.map(({ awaited, behind }) => ({ awaited, behind })) };
}

/** Replays the histories one after another on one replayer; histories and events a second. */
export async function replaySpeed(
  histories: History[],
  worker: ReplayWorkerOptions,
): Promise<{ historiesPerSecond: number; eventsPerSecond: number }> {
  // A first replay warms the replayer up (workflow bundle loaded into its V8 context).
  await Worker.runReplayHistory(worker, histories[0], 'warm-up');
  const started = performance.now();
  let i = 0;
  async function* all() {
    for (const history of histories) yield { workflowId: `history-${i++}`, history };
  }
  for await (const result of Worker.runReplayHistories(worker, all())) {
    if (result.error) throw new Error(`history ${result.workflowId} did not replay: ${result.error.message}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const events = histories.reduce((sum, h) => sum + (h.events?.length ?? 0), 0);
  return { historiesPerSecond: histories.length / seconds, eventsPerSecond: events / seconds };
}
