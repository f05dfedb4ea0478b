/**
 * The work queue: my open cases, and my department's that nobody has taken, most urgent first.
 * Urgency: a customer at high risk of leaving, then a breached SLA, then the nearest deadline
 * (SLA or regulatory), then the larger amount. Filters narrow both lists.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma } from '../../db/generated/sqlite/client';
import type { Db } from '../../db/client';
import { ATTRITION_RISKS } from '../../../workflows/domain/care';
import { OPEN_STAGES, REASON_CODES, type Actor, type CaseStage } from '../../../workflows/domain/case';
import { reachOf } from '../access';
import { oneOf } from '../validation';
import { deadline, listTable, liveSection, select } from './pages';
import { html, type Html } from '../../web/html';
import { formatMoney } from '../../../workflows/domain/money';

const SLA_STATES = ['breached', 'on_time'] as const;
const WORKED_STAGES = OPEN_STAGES as [CaseStage, ...CaseStage[]];
const empty = (value: unknown) => (value === '' ? undefined : value);

export const QueueFilter = z.strictObject({
  stage: z.preprocess(empty, oneOf(WORKED_STAGES).optional()),
  reason: z.preprocess(empty, oneOf(REASON_CODES).optional()),
  risk: z.preprocess(empty, oneOf(ATTRITION_RISKS).optional()),
  sla: z.preprocess(empty, oneOf(SLA_STATES).optional()),
  olderThanDays: z.preprocess(
    empty,
    z.coerce.number({ error: 'must be a number of days' }).int('must be whole days').min(0).max(3650).optional(),
  ),
});
export type QueueFilter = z.infer<typeof QueueFilter>;

export const URGENCY: Prisma.CaseOrderByWithRelationInput[] = [
  { priority: 'desc' },
  { slaBreached: 'desc' },
  { dueAt: 'asc' },
  { amountCents: 'desc' },
  { id: 'asc' },
];

const LIMIT = 50;

/** The filter as a case query: open stages only, and what the caller may see. */
export function whereOf(actor: Actor, filter: QueueFilter): Prisma.CaseWhereInput {
  const department = reachOf(actor, 'readCases')?.department ?? null;
  return {
    stage: filter.stage ?? { in: [...OPEN_STAGES] },
    reasonCode: filter.reason,
    attritionRisk: filter.risk,
    slaBreached: filter.sla === undefined ? undefined : filter.sla === 'breached',
    openedAt:
      filter.olderThanDays === undefined
        ? undefined
        : { lte: new Date(Date.now() - filter.olderThanDays * 86_400_000) },
    ...(department === null ? {} : { departmentId: department }),
  };
}

export async function loadQueue(db: Db, actor: Actor, filter: QueueFilter) {
  const where = whereOf(actor, filter);
  const [mine, waiting] = await Promise.all([
    db.case.findMany({ where: { ...where, assigneeId: actor.id }, orderBy: URGENCY, take: LIMIT }),
    db.case.findMany({ where: { ...where, assigneeId: null }, orderBy: URGENCY, take: LIMIT }),
  ]);
  return { mine, waiting };
}

/**
 * The most urgent cases nobody has taken that the caller may take, most urgent first: their own
 * department's, and for an agent, those in the agents' queue (an escalated case waits for a
 * supervisor). The read model may lag behind a case a colleague has just taken, so "next case"
 * tries them in turn; a case assigned since its row was last written (a keyed assign newer than
 * the row) goes last, since it is most likely taken.
 */
export async function nextCases(db: Db, actor: Actor, take = 5) {
  const candidates = await db.case.findMany({
    where: {
      stage: { in: [...OPEN_STAGES] },
      departmentId: actor.departmentId,
      assigneeId: null,
      ...(actor.role === 'agent' ? { queue: 'agents' } : {}),
    },
    orderBy: URGENCY,
    take,
  });
  const assigns = await db.actionRequest.findMany({
    where: { caseId: { in: candidates.map((c) => c.id) }, action: 'assign' },
    select: { caseId: true, createdAt: true },
  });
  const taken = new Set(
    assigns.filter((a) => a.createdAt >= candidates.find((c) => c.id === a.caseId)!.updatedAt).map((a) => a.caseId),
  );
  return [...candidates.filter((c) => !taken.has(c.id)), ...candidates.filter((c) => taken.has(c.id))];
}

