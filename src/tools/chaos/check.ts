/**
 * The consistency checker: after the faults, when the stack has settled, compares what staff were
 * told with what happened. Every case's workflow state against its database row, and its credits
 * against the card's ledger; every action answered as applied against the case's timeline (once,
 * not twice, not never); every outbox row marked sent against the sinks (there, once); every 5xx
 * against the case's history (was the action already accepted when the error was answered?).
 */
import { temporal as proto } from '@temporalio/proto';
import { getCaseQuery } from '../../../workflows/dispute/messages';
import { messageIdFor } from '../../notifications/settings';
import { eventTimeMs } from '../../temporal/history';
import type { ProcessStack } from '../process-stack';
import { sleep, type Request } from './load';

export interface PhaseReport {
  fault: string;
  casesInFlight: number;
  actionsSent: number;
  lost: number;
  doubled: number;
  messagesLost: number;
  messagesDoubled: number;
  fiveXx: number;
  /** 5xx answered for an action the case had already accepted. */
  fiveXxApplied: number;
  longestWaitMs: number;
  recoverMs: number | null;
}

export interface Findings {
  phases: PhaseReport[];
  /** Cases whose workflow state and database row disagree, with what differs. */
  inconsistent: string[];
  /** Dispute workflows without a case row, or the other way round. */
  orphans: string[];
  problems: string[];
}

/** The timeline events that show a request's effect. */
const EFFECT: Record<Exclude<Request['kind'], 'open'>, { type: string; field: string }> = {
  assign: { type: 'assigned', field: 'reason' },
  note: { type: 'note', field: 'text' },
  requestInfo: { type: 'info_requested', field: 'question' },
  response: { type: 'customer_responded', field: 'summary' },
  resolve: { type: 'resolved', field: 'rationale' },
};

/** Waits until every case's read model has caught up with its workflow and no message is on its way. */
export async function settle(stack: ProcessStack, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let behind: string[] = [];
  while (Date.now() < deadline) {
    behind = [];
    const rows = await stack.db.case.findMany({ select: { id: true, workflowId: true, version: true } });
    for (const row of rows) {
      const view = await stack.temporal.workflow
        .getHandle(row.workflowId)
        .query(getCaseQuery)
        .catch(() => null);
      if (!view || view.version !== row.version) behind.push(row.id);
    }
    const unsent = await stack.db.notification.count({ where: { status: { in: ['pending', 'sending'] } } });
    if (behind.length === 0 && unsent === 0) return [];
    await sleep(1_000);
  }
  return behind;
}

