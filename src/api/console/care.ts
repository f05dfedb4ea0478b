/**
 * The care queue: outreach to customers at risk of leaving, soonest due first. Mine, those nobody
 * has claimed, and, for whoever decides on them, offers above a care agent's authority waiting for
 * a word. The outreach page holds the brief a care agent reads before calling, the recommendation,
 * what they may offer on their own, and exactly the outreach actions they may take now.
 */
import type { Db } from '../../db/client';
import type { OutreachTask } from '../../db/generated/sqlite/client';
import { html, type Html } from '../../web/html';
import { describeRecommendation, type OutreachBrief } from '../../care/outreach-brief';
import {
  LIVE_OUTREACH_STATUSES,
  type OfferRequest,
  type OutreachOutcome,
  type OutreachRecommendation,
} from '../../../workflows/domain/care';
import type { Actor } from '../../../workflows/domain/case';
import { formatMoney } from '../../../workflows/domain/money';
import { reachOf } from '../access';
import { Problem } from '../problem';
import { deadline, facts, listTable, liveSection, words } from './pages';

/** An outreach row with its JSON read. */
export interface OutreachFile {
  row: OutreachTask;
  brief: Partial<OutreachBrief>;
  recommendation: OutreachRecommendation;
  offerRequest: OfferRequest | null;
  outcome: OutreachOutcome | null;
}

const read = (row: OutreachTask): OutreachFile => ({
  row,
  brief: JSON.parse(row.brief) as Partial<OutreachBrief>,
  recommendation: JSON.parse(row.recommendation) as OutreachRecommendation,
  offerRequest: row.offerRequest ? (JSON.parse(row.offerRequest) as OfferRequest) : null,
  outcome: row.outcome ? (JSON.parse(row.outcome) as OutreachOutcome) : null,
});

/** Live outreach is few (one per customer at risk): the whole of it is read and sorted here. */
const LIVE_LIMIT = 500;

export async function loadCareQueue(db: Db, actor: Actor) {
  const rows = await db.outreachTask.findMany({
    where: { status: { in: [...LIVE_OUTREACH_STATUSES] } },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
    take: LIVE_LIMIT,
  });
  const live = rows.map(read);
  const decides = reachOf(actor, 'approveOffer') !== null;
  return {
    mine: live.filter((o) => o.row.assigneeId === actor.id),
    unclaimed: live.filter((o) => o.row.assigneeId === null),
    offers: decides ? live.filter((o) => o.offerRequest?.status === 'pending') : null,
    // Whoever decides on offers oversees the team's calls too.
    colleagues: decides ? live.filter((o) => o.row.assigneeId !== null && o.row.assigneeId !== actor.id) : null,
  };
}

export async function loadOutreach(db: Db, id: string): Promise<OutreachFile> {
  const row = await db.outreachTask.findUnique({ where: { id } });
  if (!row) throw Problem.notFound(`No outreach ${id}.`);
  return read(row);
}

const money = (cents: number) => formatMoney(cents, 'USD');

function outreachTable(caption: string, list: OutreachFile[], empty: string, offers = false): Html {
  const head = offers
    ? ['Outreach', 'Customer', 'Offer', 'Asked by', 'Why']
    : ['Outreach', 'Customer', 'Tier', 'Case', 'Status', 'Call by'];
  return listTable(
    caption,
    empty,
    head,
    list.map(
      ({ row, brief, offerRequest }) =>
        html`<tr>
          <th scope="row"><a href="/console/outreach/${row.id}">${row.id}</a></th>
          <td>${brief.profile?.name ?? row.customerId}</td>
          ${
            offers && offerRequest
              ? html`<td>${words(offerRequest.kind)} worth ${money(offerRequest.valueCents)}</td>
                  <td>${offerRequest.requestedBy}</td>
                  <td>${offerRequest.reason}</td>`
              : html`<td>${brief.profile?.tier ?? '—'}</td>
                  <td><a href="/console/cases/${row.caseId}">${row.caseId}</a></td>
                  <td>${row.status}${row.assigneeId ? ` by ${row.assigneeId}` : ''}</td>
                  <td>${deadline(row.dueAt?.toISOString() ?? null)}</td>`
          }
        </tr>`,
    ),
  );
}

/** The care queue's body, refreshed every 15 s without reloading. */
export function careQueueBody(lists: Awaited<ReturnType<typeof loadCareQueue>>): Html {
  return liveSection(
    'care',
    'Outreach',
    '/console/care',
    html`${
      lists.offers
        ? outreachTable('Offers waiting for your approval', lists.offers, 'No offer is waiting for approval.', true)
        : null
    }
    ${outreachTable('My outreach', lists.mine, 'You hold no outreach.')}
    ${outreachTable('Waiting to be claimed', lists.unclaimed, 'No customer at risk is waiting for a call.')}
    ${
      lists.colleagues ? outreachTable('Held by colleagues', lists.colleagues, 'No colleague holds an outreach.') : null
    }`,
  );
}

