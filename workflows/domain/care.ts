/**
 * The words of customer care while a dispute is open: how likely the customer is to leave, what
 * became of them, the goodwill a care agent may offer, and the care outreach itself.
 */

/** How likely the customer is to leave: `watch` asks for attention, `high` for a care outreach. */
export const ATTRITION_RISKS = ['none', 'watch', 'high'] as const;
export type AttritionRisk = (typeof ATTRITION_RISKS)[number];

/** What became of the customer once the watch had seen enough after the resolution. */
export type RetentionOutcome = 'retained' | 'lost' | 'unknown';

/** Goodwill a care agent may offer a customer at risk of leaving. */
export const CONCESSION_KINDS = ['reward_points', 'fee_waiver', 'interest_refund'] as const;
export type ConcessionKind = (typeof CONCESSION_KINDS)[number];
export interface Concession {
  kind: ConcessionKind;
  /** What it costs the bank, in minor units; the customer is credited this much when it is granted. */
  valueCents: number;
}

/** What the care agent is asked to do: call back, commit to a date, and maybe offer goodwill. */
export interface OutreachRecommendation {
  actions: ('call_back' | 'commit_resolve_by' | 'offer_concession')[];
  /** The regulatory resolve-by date from the case's clocks, to commit to on the call. */
  resolveBy: string | null;
  /** The pre-approved concession the customer's value warrants, within a care agent's authority. */
  concession: Concession | null;
}

/** An offer above the care agent's authority, waiting for (or given) a supervisor's word. */
export interface OfferRequest extends Concession {
  requestedBy: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  at: string;
}

export const OFFER_RESPONSES = ['made', 'accepted', 'declined'] as const;
export interface OutreachOutcome {
  reached: boolean;
  /** The offer put to the customer and their answer; null when none was made. */
  offer: (Concession & { response: (typeof OFFER_RESPONSES)[number] }) | null;
  note: string | null;
  by: string;
  at: string;
}

/** An outreach is live (`open`, `claimed`) until the call is recorded (`done`) or the case closes (`expired`). */
export const OUTREACH_STATUSES = ['open', 'claimed', 'done', 'expired'] as const;
export const LIVE_OUTREACH_STATUSES = ['open', 'claimed'] as const;
export const isLiveOutreach = (o: Pick<Outreach, 'status'>): boolean =>
  (LIVE_OUTREACH_STATUSES as readonly string[]).includes(o.status);

/** A care outreach: opened once per episode of high attrition risk while the case is open. */
export interface Outreach {
  id: string;
  episode: number;
  openedAt: string;
  dueAt: string;
  status: (typeof OUTREACH_STATUSES)[number];
  assigneeId: string | null;
  recommendation: OutreachRecommendation;
  offerRequest: OfferRequest | null;
  outcome: OutreachOutcome | null;
}