export async function check(
  stack: ProcessStack,
  requests: Request[],
  recoveries: Map<string, number | null>,
): Promise<Findings> {
  const problems: string[] = [];
  const cases = await stack.db.case.findMany({
    include: { events: true, notifications: true, outreachTasks: true },
  });
  const byId = new Map(cases.map((c) => [c.id, c]));

  // Workflow state against the read model.
  const inconsistent: string[] = [];
  for (const row of cases) {
    const view = await stack.temporal.workflow
      .getHandle(row.workflowId)
      .query(getCaseQuery)
      .catch((error: Error) => error);
    if (view instanceof Error) {
      inconsistent.push(`${row.id}: workflow not queryable (${view.message})`);
      continue;
    }
    const differs = (['stage', 'departmentId', 'assigneeId', 'version'] as const).filter((f) => view[f] !== row[f]);
    if (differs.length) inconsistent.push(`${row.id}: ${differs.map((f) => `${f} ${view[f]} ≠ ${row[f]}`).join(', ')}`);
  }

  // Every credit in a case's timeline booked on the card, once.
  const adjustments = await stack.db.cardTransaction.findMany({
    where: { channel: 'adjustment' },
    select: { id: true, amountCents: true },
  });
  for (const row of cases) {
    const credited = row.events
      .filter((e) => e.type === 'settled' || e.type === 'provisional_credit_granted')
      .map((e) => JSON.parse(e.data) as { creditCents?: number; amountCents?: number })
      .reduce((sum, data) => sum + (data.creditCents ?? data.amountCents ?? 0), 0);
    const booked = adjustments
      .filter((a) => a.id.startsWith(`adj-${row.id}:`))
      .reduce((sum, a) => sum - a.amountCents, 0);
    if (credited !== booked)
      inconsistent.push(`${row.id}: ${credited} credited in its timeline, ${booked} on the card`);
  }

  // Every dispute workflow has its case row, and every row its workflow.
  const orphans: string[] = [];
  const workflowIds = new Set<string>();
  for await (const wf of stack.temporal.workflow.list({ query: 'WorkflowType="disputeWorkflow"' })) {
    workflowIds.add(wf.workflowId);
    if (!cases.some((c) => c.workflowId === wf.workflowId)) orphans.push(`${wf.workflowId} has no case row`);
  }
  for (const row of cases) {
    if (workflowIds.has(row.workflowId)) continue;
    // The list comes from visibility, which a cluster updates after the fact (more so after an
    // outage of its database); whether the workflow exists is the workflow's own answer.
    const missing = await stack.temporal.workflow
      .getHandle(row.workflowId)
      .describe()
      .then(
        () => null,
        (error: Error) => error,
      );
    if (missing) orphans.push(`${row.id} has no workflow (${missing.message})`);
  }

  // When each Update was accepted, by its id (the Idempotency-Key), from the histories.
  const acceptedAt = new Map<string, number>();
  for (const row of cases) {
    const history = await stack.temporal.workflow.getHandle(row.workflowId).fetchHistory();
    for (const event of history.events ?? []) {
      if (event.eventType !== proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) continue;
      const id = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId;
      if (id) acceptedAt.set(id, eventTimeMs(event));
    }
  }

  // What the customer was told against what the sinks hold.
  const mailCount = new Map<string, number>();
  for (const m of stack.mail?.messages() ?? [])
    if (m.messageId) mailCount.set(m.messageId, (mailCount.get(m.messageId) ?? 0) + 1);
  const smsCount = new Map<string, number>();
  for (const m of stack.sms?.messages() ?? [])
    if (m.clientRef) smsCount.set(m.clientRef, (smsCount.get(m.clientRef) ?? 0) + 1);
  const messageFindings = (caseId: string) => {
    let lost = 0;
    let doubled = 0;
    const row = byId.get(caseId);
    for (const n of row?.notifications ?? []) {
      const held = (n.channel === 'sms' ? smsCount : mailCount).get(messageIdFor(n.id)) ?? 0;
      if (n.status !== 'sent' || held === 0) lost += 1;
      if (held > 1) doubled += 1;
    }
    // The care queue's email for each outreach.
    for (const task of row?.outreachTasks ?? []) {
      const held = mailCount.get(messageIdFor(task.id)) ?? 0;
      if (!task.emailedAt || held === 0) lost += 1;
      if (held > 1) doubled += 1;
    }
    return { lost, doubled };
  };

  const phases = [...new Set(requests.map((r) => r.phase))];
  const report = phases.map((fault): PhaseReport => {
    const inPhase = requests.filter((r) => r.phase === fault);
    const opened = inPhase.filter((r) => r.kind === 'open' && r.caseId).map((r) => r.caseId!);
    let lost = 0;
    let doubled = 0;
    let fiveXx = 0;
    let fiveXxApplied = 0;
    let longestWaitMs = 0;
    for (const r of inPhase) {
      const applied = r.final !== null && r.final < 300;
      const count = effects(r, byId, cases);
      if (applied && count === 0) {
        lost += 1;
        problems.push(`${fault}: ${r.kind} ${r.key} on ${r.caseId} answered ${r.final} but is not in the timeline`);
      }
      if (count > 1) {
        doubled += 1;
        problems.push(`${fault}: ${r.kind} ${r.key} on ${r.caseId} applied ${count} times`);
      }
      for (const a of r.attempts) {
        longestWaitMs = Math.max(longestWaitMs, a.answeredAt - a.startedAt);
        if (a.status === 'network' || a.status < 500) continue;
        fiveXx += 1;
        const accepted = acceptedAt.get(r.key);
        if (accepted !== undefined && accepted < a.answeredAt) {
          fiveXxApplied += 1;
          problems.push(`${fault}: ${r.kind} ${r.key} answered ${a.status} after the case had accepted it`);
        }
      }
    }
    let messagesLost = 0;
    let messagesDoubled = 0;
    for (const caseId of opened) {
      const found = messageFindings(caseId);
      messagesLost += found.lost;
      messagesDoubled += found.doubled;
      if (found.lost || found.doubled)
        problems.push(`${fault}: case ${caseId}: ${found.lost} message(s) lost, ${found.doubled} doubled`);
    }
    return {
      fault,
      casesInFlight: new Set(inPhase.map((r) => r.caseId).filter(Boolean)).size,
      actionsSent: inPhase.length,
      lost,
      doubled,
      messagesLost,
      messagesDoubled,
      fiveXx,
      fiveXxApplied,
      longestWaitMs,
      recoverMs: recoveries.get(fault) ?? null,
    };
  });
  return { phases: report, inconsistent, orphans, problems };
}

/** How many times the request's effect shows in its case (a case opened: rows for its transaction). */
function effects(
  r: Request,
  byId: Map<string, { events: { type: string; data: string }[] }>,
  cases: { transactionId: string }[],
): number {
  if (r.kind === 'open') return cases.filter((c) => c.transactionId === r.mark).length;
  const effect = EFFECT[r.kind];
  const events = byId.get(r.caseId ?? '')?.events ?? [];
  return events.filter(
    (e) => e.type === effect.type && (JSON.parse(e.data) as Record<string, unknown>)[effect.field] === r.mark,
  ).length;
}