export type CaseRow = Awaited<ReturnType<typeof loadQueue>>['mine'][number];

function caseTable(caption: string, rows: CaseRow[], empty: string): Html {
  const head = ['Case', 'Stage', 'Reason', 'Amount', 'Risk', 'SLA', 'Next deadline', 'Opened'];
  return listTable(caption, empty, head, rows.map(caseRow));
}

/** One case as a row of a queue. */
export const caseRow = (row: CaseRow): Html =>
  html`<tr>
    ${caseCells(row)}
  </tr>`;

/** A case's cells in a queue's row. */
export function caseCells(row: CaseRow): Html {
  return html`<th scope="row"><a href="/console/cases/${row.id}">${row.id}</a></th>
    ${cell('Stage', row.stage.replaceAll('_', ' '))} ${cell('Reason', row.reasonCode.replaceAll('_', ' '))}
    ${cell('Amount', formatMoney(row.amountCents, row.currency), 'num')}
    ${cell('Risk', html`<span class="tag risk-${row.attritionRisk}">${row.attritionRisk}</span>`)}
    ${cell('SLA', row.slaBreached ? html`<span class="tag breached">breached</span>` : 'on time')}
    ${cell('Next deadline', deadline(row.nextDeadlineAt?.toISOString() ?? null))}
    ${cell('Opened', row.openedAt.toISOString().slice(0, 10))}`;
}

/**
 * A cell with its column's name, shown only where the table is stacked for a phone (the column
 * headers are then out of sight); screen readers have the headers, so they skip it.
 */
const cell = (label: string, content: Html | string, className?: string): Html =>
  html`<td class="${className ?? ''}"><span class="cell-label" aria-hidden="true">${label}</span> ${content}</td>`;

/** The queue's filters, as a form that asks `action` again with them. */
export function filterForm(action: string, filter: QueueFilter): Html {
  return html`<form class="filters" method="get" action="${action}" aria-label="Filter the queue">
    ${select('stage', 'Stage', OPEN_STAGES, filter.stage)} ${select('reason', 'Reason', REASON_CODES, filter.reason)}
    ${select('risk', 'Attrition risk', ATTRITION_RISKS, filter.risk)} ${select('sla', 'SLA', SLA_STATES, filter.sla)}
    <label for="olderThanDays">Open for at least (days)</label>
    <input id="olderThanDays" name="olderThanDays" type="number" min="0" value="${filter.olderThanDays ?? ''}" />
    <button type="submit">Filter</button>
  </form>`;
}

export interface QueueView {
  actor: Actor;
  filter: QueueFilter;
  /** The query string the page was asked with, for its refresh. */
  query: string;
  lists: Awaited<ReturnType<typeof loadQueue>>;
  csrf: string;
  /** Why "next case" took nothing, when it did not. */
  notice?: string;
}

/** The queue's body: "next case", filters, then both lists, refreshed every 15 s without reloading. */
export function queueBody({ actor, filter, query, lists, csrf, notice }: QueueView): Html {
  const mayTake = reachOf(actor, 'assign') !== null;
  return html`${
    mayTake
      ? html`<form class="next" method="post" action="/console/next">
          <input type="hidden" name="_csrf" value="${csrf}" />
          <input type="hidden" name="requestId" value="${randomUUID()}" />
          <button type="submit">Take the next case</button>
        </form>`
      : null
  }
  ${notice ? html`<p class="warning" role="status">${notice}</p>` : null} ${filterForm('/console', filter)}
  ${liveSection(
    'queue',
    'Cases',
    `/console${query}`,
    html`${caseTable('My cases', lists.mine, 'No open case is assigned to you.')}
    ${caseTable(`Waiting in ${actor.departmentId}`, lists.waiting, 'Nobody is waiting: the queue is empty.')}`,
  )}`;
}
