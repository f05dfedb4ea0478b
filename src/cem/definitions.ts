/**
 * The customer-experience figures, each defined once: what it counts, over what, and what it leaves
 * out. `METRICS.md` gives the same table in words (a test holds the two together); `figures.ts`
 * computes each from the read model and the audit log; the dashboard and `GET /metrics/cem` show them.
 */

export interface FigureDefinition {
  title: string;
  /** How the value comes from the numerator and the denominator (or what it counts). */
  formula: string;
  numerator: string;
  denominator: string;
  /** What is left out, and why. */
  excluded: string;
  /**
   * What its rows are split by: a row for all, then a row per value of each of these; or, when
   * `joint`, a row per combination of them.
   */
  by: readonly string[];
  joint?: boolean;
  /** What the value is. */
  unit: 'cases' | 'days' | 'share' | 'points';
}

/** "In the range": at or after its start and before its end; departments are the case's current one. */
export const FIGURES = {
  open_cases: {
    title: 'Open cases',
    formula: 'count, now (not bound by the range)',
    numerator: 'cases whose stage is neither resolved nor closed',
    denominator: '—',
    excluded: 'nothing',
    by: ['stage', 'department', 'age'],
    joint: true,
    unit: 'cases',
  },
  cases_opened: {
    title: 'Cases opened per day',
    formula: 'count per UTC day',
    numerator: 'cases opened in the range',
    denominator: '—',
    excluded: 'nothing',
    by: ['day'],
    joint: true,
    unit: 'cases',
  },
  cases_resolved: {
    title: 'Cases resolved per day',
    formula: 'count per UTC day',
    numerator: 'cases resolved in the range',
    denominator: '—',
    excluded: 'withdrawn cases (the customer ended them; the bank decided nothing)',
    by: ['day'],
    joint: true,
    unit: 'cases',
  },
  resolution_days_median: {
    title: 'Time to resolution, median',
    formula: 'median (nearest rank) of resolved at − opened at, in days',
    numerator: 'cases resolved in the range',
    denominator: '—',
    excluded: 'withdrawn cases',
    by: ['department', 'reason'],
    unit: 'days',
  },
  resolution_days_p90: {
    title: 'Time to resolution, 90th percentile',
    formula: '90th percentile (nearest rank) of resolved at − opened at, in days',
    numerator: 'cases resolved in the range',
    denominator: '—',
    excluded: 'withdrawn cases',
    by: ['department', 'reason'],
    unit: 'days',
  },
  sla_compliance: {
    title: 'SLA compliance',
    formula: 'numerator ÷ denominator',
    numerator: 'cases resolved in the range none of whose SLA clocks passed its deadline (no sla_breached event)',
    denominator: 'cases resolved in the range',
    excluded: 'withdrawn cases',
    by: ['department'],
    unit: 'share',
  },
  csat: {
    title: 'Customer satisfaction (CSAT)',
    formula: 'numerator ÷ denominator',
    numerator: 'survey answers in the range with satisfaction 4 or 5 (of 1 to 5)',
    denominator: 'survey answers in the range',
    excluded: 'cases without an answer',
    by: ['department', 'outreach'],
    unit: 'share',
  },
  nps: {
    title: 'Net Promoter Score',
    formula: '100 × numerator ÷ denominator: % promoters − % detractors, from −100 to 100',
    numerator: 'answers in the range recommending 9 or 10, less those recommending 0 to 6',
    denominator: 'survey answers in the range',
    excluded: 'cases without an answer',
    by: ['department', 'outreach'],
    unit: 'points',
  },
} as const satisfies Record<string, FigureDefinition>;

export type FigureId = keyof typeof FIGURES;

/** Age bands of an open case, by days since it opened. */
export const AGE_BANDS = [
  { label: '0-7 days', fromDays: 0 },
  { label: '8-30 days', fromDays: 8 },
  { label: '31-60 days', fromDays: 31 },
  { label: 'over 60 days', fromDays: 61 },
] as const;
