/**
 * The case file: the case as `GET /cases/:id` reads it (the same reach check), with its customer,
 * the disputed transaction, every clock, the timeline, the notifications the customer was sent,
 * the attrition risk and the rules behind it, and the care outreach.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import { html, type Html } from '../../web/html';
import type { Actor } from '../../../workflows/domain/case';
import type { ClockView } from '../../../workflows/domain/clocks';
import type { Outreach } from '../../../workflows/domain/care';
import type { Chargeback } from '../../../workflows/domain/chargeback';
import { formatMoney } from '../../../workflows/domain/money';
import { reachOf } from '../access';
import { caseDetail } from '../routes/cases';
import { customerAnswersOf } from '../routes/customer-answers';
import { DOCUMENT_TYPES, sizeText } from '../../self-service/documents';
import { deadline, facts, tableHead, words } from './pages';

type Detail = Awaited<ReturnType<typeof caseDetail>>;

export async function loadCaseFile(db: Db, temporal: Client, id: string, actor: Actor) {
  const detail = await caseDetail(db, temporal, id, actor);
  const [customer, transaction, notifications] = await Promise.all([
    db.customer.findUnique({
      where: { id: detail.customerId },
      select: { id: true, tier: true, preferredChannel: true, lifetimeValueCents: true },
    }),
    db.cardTransaction.findUnique({ where: { id: detail.transactionId } }),
    db.notification.findMany({ where: { caseId: detail.id }, orderBy: { createdAt: 'asc' } }),
  ]);
  const otherOpen = await db.case.count({
    where: { customerId: detail.customerId, id: { not: detail.id }, closedAt: null },
  });
  // What she sent from her case page, for the roles the access table lets read it.
  const answers =
    reachOf(actor, 'readCustomerDocuments') === null
      ? null
      : await customerAnswersOf(db, detail.id, (documentId) => `/console/cases/${detail.id}/documents/${documentId}`);
  return { detail, customer, transaction, notifications, otherOpen, answers };
}

type CaseFile = Awaited<ReturnType<typeof loadCaseFile>>;

/** An amount the API shows in currency units (12.5), as people read it (12.50 USD). */
const units = (amount: number, currency: string) => formatMoney(Math.round(amount * 100), currency);
const day = (at: Date | string | null | undefined) =>
  at ? new Date(at).toISOString().slice(0, 16).replace('T', ' ') : '';

