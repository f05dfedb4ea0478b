/**
 * Intake in the console: find the customer (by id, name or a card's last four digits), pick the
 * disputed charge from their recent transactions (one already disputed says so and links to its
 * case), choose the reason, and open the case through the API's own `openCase`.
 */
import { z } from 'zod';
import type { Db } from '../../db/client';
import { html, type Html } from '../../web/html';
import { REASON_CODES } from '../../../workflows/domain/case';
import { formatMoney } from '../../../workflows/domain/money';
import type { FieldError } from '../problem';
import { select, tableHead } from './pages';

export const IntakeQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  customer: z.string().max(64).optional(),
});

/** Customers whose id, name or a card's last four digits match what was typed. */
export function findCustomers(db: Db, q: string) {
  return db.customer.findMany({
    where: { OR: [{ id: q }, { name: { contains: q } }, { cards: { some: { last4: q } } }] },
    select: { id: true, name: true, tier: true, cards: { select: { last4: true, product: true } } },
    orderBy: { id: 'asc' },
    take: 20,
  });
}

/** The customer's latest transactions, with the case that disputes each, if any. */
export async function recentCharges(db: Db, customerId: string) {
  const customer = await db.customer.findUnique({ where: { id: customerId }, select: { id: true, name: true } });
  if (!customer) return null;
  const charges = await db.cardTransaction.findMany({
    where: { card: { customerId }, amountCents: { gt: 0 } },
    orderBy: { postedAt: 'desc' },
    take: 40,
    include: { card: { select: { last4: true } }, cases: { select: { id: true }, take: 1 } },
  });
  return { customer, charges };
}

export interface IntakeView {
  q: string | undefined;
  found: Awaited<ReturnType<typeof findCustomers>> | null;
  chosen: Awaited<ReturnType<typeof recentCharges>>;
  csrf: string;
  requestId: string;
  errors: FieldError[];
  values: Record<string, unknown>;
}

const errorOf = (errors: FieldError[], field: string) => errors.find((e) => e.field === field)?.message;

export function intakeBody({ q, found, chosen, csrf, requestId, errors, values }: IntakeView): Html {
  const search = html`<form method="get" action="/console/intake" role="search">
    <label for="q">Customer id, name or a card's last four digits</label>
    <input id="q" name="q" value="${q ?? ''}" required />
    <button type="submit">Find</button>
  </form>`;
  const results =
    found === null
      ? null
      : found.length === 0
        ? html`<p role="status">No customer matches “${q}”.</p>`
        : html`<ul class="customers">
            ${found.map(
              (c) =>
                html`<li>
                  <a href="/console/intake?customer=${encodeURIComponent(c.id)}">${c.name}</a> · ${c.id} · ${c.tier} ·
                  cards ${c.cards.map((card) => `…${card.last4}`).join(', ')}
                </li>`,
            )}
          </ul>`;
  if (!chosen) return html`${search} ${results}`;
  const chargeError = errorOf(errors, 'transactionId');
  const reasonError = errorOf(errors, 'reasonCode');
  return html`${search}
    <h2>Open a dispute for ${chosen.customer.name} (${chosen.customer.id})</h2>
    <form method="post" action="/console/intake">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <input type="hidden" name="requestId" value="${requestId}" />
      <input type="hidden" name="customerId" value="${chosen.customer.id}" />
      <fieldset ${chargeError ? html`aria-describedby="transactionId-error"` : null}>
        <legend>The disputed charge</legend>
        ${chargeError ? html`<p class="error" id="transactionId-error">${chargeError}</p>` : null}
        <table>
          ${tableHead('Charge', 'Posted', 'Card', 'Amount')}
          <tbody>
            ${chosen.charges.map((t) => {
              const disputed = t.cases[0];
              return html`<tr>
                <td>
                  ${
                    disputed
                      ? html`${t.merchant} · already disputed in
                          <a href="/console/cases/${disputed.id}">${disputed.id}</a>`
                      : html`<input
                            type="radio"
                            id="txn-${t.id}"
                            name="transactionId"
                            value="${t.id}"
                            ${values.transactionId === t.id ? html`checked` : null}
                          />
                          <label class="inline" for="txn-${t.id}">${t.merchant}</label>`
                  }
                </td>
                <td>${t.postedAt.toISOString().slice(0, 10)}</td>
                <td>…${t.card.last4}</td>
                <td class="num">${formatMoney(t.amountCents, t.currency)}</td>
              </tr>`;
            })}
          </tbody>
        </table>
      </fieldset>
      ${select('reasonCode', 'Reason', REASON_CODES, typeof values.reasonCode === 'string' ? values.reasonCode : undefined, 'choose')}
      ${reasonError ? html`<p class="error" id="reasonCode-error">${reasonError}</p>` : null}
      <label for="description">What the customer says (optional)</label>
      <textarea id="description" name="description" rows="3">
${typeof values.description === 'string' ? values.description : ''}</textarea>
      <button type="submit">Open the dispute</button>
    </form>`;
}
