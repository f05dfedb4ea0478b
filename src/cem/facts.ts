/**
 * What one case adds to the customer-experience figures, as facts: each a kind, an instant, a
 * department and a second key, with a count, an amount and, for the percentiles, a value. A case's
 * facts are a function of what the read model holds of it, recomputed whenever that changes
 * (`rollup.ts`), and summed per day so that a figure over a range reads the sums, not the cases.
 *
 * The facts decide what the figures mean: a change here is a change of definition. Bump
 * FACTS_VERSION with it, and every case's facts are made again (METRICS.md says what each counts).
 */
import { DAY_MS, HOUR_MS } from '../../workflows/domain/time';

/** The version of the facts below; cases whose facts an older one made have them made again. */
export const FACTS_VERSION = 2;

export const FACT_KINDS = [
  /** A case opened; amount: the customer's contacts on it, whenever made. */
  'opened',
  /** A case opened on which the customer got in touch at least once. */
  'opened_chased',
  /** A case resolved (not withdrawn), by reason; amount 1 if an SLA clock breached; value: days. */
  'resolved',
  /** A case resolved by a write-off at intake (no filing), by reason; amount: what it refunded, in cents. */
  'written_off',
  /** A chargeback the network decided (won or lost; not one it refused to take), by status; amount 1 if won. */
  'chargeback',
  /** The same resolution, for first contact resolution; amount 1 if the customer got in touch by 30 days after. */
  'fcr',
  /** A regulatory deadline, at its due time, by rule; amount 1 if it passed unmet. */
  'deadline',
  /** A survey answer, by outreach yes/no; amount 1 if satisfied (4 or 5). */
  'survey',
  /** The same answer for NPS; amount 1 for a promoter (9-10), -1 for a detractor (0-6). */
  'survey_nps',
  'alert',
  'outreach_opened',
  'outreach_reached',
  'offer_made',
  'offer_accepted',
  /** A concession booked; amount: its value in cents. */
  'concession',
  /** Retention decided, by outreach yes/no; count 1 if retained or lost (not unknown), amount 1 if retained. */
  'retention',
  /** Retention decided; count 1 if the care team saved the customer, amount: her lifetime value then. */
  'saved',
  /** Retention decided; count 1 if the customer was lost after an outreach. */
  'lost_after_outreach',
  /** A stay that ended (but in the resolved and closed stages), where it was; value: days. */
  'journey_stay',
  'journey_chase',
  'journey_alert',
  'journey_outreach',
  /** A customer lost, where the case sat at its first attrition alert, at the retention decision. */
  'journey_loss',
  /** An event by a member of staff, by who. */
  'staff_action',
  /** An assignment its assignee acted on, at the assignment, by agent; value: hours to the first action. */
  'first_action',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** Kinds counted per day, not only over the range (cases opened and resolved per day). */
export const DAILY_KINDS: readonly FactKind[] = ['opened', 'resolved'];

export interface Fact {
  kind: FactKind;
  at: Date;
  department: string;
  detail: string;
  count: number;
  amount: number;
  value: number | null;
}

/** After a resolution, how long a customer contact still counts against first contact resolution. */
export const FCR_WINDOW_DAYS = 30;

/** What the read model holds of a case, as the facts read it. */
export interface CaseRecord {
  departmentId: string;
  reasonCode: string;
  openedAt: Date;
  resolvedAt: Date | null;
  outcome: string | null;
  resolvedAmountCents: number | null;
  retentionOutcome: string | null;
  retentionDecidedAt: Date | null;
  careVerdict: string | null;
  lifetimeValueCents: number;
  /** In the order they happened. */
  events: {
    type: string;
    actor: string;
    at: Date;
    data: Record<string, unknown>;
    stage: string | null;
    departmentId: string | null;
  }[];
  stays: { stage: string; departmentId: string; enteredAt: Date; leftAt: Date | null }[];
  deadlines: { rule: string; dueAt: Date; passedAt: Date | null }[];
  assignments: { agentId: string; assignedAt: Date; actedAt: Date | null }[];
  surveys: { satisfaction: number; recommend: number; answeredAt: Date }[];
}

/** Members of staff: not the system, not customers. */
export const isStaff = (actor: string) => !actor.startsWith('system:') && !actor.startsWith('customer:');

const isHighAlert = (e: CaseRecord['events'][number]) => e.type === 'attrition_risk_changed' && e.data.to === 'high';

export function caseFacts(c: CaseRecord): Fact[] {
  const facts: Fact[] = [];
  const add = (
    kind: FactKind,
    at: Date,
    detail = '',
    count = 1,
    amount = 0,
    value: number | null = null,
    department = c.departmentId,
  ) => facts.push({ kind, at, department, detail, count, amount, value });
  const flag = (yes: boolean) => (yes ? 1 : 0);
  const contacts = c.events.filter((e) => e.type === 'customer_contacted');
  const outreach = c.events.some((e) => e.type === 'outreach_opened') ? 'yes' : 'no';
  // A withdrawal ended at the customer's word: the bank decided nothing.
  const decided = c.outcome !== 'withdrawn';

  add('opened', c.openedAt, '', 1, contacts.length);
  add('opened_chased', c.openedAt, '', flag(contacts.length > 0));
  if (c.resolvedAt && decided) {
    const breached = c.events.some((e) => e.type === 'sla_breached');
    const days = (c.resolvedAt.getTime() - c.openedAt.getTime()) / DAY_MS;
    add('resolved', c.resolvedAt, c.reasonCode, 1, flag(breached), days);
    if (c.outcome === 'write_off') add('written_off', c.resolvedAt, c.reasonCode, 1, c.resolvedAmountCents ?? 0);
    const windowEnds = c.resolvedAt.getTime() + FCR_WINDOW_DAYS * DAY_MS;
    add('fcr', c.resolvedAt, '', 1, flag(contacts.some((e) => e.at.getTime() <= windowEnds)));
  }
  if (decided) for (const d of c.deadlines) add('deadline', d.dueAt, d.rule, 1, flag(d.passedAt !== null));
  for (const s of c.surveys) {
    add('survey', s.answeredAt, outreach, 1, flag(s.satisfaction >= 4));
    add('survey_nps', s.answeredAt, outreach, 1, s.recommend >= 9 ? 1 : s.recommend <= 6 ? -1 : 0);
  }

  for (const e of c.events) {
    const placed = e.stage !== null && e.departmentId !== null;
    const here = (kind: FactKind) => placed && add(kind, e.at, e.stage!, 1, 0, null, e.departmentId!);
    if (isStaff(e.actor)) add('staff_action', e.at, e.actor);
    if (e.type === 'customer_contacted') here('journey_chase');
    if (isHighAlert(e)) {
      add('alert', e.at);
      here('journey_alert');
    }
    if (e.type === 'outreach_opened') {
      add('outreach_opened', e.at);
      here('journey_outreach');
    }
    if (e.type === 'outreach_completed') {
      const offer = e.data.offer as { response?: string } | null | undefined;
      if (e.data.reached === true) add('outreach_reached', e.at);
      if (offer) add('offer_made', e.at);
      if (offer?.response === 'accepted') add('offer_accepted', e.at);
    }
    if (e.type === 'chargeback_decided')
      add('chargeback', e.at, String(e.data.status), 1, flag(e.data.status === 'won'));
    if (e.type === 'concession_granted') add('concession', e.at, '', 1, Number(e.data.valueCents ?? 0) || 0);
  }

  if (c.retentionDecidedAt) {
    const at = c.retentionDecidedAt;
    const known = c.retentionOutcome === 'retained' || c.retentionOutcome === 'lost';
    add('retention', at, outreach, flag(known), flag(c.retentionOutcome === 'retained'));
    const saved = c.careVerdict === 'saved';
    add('saved', at, '', flag(saved), saved ? c.lifetimeValueCents : 0);
    add('lost_after_outreach', at, '', flag(c.careVerdict === 'lost' && outreach === 'yes'));
    const began = c.events.find((e) => isHighAlert(e) && e.stage !== null && e.departmentId !== null);
    if (c.retentionOutcome === 'lost' && began) add('journey_loss', at, began.stage!, 1, 0, null, began.departmentId!);
  }

  for (const s of c.stays) {
    if (s.leftAt === null || s.stage === 'resolved' || s.stage === 'closed') continue;
    const days = (s.leftAt.getTime() - s.enteredAt.getTime()) / DAY_MS;
    add('journey_stay', s.leftAt, s.stage, 1, 0, days, s.departmentId);
  }
  for (const a of c.assignments) {
    if (a.actedAt === null) continue;
    add('first_action', a.assignedAt, a.agentId, 1, 0, (a.actedAt.getTime() - a.assignedAt.getTime()) / HOUR_MS);
  }
  return facts;
}

/** The UTC day of an instant, as YYYY-MM-DD. */
export const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** The `FigureDay` row a fact is summed into. */
export const cellOf = (f: Pick<Fact, 'kind' | 'at' | 'department' | 'detail'>) =>
  `${f.kind}|${dayOf(f.at)}|${f.department}|${f.detail}`;
