/**
 * The supervisor's view: approvals waiting for them, cases breached or about to be, each agent's
 * load, and bulk operations (select cases by hand or by the queue's filter; reassign, transfer or
 * escalate them all). A bulk operation's page shows each case's part as it goes.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import { html, type Html } from '../../web/html';
import { BULK_ACTIONS } from '../../../workflows/domain/bulk';
import { OPEN_STAGES, type Actor } from '../../../workflows/domain/case';
import { HOUR_MS } from '../../../workflows/domain/time';
import { reachOf } from '../access';
import type { FieldError } from '../problem';
import type { BulkOperationFile } from '../routes/bulk-operations';
import { facts, listTable, liveSection, select, words } from './pages';
import { loadCareQueue } from './care';
import { caseCells, caseRow, URGENCY, whereOf, type QueueFilter } from './queue';

/** A case is about to breach when its next deadline falls within this. */
const SOON_MS = 24 * HOUR_MS;
const LIMIT = 50;
/** The most cases the bulk form lists to tick; a filter selects beyond it. */
const SELECTABLE = 200;

export async function loadSupervision(db: Db, actor: Actor, filter: QueueFilter) {
  const department = reachOf(actor, 'readCases')?.department ?? null;
  const mine = department === null ? {} : { departmentId: department };
  const open = { in: [...OPEN_STAGES] };
  const [approvals, atRisk, load, staff, selectable, operations, care, departments] = await Promise.all([
    db.case.findMany({ where: { ...mine, stage: 'pending_approval' }, orderBy: URGENCY, take: LIMIT }),
    db.case.findMany({
      where: {
        ...mine,
        stage: open,
        OR: [{ slaBreached: true }, { nextDeadlineAt: { lte: new Date(Date.now() + SOON_MS) } }],
      },
      orderBy: URGENCY,
      take: LIMIT,
    }),
    db.case.groupBy({
      by: ['assigneeId'],
      where: { ...mine, stage: open },
      _count: { _all: true },
    }),
    db.staff.findMany({
      where: { ...mine, active: true, role: { in: ['agent', 'supervisor'] } },
      orderBy: { id: 'asc' },
      select: { id: true, role: true },
    }),
    db.case.findMany({ where: whereOf(actor, filter), orderBy: URGENCY, take: SELECTABLE }),
    db.bulkOperation.findMany({ where: { requestedBy: actor.id }, orderBy: { createdAt: 'desc' }, take: 10 }),
    // Offers above a care agent's authority wait in the care queue, for those who decide on them.
    reachOf(actor, 'approveOffer') ? loadCareQueue(db, actor) : null,
    db.department.findMany({ orderBy: { id: 'asc' }, select: { id: true } }),
  ]);
  const held = new Map(load.map((row) => [row.assigneeId, row._count._all]));
  return {
    approvals,
    offersWaiting: care ? (care.offers?.length ?? 0) : null,
    atRisk,
    workload: [
      ...staff.map((s) => ({ staffId: s.id, role: s.role, open: held.get(s.id) ?? 0 })),
      { staffId: null, role: null, open: held.get(null) ?? 0 },
    ],
    selectable,
    operations,
    departments: departments.map((d) => d.id),
  };
}

export type Supervision = Awaited<ReturnType<typeof loadSupervision>>;

/** A failed bulk form: its values back, its errors beside their fields. */
export interface BulkAttempt {
  values: Record<string, unknown>;
  errors: FieldError[];
}

const CASE_HEAD = ['Case', 'Stage', 'Reason', 'Amount', 'Risk', 'SLA', 'Next deadline', 'Opened'];

function fieldError(attempt: BulkAttempt | null, field: string): Html | null {
  const error = attempt?.errors.find((e) => e.field === field || e.field.startsWith(`${field}.`));
  return error ? html`<p class="error" id="bulk-${field}-error">${error.message}</p>` : null;
}

const invalid = (attempt: BulkAttempt | null, field: string) =>
  attempt?.errors.some((e) => e.field === field || e.field.startsWith(`${field}.`))
    ? html`aria-invalid="true" aria-describedby="bulk-${field}-error"`
    : null;