function brief({ brief: b, row }: OutreachFile): Html {
  const p = b.profile;
  const d = b.dispute;
  const u = b.usage;
  return html`<div class="columns">
      <section aria-labelledby="customer-h">
        <h2 id="customer-h">Customer</h2>
        ${facts([
          ['Name', p?.name ?? row.customerId],
          ['Phone', p?.phone ?? null],
          ['Email', p?.email ?? null],
          ['Prefers', p?.preferredChannel ?? null],
          ['Tier', p?.tier ?? null],
          ['Lifetime value', p ? money(p.lifetimeValueCents) : null],
          ['Customer since', p?.customerSince.slice(0, 10) ?? null],
          ['Cards', p ? p.cards.map((c) => `${c.product} ·${c.last4}`).join(', ') : null],
        ])}
      </section>
      <section aria-labelledby="dispute-h">
        <h2 id="dispute-h">Their dispute</h2>
        ${facts([
          ['Case', html`<a href="/console/cases/${row.caseId}">${row.caseId}</a>`],
          ['Stage', d ? words(d.stage) : null],
          ['Department', d?.departmentId ?? null],
          ['Amount', d ? formatMoney(d.amountCents, d.currency) : null],
          ['Reason', d ? words(d.reasonCode) : null],
          ['Open for', d ? `${d.daysOpen} days` : null],
          ['They chased us', d ? `${d.customerContacts} times` : null],
        ])}
        ${
          d?.delays.length
            ? html`<p>Where we kept them waiting:</p>
                <ul>
                  ${d.delays.map(
                    (delay) =>
                      html`<li>
                        ${delay.label}:
                        ${words(delay.status)}${delay.breachedAt ? ` since ${delay.breachedAt.slice(0, 10)}` : ''}
                      </li>`,
                  )}
                </ul>`
            : null
        }
      </section>
    </div>
    <section aria-labelledby="usage-h">
      <h2 id="usage-h">Why they may leave</h2>
      <p>
        ${
          u
            ? `${u.recentCount} card transactions in the last 14 days against ${u.recentExpected} expected ` +
              `(usually ${u.baselinePerWeek} a week); none for ${u.daysSinceLastTransaction} days; ${words(u.shape)}.`
            : 'No usage baseline for this customer.'
        }
      </p>
      ${
        b.rules?.length
          ? html`<ul>
              ${b.rules.map((rule) => html`<li><span class="tag risk-${rule.level}">${rule.level}</span> ${rule.name}</li>`)}
            </ul>`
          : null
      }
    </section>`;
}

/** The outreach page: the brief, what to do, what the person may offer, and the actions. */
export function outreachBody(file: OutreachFile, actor: Actor, actions: Html): Html {
  const { row, recommendation, offerRequest, outcome } = file;
  const currency = file.brief.dispute?.currency ?? 'USD';
  return html`${facts([
      ['Status', `${row.status}${row.assigneeId ? ` by ${row.assigneeId}` : ''}`],
      ['Call by', deadline(row.dueAt?.toISOString() ?? null)],
      ['Risk', html`<span class="tag risk-${row.riskLevel}">${row.riskLevel}</span>`],
    ])}
    <section aria-labelledby="todo-h">
      <h2 id="todo-h">What to do</h2>
      <ul>
        ${describeRecommendation(recommendation, currency).map((line) => html`<li>${line}</li>`)}
      </ul>
      <p>
        You may offer up to ${formatMoney(actor.authorityLimitCents, currency)} on your own; a larger offer needs a care
        supervisor's approval.
      </p>
      ${
        offerRequest
          ? html`<p role="status">
              ${offerRequest.requestedBy} asked to offer ${words(offerRequest.kind)} worth
              ${formatMoney(offerRequest.valueCents, currency)}:
              ${
                offerRequest.status === 'pending'
                  ? 'waiting for a care supervisor'
                  : `${offerRequest.status} by ${offerRequest.decidedBy}`
              }.
            </p>`
          : null
      }
      ${
        outcome
          ? html`<p role="status">
              The call:
              ${outcome.reached ? 'reached' : 'not reached'}${
                outcome.offer
                  ? `; ${words(outcome.offer.kind)} worth ${formatMoney(outcome.offer.valueCents, currency)} ${outcome.offer.response}`
                  : ''
              }${outcome.note ? `. ${outcome.note}` : ''}
            </p>`
          : null
      }
    </section>
    <section aria-labelledby="actions-h">
      <h2 id="actions-h">Actions</h2>
      ${actions}
    </section>
    ${brief(file)}`;
}
