/**
 * A chargeback's life at the card network, as plain data in the case state: filed by the bank,
 * answered by the merchant's bank (the acquirer), taken on to pre-arbitration and arbitration,
 * decided. The steps and who takes them:
 *
 *   filing ──adapter──▶ filed ──acquirer accepts / stays silent──▶ won
 *                         └─acquirer represents─▶ represented ──bank accepts──▶ lost (what is contested)
 *                                                    └─bank files pre-arbitration─▶ pre_arbitration
 *   pre_arbitration ──acquirer accepts / stays silent──▶ won
 *                     └─acquirer declines─▶ pre_arbitration_declined ──bank accepts──▶ lost
 *                                             └─bank files arbitration─▶ arbitration ──ruling──▶ won | lost
 *
 * A filing the network refuses leaves the chargeback `refused`, and the case goes back to its
 * investigation. Pure data and functions: the workflow and the API both read it.
 */

export const CHARGEBACK_STATUSES = [
  'filing',
  'filed',
  'represented',
  'pre_arbitration',
  'pre_arbitration_declined',
  'arbitration',
  'won',
  'lost',
  'refused',
] as const;
export type ChargebackStatus = (typeof CHARGEBACK_STATUSES)[number];

/** Decided: nothing more happens to the chargeback. */
export const FINAL_STATUSES: readonly ChargebackStatus[] = ['won', 'lost', 'refused'];

/** What the bank sends the network; the adapter makes each once, under its key. */
export const NETWORK_FILINGS = ['chargeback', 'pre_arbitration', 'arbitration'] as const;
export type NetworkFiling = (typeof NETWORK_FILINGS)[number];

/** What the network sends back through the inbound feed. */
export const NETWORK_EVENT_TYPES = [
  'accepted',
  'represented',
  'pre_arbitration_accepted',
  'pre_arbitration_declined',
  'ruling',
] as const;
export type NetworkEventType = (typeof NETWORK_EVENT_TYPES)[number];

/** The bank's answer to a representment, or to a declined pre-arbitration. */
export const NETWORK_DECISIONS = ['accept', 'pre_arbitration', 'arbitration'] as const;
export type NetworkDecision = (typeof NETWORK_DECISIONS)[number];

/** Whose move it is and until when: the acquirer's silence past it is the bank's win; the bank's own escalates. */
export interface NetworkWindow {
  party: 'acquirer' | 'issuer';
  /** What the window is for, e.g. `acquirer_response`; the clock's id ends with it. */
  step: 'acquirer_response' | 'pre_arbitration_filing' | 'pre_arbitration_response' | 'arbitration_filing';
  endsAt: string;
}

export interface Chargeback {
  /** `<caseId>-CB<n>`: the filing's reference at the network, and the stem of its idempotency keys. */
  id: string;
  code: string;
  transactionId: string;
  amountCents: number;
  /** The evidence items filed (keys of the code's evidence list). */
  evidence: string[];
  status: ChargebackStatus;
  /** A filing the network desk has yet to make; null once made. */
  pending: NetworkFiling | null;
  /** The network's case number, from the first filing's answer. */
  networkCaseId: string | null;
  filedBy: string;
  window: NetworkWindow | null;
  /** What the merchant still contests after a representment; null before one. */
  contestedCents: number | null;
  /** What the bank keeps once decided; null until then. */
  wonCents: number | null;
  /** Why the network refused a filing, when it did. */
  refusal: string | null;
}

export interface NetworkEventInput {
  /** The network's id of the event: the same event sent again is recognised by it. */
  eventId: string;
  chargebackId: string;
  type: NetworkEventType;
  /** A representment's contested amount (all of it when absent). */
  amountCents?: number;
  /** A ruling's winner. */
  winner?: 'issuer' | 'acquirer';
  evidence?: string[];
  note?: string;
}

