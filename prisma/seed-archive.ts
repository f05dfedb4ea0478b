/**
 * The demo bank's archive: disputes of the last months that were worked, resolved and watched
 * before this product's workflows ran, with their customers' card usage around them, the card
 * events the processor reported, the contacts and SLA breaches in their timelines, and the
 * retention outcome the watch recorded. It is what `care:backtest` and `care:calibrate` read, so
 * a bank can try a rules change on its own history. Usage and outcomes come from the cohort
 * generator's default mix (`src/tools/care/cohort.ts`), laid on the calendar so day 0 is 270 days ago.
 */
import { faker } from '@faker-js/faker';
import { generateCohort, type CohortCustomer } from '../src/tools/care/cohort';
import { DAY_MS, HOUR_MS } from '../workflows/domain/time';
import { retentionOutcome } from '../workflows/domain/usage-facts';
import type { TxnRow } from './seed';

/** How long the watch observes after the resolution before it records an outcome. */
const OBSERVE_DAYS = 60;
/** The calendar day of the cohort's day 0, in days before `now`. */
const HORIZON_DAYS = 270;

const MERCHANTS = [
  { merchant: 'FRESHMART GROCERY', mcc: '5411', channel: 'pos' },
  { merchant: 'CORNER COFFEE CO', mcc: '5814', channel: 'pos' },
  { merchant: 'AMAZON MKTPLACE', mcc: '5942', channel: 'online' },
  { merchant: 'CITY TRANSIT', mcc: '4111', channel: 'pos' },
  { merchant: 'BISTRO 21', mcc: '5812', channel: 'pos' },
] as const;

export interface ArchivedCustomer {
  customerId: string;
  cardId: string;
}

export function archiveRows(customers: ArchivedCustomer[], now: Date) {
  faker.seed(20261203);
  const day0 = Math.floor(now.getTime() / DAY_MS) * DAY_MS - HORIZON_DAYS * DAY_MS;
  const at = (day: number, hour = 12) => new Date(day0 + day * DAY_MS + hour * HOUR_MS);
  const today = HORIZON_DAYS - 1;
  const cohort = generateCohort(20261203, customers.length).customers;

  const transactions: TxnRow[] = [];
  const cardEvents: {
    id: string;
    cardId: string;
    type: 'card_reissued' | 'card_closed' | 'travel_notice';
    at: Date;
    until: Date | null;
  }[] = [];
  const cases: Record<string, unknown>[] = [];
  const caseEvents: { caseId: string; eventKey: string; type: string; actor: string; at: Date; data: string }[] = [];

  customers.forEach(({ customerId, cardId }, i) => {
    const c: CohortCustomer = cohort[i];
    for (const { day, count, spend, abroad = 0 } of c.days) {
      for (let n = 0; n < count; n++) {
        const m = faker.helpers.arrayElement(MERCHANTS);
        transactions.push({
          id: `txn-${cardId}-arc-${day}-${n}`,
          cardId,
          postedAt: at(day, 8 + ((n * 3) % 14)),
          amountCents: Math.max(100, Math.round((spend * 100) / count)),
          ...m,
          ...(n < abroad ? { country: 'PT' } : {}),
        });
      }
    }
    c.events.forEach((e, k) =>
      cardEvents.push({
        id: `evt-${cardId}-arc-${k}`,
        cardId,
        type: e.type,
        at: at(e.day, 9),
        until: e.untilDay === undefined ? null : at(e.untilDay, 23),
      }),
    );

    const caseId = `DSP-ARC${String(i + 1).padStart(9, '0')}`;
    const disputed = `txn-${cardId}-arc-disputed`;
    transactions.push({
      id: disputed,
      cardId,
      postedAt: at(c.disputeOpenDay - 3, 15),
      amountCents: faker.number.int({ min: 900, max: 25_000 }),
      merchant: 'ONLINE MERCHANT 888-555-0100',
      mcc: '5999',
      channel: 'online',
    });
    const resolveDay = c.disputeResolveDay !== null && c.disputeResolveDay <= today ? c.disputeResolveDay : null;
    const decideDay = resolveDay !== null && resolveDay + OBSERVE_DAYS <= today ? resolveDay + OBSERVE_DAYS : null;
    const left = c.leftDay !== undefined && decideDay !== null && c.leftDay <= decideDay;
    const outcome =
      decideDay === null
        ? null
        : left
          ? 'lost'
          : retentionOutcome(
              { firstDay: 0, counts: c.days.slice(0, decideDay + 1).map((d) => d.count) },
              { disputeOpenDay: c.disputeOpenDay, disputeResolveDay: resolveDay, events: c.events },
              decideDay,
            );
    cases.push({
      id: caseId,
      workflowId: `dispute-${caseId}`,
      customerId,
      cardId,
      transactionId: disputed,
      amountCents: faker.number.int({ min: 900, max: 25_000 }),
      reasonCode: faker.helpers.arrayElement(['unrecognized', 'not_received', 'not_as_described', 'duplicate_charge']),
      stage: resolveDay === null ? 'investigation' : 'closed',
      departmentId: 'merchant-disputes',
      slaBreached: c.slaBreaches !== undefined && c.slaBreaches.length > 0,
      outcome: resolveDay === null ? null : 'customer_favour',
      openedBy: 'intake-agent-1',
      openedAt: at(c.disputeOpenDay, 10),
      resolvedAt: resolveDay === null ? null : at(resolveDay, 16),
      closedAt: resolveDay === null ? null : at(Math.min(resolveDay + OBSERVE_DAYS, today), 16),
      retentionOutcome: outcome,
      retentionDecidedAt: decideDay === null ? null : at(decideDay, 6),
      careVerdict: outcome,
    });
    const event = (type: string, day: number, actor: string, data: object = {}) =>
      caseEvents.push({
        caseId,
        eventKey: `${type}-${caseEvents.length}`,
        type,
        actor,
        at: at(day, 11),
        data: JSON.stringify(data),
      });
    event('opened', c.disputeOpenDay, 'intake-agent-1', { archived: true });
    for (const { day } of c.slaBreaches ?? []) if (day <= today) event('sla_breached', day, 'system:clock');
    for (const { day } of c.contacts ?? [])
      if (day <= today) event('customer_contacted', day, 'intake-agent-2', { channel: 'phone' });
    if (resolveDay !== null) event('resolved', resolveDay, 'merchant-disputes-agent-1', { outcome: 'customer_favour' });
  });
  return { transactions, cardEvents, cases, caseEvents };
}
