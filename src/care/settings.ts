/** How the attrition watch follows a customer; the worker's environment overrides these. */
export const DEFAULT_WATCH_SETTINGS = {
  /** How often usage is looked at. */
  pollHours: 24,
  /** How long after the resolution usage is watched before saying whether the customer stayed. */
  observeDays: 60,
};
export type WatchSettings = typeof DEFAULT_WATCH_SETTINGS;
