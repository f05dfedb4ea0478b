/**
 * The customer-experience figures, each defined once: what it counts, over what, and what it leaves
 * out. `METRICS.md` gives the same table in words (a test holds the two together); `figures.ts`
 * computes each from the cases' facts (`facts.ts`) and the open cases now; the dashboard and
 * `GET /metrics/cem` show them.
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
  /** The numerator and denominator are amounts, in cents. */
  amounts?: boolean;
  /** What the value is. */
  unit: 'cases' | 'contacts' | 'days' | 'hours' | 'share' | 'points' | 'per case' | 'per day';
}

/**
 * "In the range": at or after its start and before its end. Departments are the case's current
 * one, except in the journey, whose rows (and department filter) are where the case sat.
 */
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
  sla_near_deadline: {
    title: 'Cases over 80% of their SLA',
    formula: 'numerator ÷ denominator, now (not bound by the range)',
    numerator: 'open cases whose running SLA clock has used at least 80% of its time (breached ones too)',
    denominator: 'open cases with a running SLA clock',
    excluded: 'cases whose SLA clock is paused (waiting on the customer, say) or none runs',
    by: ['department'],
    unit: 'share',
  },
  write_offs: {
    title: 'Write-offs',
    formula: 'numerator ÷ denominator',
    numerator:
      'cases resolved in the range by a write-off at intake (a rule of the write-off table, no network filing)',
    denominator: 'cases resolved in the range',
    excluded: 'withdrawn cases',
    by: ['department', 'reason'],
    unit: 'share',
  },
  chargebacks_won: {
    title: 'Successful chargebacks',
    formula: 'numerator ÷ denominator',
    numerator:
      'chargebacks the card network decided in the range for the bank (the acquirer accepted or stayed silent, or the ruling)',
    denominator: 'chargebacks the card network decided in the range, won or lost',
    excluded: 'filings the network refused to take',
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
  regulatory_compliance: {
    title: 'Reg E / Reg Z deadlines met',
    formula: 'numerator ÷ denominator',
    numerator:
      'regulatory deadlines due in the range that did not pass (no regulatory_deadline_passed event for the clock)',
    denominator: 'regulatory deadlines due in the range and before now, as each case’s clocks started',
    excluded: 'withdrawn cases',
    by: ['rule'],
    unit: 'share',
  },
  first_contact_resolution: {
    title: 'First contact resolution',
    formula: 'numerator ÷ denominator',
    numerator: 'cases resolved in the range with no customer contact after intake, up to 30 days after the resolution',
    denominator: 'cases resolved in the range at least 30 days ago',
    excluded: 'withdrawn cases; cases resolved in the last 30 days (their 30 days are not over)',
    by: ['department'],
    unit: 'share',
  },
  cases_with_follow_ups: {
    title: 'Cases with customer follow-ups',
    formula: 'numerator ÷ denominator',
    numerator: 'cases opened in the range on which the customer got in touch at least once (customer_contacted)',
    denominator: 'cases opened in the range',
    excluded: 'nothing',
    by: ['department'],
    unit: 'share',
  },
  follow_ups_per_case: {
    title: 'Follow-ups per case',
    formula: 'numerator ÷ denominator',
    numerator: 'customer contacts (customer_contacted) on cases opened in the range',
    denominator: 'cases opened in the range',
    excluded: 'nothing',
    by: ['department'],
    unit: 'per case',
  },
  attrition_alerts: {
    title: 'Attrition alerts',
    formula: 'count',
    numerator: 'times in the range a case’s attrition risk rose to high',
    denominator: '—',
    excluded: 'nothing',
    by: ['department'],
    unit: 'cases',
  },
  outreach_opened: {
    title: 'Outreach opened',
    formula: 'count',
    numerator: 'care outreach opened in the range',
    denominator: '—',
    excluded: 'nothing',
    by: ['department'],
    unit: 'cases',
  },
  outreach_reached: {
    title: 'Outreach that reached the customer',
    formula: 'count',
    numerator: 'outreach completed in the range with the customer reached',
    denominator: '—',
    excluded: 'outreach that expired when its case closed',
    by: ['department'],
    unit: 'cases',
  },
  offers_made: {
    title: 'Offers made',
    formula: 'count',
    numerator: 'outreach completed in the range with an offer put to the customer',
    denominator: '—',
    excluded: 'nothing',
    by: ['department'],
    unit: 'cases',
  },
  offers_accepted: {
    title: 'Offers accepted',
    formula: 'count',
    numerator: 'outreach completed in the range whose offer the customer accepted',
    denominator: '—',
    excluded: 'nothing',
    by: ['department'],
    unit: 'cases',
  },
  saves: {
    title: 'Saves',
    formula: 'count',
    numerator:
      'cases whose retention was decided in the range: the care team reached the customer at risk and the customer stayed (care verdict saved)',
    denominator: '—',
    excluded: 'customers who stayed without a call',
    by: ['department'],
    unit: 'cases',
  },
  losses: {
    title: 'Losses after outreach',
    formula: 'count',
    numerator: 'cases with an outreach whose retention was decided in the range: the customer left (care verdict lost)',
    denominator: '—',
    excluded: 'customers never at risk',
    by: ['department'],
    unit: 'cases',
  },
  retention_after_resolution: {
    title: 'Retention after resolution',
    formula: 'numerator ÷ denominator',
    numerator: 'cases whose retention was decided in the range with the customer retained',
    denominator: 'cases whose retention was decided in the range, retained or lost',
    excluded: 'outcomes the watch could not decide (unknown)',
    by: ['department', 'outreach'],
    unit: 'share',
  },
  concessions_cost: {
    title: 'Concessions booked, against the lifetime value kept',
    formula: 'numerator ÷ denominator',
    numerator: 'value of concessions booked in the range (concession_granted), in cents',
    denominator:
      'lifetime value of the customers saved in the range (see saves), as it was when their retention was decided, in cents',
    excluded: 'nothing',
    by: ['department'],
    amounts: true,
    unit: 'share',
  },
  journey_wait_days: {
    title: 'Journey: time waited at each step, median',
    formula: 'median (nearest rank) of left at − entered at, in days',
    numerator:
      'stays that ended in the range: each time a case sat in one stage of one department, from the move that brought it there to the move that took it on',
    denominator: '—',
    excluded:
      'stays in the resolved and closed stages (the bank has answered); stays not yet ended (see open cases by age); time before stays were kept',
    by: ['stage', 'department'],
    joint: true,
    unit: 'days',
  },
  journey_chases: {
    title: 'Journey: customers chasing the bank, by where the case sat',
    formula: 'count',
    numerator: 'customer contacts (customer_contacted) in the range, by the stage and department the case sat in then',
    denominator: '—',
    excluded: 'contacts recorded before places were kept',
    by: ['stage', 'department'],
    joint: true,
    unit: 'contacts',
  },
  journey_alerts: {
    title: 'Journey: attrition alerts, by where the case sat',
    formula: 'count',
    numerator:
      'times in the range a case’s attrition risk rose to high, by the stage and department the case sat in then',
    denominator: '—',
    excluded: 'alerts recorded before places were kept',
    by: ['stage', 'department'],
    joint: true,
    unit: 'cases',
  },
  journey_outreach: {
    title: 'Journey: outreach opened, by where the case sat',
    formula: 'count',
    numerator: 'care outreach opened in the range, by the stage and department the case sat in then',
    denominator: '—',
    excluded: 'outreach recorded before places were kept',
    by: ['stage', 'department'],
    joint: true,
    unit: 'cases',
  },
  journey_losses: {
    title: 'Journey: customers lost, by where it began',
    formula: 'count',
    numerator:
      'cases whose retention was decided in the range with the customer lost, by the stage and department the case sat in at its first attrition alert (risk rose to high)',
    denominator: '—',
    excluded:
      'losses with no attrition alert before them (nothing shows where they began), or one recorded before places were kept',
    by: ['stage', 'department'],
    joint: true,
    unit: 'cases',
  },
  agent_open_cases: {
    title: 'Open cases per agent',
    formula: 'count, now (not bound by the range)',
    numerator: 'open cases assigned to the member of staff',
    denominator: '—',
    excluded: 'cases nobody holds',
    by: ['agent'],
    joint: true,
    unit: 'cases',
  },
  agent_actions_per_day: {
    title: 'Actions per agent per day',
    formula: 'numerator ÷ denominator',
    numerator: 'audit-log events in the range recorded by the member of staff (each action they took on a case)',
    denominator: 'days in the range',
    excluded: 'events recorded by the system or by customers',
    by: ['agent'],
    joint: true,
    unit: 'per day',
  },
  agent_first_action_hours: {
    title: 'Time to first action per agent, median',
    formula: 'median (nearest rank), in hours',
    numerator: 'from a case’s assignment to the member of staff, in the range, to their next event on it',
    denominator: '—',
    excluded: 'assignments not yet acted on, or passed to someone else before they were',
    by: ['agent'],
    joint: true,
    unit: 'hours',
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
