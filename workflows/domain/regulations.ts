/**
 * US regulatory clocks for card disputes. They run beside the internal SLAs and no staff action
 * pauses them; each fires its action by itself before the deadline passes.
 *
 * - Reg E (debit cards, 12 CFR 1005.11): provisional credit within 10 business days unless the
 *   error is resolved; resolution within 45 calendar days, 90 for point-of-sale, foreign-initiated
 *   or new-account (first 30 days) transactions.
 * - Reg Z (credit cards, 12 CFR 1026.13): written acknowledgement within 30 days; resolution
 *   within two complete billing cycles and never more than 90 days.
 */
import { DAY_MS, HOUR_MS } from './time';
import type { NewClock } from './clocks';

/** What the card and transaction say about which rules apply; loaded by an activity at intake. */
export interface RegulationFacts {
  cardType: 'credit' | 'debit';
  pointOfSale: boolean;
  foreign: boolean;
  newAccount: boolean;
  /** Day of the month the statement closes (1-28). */
  statementDay: number;
}

export const REG_E_PROVISIONAL_CREDIT = 'reg-e:provisional-credit';
export const REG_E_RESOLUTION = 'reg-e:resolution';
export const REG_Z_ACKNOWLEDGEMENT = 'reg-z:acknowledgement';
export const REG_Z_RESOLUTION = 'reg-z:resolution';
/**
 * Reg E 12 CFR 1005.11(d)(2): before provisional credit is taken back the consumer is told the
 * amount and the date, and her payments are honoured for five business days after the notice.
 */
export const REG_E_REVERSAL_NOTICE_BUSINESS_DAYS = 5;
/** The clocks that say by when the case must be resolved. */
export const RESOLUTION_CLOCKS: readonly string[] = [REG_E_RESOLUTION, REG_Z_RESOLUTION];

export function regulatoryClockSpecs(facts: RegulationFacts, openedAt: number, leadHours: number): NewClock[] {
  const actBeforeMs = leadHours * HOUR_MS;
  if (facts.cardType === 'debit') {
    const extended = facts.pointOfSale || facts.foreign || facts.newAccount;
    return [
      {
        id: REG_E_PROVISIONAL_CREDIT,
        kind: 'regulatory',
        label: 'Reg E provisional credit (10 business days)',
        basis: 'business',
        budgetMs: 10 * DAY_MS,
        action: 'grant_provisional_credit',
        actBeforeMs,
      },
      {
        id: REG_E_RESOLUTION,
        kind: 'regulatory',
        label: `Reg E resolution (${extended ? 90 : 45} days)`,
        basis: 'calendar',
        budgetMs: (extended ? 90 : 45) * DAY_MS,
        action: 'escalate',
        actBeforeMs: 5 * DAY_MS,
      },
    ];
  }
  const resolveBy = Math.min(endOfSecondBillingCycle(openedAt, facts.statementDay), openedAt + 90 * DAY_MS);
  return [
    {
      id: REG_Z_ACKNOWLEDGEMENT,
      kind: 'regulatory',
      label: 'Reg Z acknowledgement (30 days)',
      basis: 'calendar',
      budgetMs: 30 * DAY_MS,
      action: 'acknowledge',
      actBeforeMs,
    },
    {
      id: REG_Z_RESOLUTION,
      kind: 'regulatory',
      label: 'Reg Z resolution (two billing cycles, at most 90 days)',
      basis: 'calendar',
      budgetMs: resolveBy - openedAt,
      action: 'escalate',
      actBeforeMs: 5 * DAY_MS,
    },
  ];
}

/**
 * The close of the second complete billing cycle after `t`: the third statement date after it
 * (the first one closes the cycle in progress). Statements close at the start of the day (UTC).
 */
export function endOfSecondBillingCycle(t: number, statementDay: number): number {
  const date = new Date(t);
  let year = date.getUTCFullYear();
  let month = date.getUTCMonth();
  if (Date.UTC(year, month, statementDay) <= t) month += 1;
  month += 2;
  year += Math.floor(month / 12);
  month %= 12;
  return Date.UTC(year, month, statementDay);
}