/** The status a chargeback must be in for a network event to apply to it. */
export const EVENT_APPLIES_IN: Record<NetworkEventType, ChargebackStatus> = {
  accepted: 'filed',
  represented: 'filed',
  pre_arbitration_accepted: 'pre_arbitration',
  pre_arbitration_declined: 'pre_arbitration',
  ruling: 'arbitration',
};

/** The status a chargeback has while a filing is under way, and once the network has it. */
export const FILING_STATUSES: Record<NetworkFiling, { before: ChargebackStatus; after: ChargebackStatus }> = {
  chargeback: { before: 'filing', after: 'filed' },
  pre_arbitration: { before: 'represented', after: 'pre_arbitration' },
  arbitration: { before: 'pre_arbitration_declined', after: 'arbitration' },
};

/**
 * The status network events are judged against: a filing the network answered before the
 * adapter's reply came back (a fast acquirer, a slow adapter) is one the network has.
 */
export const answerableStatus = (cb: Chargeback): ChargebackStatus =>
  cb.pending ? FILING_STATUSES[cb.pending].after : cb.status;

/** The status in which the bank may make each decision. */
export const DECISION_APPLIES_IN: Record<Exclude<NetworkDecision, 'accept'>, ChargebackStatus> = {
  pre_arbitration: 'represented',
  arbitration: 'pre_arbitration_declined',
};

/** The network phase a chargeback in this status is in, as the case shows it; null once decided. */
export function phaseOf(
  status: ChargebackStatus,
): 'chargeback' | 'representment' | 'pre_arbitration' | 'arbitration' | null {
  switch (status) {
    case 'filing':
    case 'filed':
      return 'chargeback';
    case 'represented':
      return 'representment';
    case 'pre_arbitration':
    case 'pre_arbitration_declined':
      return 'pre_arbitration';
    case 'arbitration':
      return 'arbitration';
    default:
      return null;
  }
}

export const isDecided = (cb: Chargeback): boolean => FINAL_STATUSES.includes(cb.status);

/**
 * What the customer keeps when every chargeback of the case is decided, and the outcome that
 * makes; null while one is still open or when every filing was refused (the bank decides then).
 */
export function networkOutcome(
  chargebacks: readonly Chargeback[],
): { outcome: 'customer_favour' | 'merchant_favour' | 'partial'; creditCents: number } | null {
  if (chargebacks.length === 0 || !chargebacks.every(isDecided)) return null;
  const decided = chargebacks.filter((cb) => cb.status !== 'refused');
  if (decided.length === 0) return null;
  const claimed = decided.reduce((sum, cb) => sum + cb.amountCents, 0);
  const creditCents = decided.reduce((sum, cb) => sum + (cb.wonCents ?? 0), 0);
  const outcome = creditCents === 0 ? 'merchant_favour' : creditCents >= claimed ? 'customer_favour' : 'partial';
  return { outcome, creditCents };
}

/** Where an item of evidence on the case came from, as its audit log shows. */
export interface GatheredEvidence {
  item: string;
  /** `filed`: named in a filing or an answer to the network; `documents`: the customer sent documents asked for it. */
  source: 'filed' | 'documents';
}

/**
 * The evidence the case holds, from its audit log (oldest first): items staff named when filing
 * or answering the network, and items a question to the customer asked for that she answered
 * with documents.
 */
export function gatheredEvidence(
  events: readonly { type: string; data: Record<string, unknown> }[],
): GatheredEvidence[] {
  const gathered = new Map<string, GatheredEvidence['source']>();
  let askedFor: string[] = [];
  const items = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  for (const e of events) {
    if (e.type === 'chargeback_requested' || e.type === 'chargeback_answered') {
      for (const item of items(e.data.evidence)) gathered.set(item, 'filed');
    } else if (e.type === 'info_requested') {
      askedFor = items(e.data.evidence);
    } else if (e.type === 'customer_responded') {
      if (items(e.data.documentIds).length > 0)
        for (const item of askedFor) if (!gathered.has(item)) gathered.set(item, 'documents');
      askedFor = [];
    }
  }
  return [...gathered].map(([item, source]) => ({ item, source }));
}