function bulkForm(s: Supervision, csrf: string, attempt: BulkAttempt | null, query: string): Html {
  const v = attempt?.values ?? {};
  const value = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const ticked = new Set(([] as unknown[]).concat(v.caseIds ?? []).map(String));
  const assignees = s.workload.flatMap((w) => (w.staffId ? [w.staffId] : []));
  return html`<form method="post" action="/console/bulk-operations" class="bulk">
    <input type="hidden" name="_csrf" value="${csrf}" />
    <input type="hidden" name="requestId" value="${value('requestId') ?? randomUUID()}" />
    <fieldset ${invalid(attempt, 'caseIds')}>
      <legend>Cases (the queue's filter above narrows the list)</legend>
      ${fieldError(attempt, 'caseIds')}
      <button type="button" data-select-all="caseIds">Select every case listed</button>
      ${listTable(
        'Open cases',
        'No open case matches the filter.',
        ['Select', ...CASE_HEAD],
        s.selectable.map(
          (row) =>
            html`<tr>
              <td>
                <input
                  type="checkbox"
                  name="caseIds"
                  value="${row.id}"
                  id="pick-${row.id}"
                  aria-label="Select ${row.id}"
                  ${ticked.has(row.id) ? html`checked` : null}
                />
              </td>
              ${caseCells(row)}
            </tr>`,
        ),
      )}
    </fieldset>
    <fieldset>
      <legend>What to do to them</legend>
      ${select('action', 'Action', BULK_ACTIONS, value('action'), 'choose')} ${fieldError(attempt, 'action')}
      ${select('assigneeId', 'Assign to (for assign)', assignees, value('assigneeId'), 'nobody')}
      ${fieldError(attempt, 'body.assigneeId')}
      ${select('departmentId', 'Department (for transfer)', s.departments, value('departmentId'), 'none')}
      ${fieldError(attempt, 'body.departmentId')}
      <label for="reason">Reason (for transfer and escalate)</label>
      <textarea id="reason" name="reason" rows="2" ${invalid(attempt, 'body.reason')}>
${value('reason') ?? ''}</textarea>
      ${fieldError(attempt, 'body.reason')}
    </fieldset>
    <input type="hidden" name="query" value="${query}" />
    <button type="submit">Run on the selected cases</button>
  </form>`;
}

export function supervisionBody(
  s: Supervision,
  { csrf, attempt, query, filterForm }: { csrf: string; attempt: BulkAttempt | null; query: string; filterForm: Html },
): Html {
  return html`${liveSection(
      'oversight',
      'Oversight',
      `/console/supervision${query}`,
      html`${
        s.offersWaiting === null
          ? null
          : html`<p role="status">
              <a href="/console/care"
                >${s.offersWaiting} offer${s.offersWaiting === 1 ? '' : 's'} above a care agent’s authority</a
              >
              wait for your approval.
            </p>`
      }
      ${listTable('Waiting for your approval', 'No resolution waits for approval.', CASE_HEAD, s.approvals.map(caseRow))}
      ${listTable('Breached or due within a day', 'No case is breached or due within a day.', CASE_HEAD, s.atRisk.map(caseRow))}
      ${listTable(
        'Workload',
        'Nobody works here.',
        ['Staff', 'Role', 'Open cases'],
        s.workload.map(
          (w) =>
            html`<tr>
              <th scope="row">${w.staffId ?? 'Not assigned'}</th>
              <td>${w.role ? words(w.role) : '—'}</td>
              <td class="num">${w.open}</td>
            </tr>`,
        ),
      )}`,
    )}
    <section aria-labelledby="bulk-h">
      <h2 id="bulk-h">Bulk operation</h2>
      ${filterForm} ${bulkForm(s, csrf, attempt, query)}
      ${listTable(
        'Your recent bulk operations',
        'You have run none.',
        ['Operation', 'Action', 'Status', 'Started'],
        s.operations.map(
          (op) =>
            html`<tr>
              <th scope="row"><a href="/console/bulk-operations/${op.id}">${op.id}</a></th>
              <td>${op.action}</td>
              <td>${op.status}</td>
              <td>${op.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</td>
            </tr>`,
        ),
      )}
    </section>`;
}

/** A bulk operation's page: who ran it, its progress, every case's part; live while it runs. */
export function bulkOperationBody(
  op: BulkOperationFile,
  { csrf, mayCancel }: { csrf: string; mayCancel: boolean },
): Html {
  const body = JSON.parse(op.body) as Record<string, string>;
  const { done, refused, pending, cancelled } = op.counts;
  const content = html`${facts([
      [
        'Action',
        `${op.action}${body.assigneeId ? ` to ${body.assigneeId}` : ''}${body.departmentId ? ` to ${body.departmentId}` : ''}`,
      ],
      ['Reason', body.reason ?? null],
      ['Run by', op.requestedBy],
      ['Started', op.createdAt.toISOString().slice(0, 16).replace('T', ' ')],
      ['Status', `${op.status}${op.cancelledBy ? ` (cancelled by ${op.cancelledBy})` : ''}`],
      [
        'Progress',
        `${done} done, ${refused} refused, ${pending} pending, ${cancelled} cancelled, of ${op.items.length}`,
      ],
    ])}
    <progress max="${op.items.length}" value="${op.items.length - pending}" aria-label="Cases done">
      ${op.items.length - pending} of ${op.items.length}
    </progress>
    ${listTable(
      'Cases',
      'No case.',
      ['Case', 'Outcome', 'Why'],
      op.items.map(
        (item) =>
          html`<tr>
            <th scope="row"><a href="/console/cases/${item.caseId}">${item.caseId}</a></th>
            <td><span class="tag item-${item.status}">${item.status}</span></td>
            <td>${item.detail ?? ''}</td>
          </tr>`,
      ),
    )}`;
  return html`${
    mayCancel && op.status === 'running'
      ? html`<form method="post" action="/console/bulk-operations/${op.id}/cancel">
          <input type="hidden" name="_csrf" value="${csrf}" />
          <button type="submit">Cancel the operation</button>
        </form>`
      : null
  }
  ${op.status === 'running' ? liveSection('progress', 'Progress', `/console/bulk-operations/${op.id}`, content, 2) : content}`;
}
