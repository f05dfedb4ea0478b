/** Amounts are kept in cents; these are the two ways people and JSON read them. */

/** `14.99`, or `14.99 USD` when the currency is given. */
export function formatMoney(cents: number, currency?: string): string {
  const units = (cents / 100).toFixed(2);
  return currency ? `${units} ${currency}` : units;
}

/** Cents as a number of currency units (1499 → 14.99), for JSON and search attributes. */
export const toUnits = (cents: number): number => cents / 100;