function clocks(list: ClockView[]): Html {
  if (list.length === 0) return html`<p>No clock runs on this case.</p>`;
  return html`<table>
    <caption>
      Clocks
    </caption>
    ${tableHead('Clock', 'State', 'Deadline')}
    <tbody>
      ${list.map(
        (clock) =>
          html`<tr>
            <th scope="row">${clock.label}</th>
            <td>${clock.breachedAt ? html`<span class="tag breached">breached</span>` : words(clock.status)}</td>
            <td>${deadline(clock.deadline)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The card network's codes a chargeback may be filed under, with the time left and what each needs. */
function network(view: Detail['network']): Html {
  const rules = html`<p>
    ${view.network === 'visa' ? 'Visa' : 'Mastercard'} dispute rules, version ${view.rulesVersion}
    ${view.captured ? '(as the case opened)' : '(the newest: the case could not say which it opened with)'}, effective
    ${view.effective}. Check them against the network's rules in force.
  </p>`;
  if (view.codes.length === 0)
    return html`${rules}
      <p>No code of these rules fits this dispute's reason.</p>`;
  return html`${rules}
    <table>
      <caption>
        Codes a chargeback may be filed under
      </caption>
      ${tableHead('Code', 'File by', 'Days left', 'The cardholder must first', 'Evidence')}
      <tbody>
        ${view.codes.map(
          (c) =>
            html`<tr>
              <th scope="row">${c.code} ${c.title}</th>
              <td>${deadline(c.filingDeadline)}</td>
              <td>${c.daysLeft < 0 ? html`<span class="tag breached">passed</span>` : String(c.daysLeft)}</td>
              <td>${c.cardholderMustFirst.map(words).join(', ') || 'nothing'}</td>
              <td>
                <ul class="checklist">
                  ${c.checklist.map(
                    (e) =>
                      html`<li>
                        ${e.ticked ? html`<span aria-label="held">✓</span>` : html`<span aria-label="missing">○</span>`}
                        ${words(e.item)}${e.source === 'documents' ? ' (her documents)' : e.source === 'filed' ? ' (filed)' : ''}
                      </li>`,
                  )}
                </ul>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

/** The case's chargebacks at the network: where each stands and whose move it is, by when. */
function chargebacks(list: Chargeback[], currency: string): Html {
  if (list.length === 0) return html`<p>No chargeback was filed.</p>`;
  return html`<table>
    <caption>
      Chargebacks
    </caption>
    ${tableHead('Chargeback', 'Code', 'Amount', 'Status', 'Next move', 'Network case')}
    <tbody>
      ${list.map(
        (cb) =>
          html`<tr>
            <th scope="row">${cb.id}</th>
            <td>${cb.code}</td>
            <td>${formatMoney(cb.amountCents, currency)}</td>
            <td>
              ${words(cb.status)}${cb.contestedCents !== null ? `, ${formatMoney(cb.contestedCents, currency)} contested` : ''}${cb.refusal ? `: ${cb.refusal}` : ''}
            </td>
            <td>
              ${
                cb.window
                  ? html`${cb.window.party === 'issuer' ? 'ours' : 'the acquirer’s'}, by ${deadline(cb.window.endsAt)}`
                  : cb.pending
                    ? `filing ${words(cb.pending)}`
                    : '—'
              }
            </td>
            <td>${cb.networkCaseId ?? '—'}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function outreach(list: Outreach[], links: boolean): Html {
  if (list.length === 0) return html`<p>No care outreach was opened.</p>`;
  return html`<ul>
    ${list.map(
      (o) =>
        html`<li>
          ${links ? html`<a href="/console/outreach/${o.id}">${o.id}</a>` : o.id}: ${o.status}, due
          ${day(o.dueAt)}${o.assigneeId ? `, with ${o.assigneeId}` : ''}. Recommended:
          ${o.recommendation.actions.map(words).join(', ')}${
            o.outcome
              ? `. Outcome: ${o.outcome.reached ? 'reached' : 'not reached'}${o.outcome.offer ? `, offer ${o.outcome.offer.response}` : ''}`
              : ''
          }.
        </li>`,
    )}
  </ul>`;
}

/** Why the watch says what it says: the rules that fired at its last change, and its facts. */
function risk(detail: Detail): Html {
  const change = [...detail.timeline].reverse().find((event) => event.type === 'attrition_risk_changed');
  const rules = (change?.data.rules as string[] | undefined) ?? [];
  return html`<p><span class="tag risk-${detail.attritionRisk}">${detail.attritionRisk}</span></p>
    ${
      rules.length
        ? html`<p>Rules that fired:</p>
            <ul>
              ${rules.map((rule) => html`<li>${rule}</li>`)}
            </ul>`
        : html`<p>No rule has fired.</p>`
    }`;
}

/** Her answers from her case page, each document with its type, size, hash and a download. */
function customerAnswers(answers: NonNullable<CaseFile['answers']>): Html {
  if (answers.length === 0) return html`<p>Nothing from her case page yet.</p>`;
  return html`<ol class="messages">
    ${answers.map(
      (a) =>
        html`<li>
          <p>${day(a.at)}: her answer</p>
          ${a.text ? html`<pre class="message">${a.text}</pre>` : null}
          ${
            a.documents.length
              ? html`<table>
                  <caption>
                    Documents
                  </caption>
                  ${tableHead('Document', 'Type', 'Size', 'SHA-256')}
                  <tbody>
                    ${a.documents.map(
                      (d) =>
                        html`<tr>
                          <th scope="row"><a href="${d.href}" download>${d.fileName}</a></th>
                          <td>${DOCUMENT_TYPES[d.mediaType] ?? d.mediaType}</td>
                          <td>${sizeText(d.sizeBytes)}</td>
                          <td><code>${d.sha256}</code></td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
              : null
          }
        </li>`,
    )}
  </ol>`;
}

export function caseFileBody(
  { detail, customer, transaction, notifications, otherOpen, answers }: CaseFile,
  actions: Html,
  { outreachLinks, workflowUrl }: { outreachLinks: boolean; workflowUrl: string | null },
): Html {
  const view = detail.workflow as { clocks?: ClockView[]; outreach?: Outreach[]; chargebacks?: Chargeback[] };
  return html`${
      detail.stale
        ? html`<p class="warning" role="status">
            The case could not be asked just now: this is the last record of it.
          </p>`
        : null
    }
    <div class="columns">
      <section aria-labelledby="case-h">
        <h2 id="case-h">Case</h2>
        ${facts([
          ['Stage', words(detail.stage)],
          ['Department', detail.departmentId],
          ['Assignee', detail.assigneeId ?? 'nobody yet'],
          ['Reason', words(detail.reasonCode)],
          ['Amount', units(detail.amount, detail.currency)],
          [
            'Provisional credit',
            detail.provisionalCredit === null ? 'none' : units(detail.provisionalCredit, detail.currency),
          ],
          ['SLA', detail.slaBreached ? html`<span class="tag breached">breached</span>` : 'on time'],
          ['Opened', day(detail.openedAt)],
          [
            'Workflow',
            workflowUrl
              ? html`<a href="${workflowUrl}">${detail.workflowId} in the Temporal UI</a>`
              : detail.workflowId,
          ],
        ])}
      </section>
      <section aria-labelledby="customer-h">
        <h2 id="customer-h">Customer</h2>
        ${facts([
          ['Customer', customer?.id ?? detail.customerId],
          ['Tier', customer?.tier ?? null],
          ['Lifetime value', customer ? formatMoney(customer.lifetimeValueCents, detail.currency) : null],
          ['Prefers', customer?.preferredChannel ?? null],
          ['Other open disputes', otherOpen],
        ])}
        <h3>Disputed transaction</h3>
        ${facts([
          ['Merchant', transaction?.merchant ?? null],
          ['Posted', day(transaction?.postedAt)],
          ['Amount', transaction ? formatMoney(transaction.amountCents, transaction.currency) : null],
        ])}
      </section>
    </div>
    <section aria-labelledby="actions-h">
      <h2 id="actions-h">Actions</h2>
      ${actions}
    </section>
    <section aria-labelledby="clocks-h">
      <h2 id="clocks-h">Deadlines</h2>
      ${clocks(view.clocks ?? [])}
    </section>
    <section aria-labelledby="network-h">
      <h2 id="network-h">Card network</h2>
      ${network(detail.network)} ${chargebacks(view.chargebacks ?? [], detail.currency)}
    </section>
    <section aria-labelledby="risk-h">
      <h2 id="risk-h">Attrition risk</h2>
      ${risk(detail)}
      <h3>Care outreach</h3>
      ${outreach(view.outreach ?? [], outreachLinks)}
    </section>
    <section aria-labelledby="sent-h">
      <h2 id="sent-h">What the customer was sent</h2>
      ${
        notifications.length
          ? html`<ul class="messages">
              ${notifications.map(
                (n) =>
                  html`<li>
                    <details>
                      <summary>
                        ${day(n.sentAt ?? n.createdAt)}: ${words(n.template)} by ${n.channel} (${n.status})
                      </summary>
                      ${
                        n.body === null
                          ? html`<p>Sent before messages were kept as sent.</p>`
                          : html`${n.channel === 'sms' ? null : html`<p><strong>${n.subject}</strong></p>`}
                              <pre class="message">${n.body}</pre>`
                      }
                    </details>
                  </li>`,
              )}
            </ul>`
          : html`<p>Nothing yet.</p>`
      }
    </section>
    ${
      answers
        ? html`<section aria-labelledby="received-h">
            <h2 id="received-h">What the customer sent</h2>
            ${customerAnswers(answers)}
          </section>`
        : null
    }
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      <ol class="timeline">
        ${detail.timeline.map(
          (event) =>
            html`<li><time datetime="${event.at}">${day(event.at)}</time> ${words(event.type)} · ${event.actor}</li>`,
        )}
      </ol>
    </section>`;
}
