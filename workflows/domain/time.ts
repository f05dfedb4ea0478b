/** Time units in milliseconds, the unit of every instant and duration in the domain. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
