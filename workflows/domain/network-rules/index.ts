/**
 * The card networks' dispute rules, as data (`<network>.v<version>.json` in this folder): for each
 * reason code, the product's reasons it serves, the time limit for filing a chargeback under it,
 * what the cardholder must have tried first and the evidence it needs. Each table names its source
 * and effective date; the bank must check it against the network rules it is bound by.
 *
 * Versioned like code: a released version never changes, and a case keeps the version it opened
 * with, as it keeps its other policies. A new edition of a network's rules is a new file.
 */
import type { ReasonCode } from '../case';
import { DAY_MS } from '../time';
import MASTERCARD_V1 from './mastercard.v1.json';
import VISA_V1 from './visa.v1.json';

export const CARD_NETWORKS = ['visa', 'mastercard'] as const;
export type CardNetwork = (typeof CARD_NETWORKS)[number];

export const CODE_CATEGORIES = ['fraud', 'authorization', 'processing_error', 'consumer_dispute'] as const;

/**
 * Where a time limit is counted from: the transaction's processing date; the date the goods or
 * services were (to be) delivered, when later; or the date of the merchant's credit voucher.
 */
export type TimeLimitStart = 'processing' | 'expected_delivery' | 'credit_voucher';

export interface NetworkCode {
  code: string;
  title: string;
  category: (typeof CODE_CATEGORIES)[number];
  /** The product's reasons a dispute under this code may have. */
  reasons: ReasonCode[];
  /** Only for a transaction made with the card present, or only without it; either when absent. */
  channel?: 'card_present' | 'card_absent';
  timeLimit: {
    days: number;
    from: TimeLimitStart;
    /** However late the delivery, never later than this many days after processing. */
    atMostDaysAfterProcessing?: number;
  };
  /** What the cardholder must have tried before the bank may file (e.g. contact the merchant). */
  cardholderMustFirst: string[];
  /** The documents and facts the filing needs. */
  evidence: string[];
}

/**
 * The windows of a chargeback's life after its filing, in calendar days. The acquirer's windows
 * are the merchant's: silence past them is the bank's win. The bank's own (pre-arbitration and
 * arbitration filing) warn `warnDaysBefore` and escalate when they pass, like an SLA.
 */
export interface NetworkLifecycle {
  /** For the acquirer to accept the chargeback or represent it, from the filing. */
  acquirerResponseDays: number;
  /** For the bank to answer a representment with pre-arbitration, from the representment. */
  preArbitrationFilingDays: number;
  /** For the acquirer to accept or decline pre-arbitration, from its filing. */
  preArbitrationResponseDays: number;
  /** For the bank to take a declined pre-arbitration to arbitration, from the decline. */
  arbitrationFilingDays: number;
  warnDaysBefore: number;
}

export interface NetworkRules {
  network: CardNetwork;
  version: number;
  /** The day this version took effect here. */
  effective: string;
  /** The rules it summarises. */
  source: string;
  lifecycle: NetworkLifecycle;
  codes: NetworkCode[];
}

/** Every version of every network's rules, oldest first. */
export const NETWORK_RULES: readonly NetworkRules[] = [VISA_V1, MASTERCARD_V1] as NetworkRules[];

/** A network's rules at `version`, or its newest. */
export function networkRules(network: CardNetwork, version?: number): NetworkRules {
  const versions = NETWORK_RULES.filter((r) => r.network === network);
  const rules = version === undefined ? versions.at(-1) : versions.find((r) => r.version === version);
  if (!rules) throw new Error(`no ${network} dispute rules${version === undefined ? '' : ` version ${version}`}`);
  return rules;
}

/** The transaction channels at which the card itself was present (the rest are card-absent). */
export const CARD_PRESENT_CHANNELS: readonly string[] = ['pos', 'atm'];

/** The codes a dispute for `reason` may be filed under, for a transaction made with or without the card. */
export function applicableCodes(
  rules: NetworkRules,
  reason: ReasonCode,
  { cardPresent }: { cardPresent: boolean },
): NetworkCode[] {
  const channel = cardPresent ? 'card_present' : 'card_absent';
  return rules.codes.filter((c) => c.reasons.includes(reason) && (c.channel === undefined || c.channel === channel));
}

/** The dates a filing's time limit counts from, as instants (ms); unknown ones null. */
export interface TransactionDates {
  processedAt: number;
  expectedDeliveryAt?: number | null;
  creditVoucherAt?: number | null;
}

/** The last instant a chargeback under `code` may be filed for a transaction with these dates. */
export function filingDeadline({ timeLimit }: NetworkCode, dates: TransactionDates): number {
  const start =
    timeLimit.from === 'expected_delivery'
      ? Math.max(dates.processedAt, dates.expectedDeliveryAt ?? dates.processedAt)
      : timeLimit.from === 'credit_voucher'
        ? (dates.creditVoucherAt ?? dates.processedAt)
        : dates.processedAt;
  const deadline = start + timeLimit.days * DAY_MS;
  return timeLimit.atMostDaysAfterProcessing === undefined
    ? deadline
    : Math.min(deadline, dates.processedAt + timeLimit.atMostDaysAfterProcessing * DAY_MS);
}

/** A code a dispute may be filed under, with the last instant it may be and the days left till then. */
export interface FilingWindow {
  code: string;
  title: string;
  filingDeadline: number;
  /** Negative once the deadline has passed: a filing then is refused. */
  daysLeft: number;
  cardholderMustFirst: string[];
  evidence: string[];
}

/** Each code a dispute for `reason` may be filed under, with its filing deadline as of `now`. */
export function filingWindows(
  rules: NetworkRules,
  reason: ReasonCode,
  transaction: TransactionDates & { cardPresent: boolean },
  now: number,
): FilingWindow[] {
  return applicableCodes(rules, reason, transaction).map((c) => {
    const deadline = filingDeadline(c, transaction);
    return {
      code: c.code,
      title: c.title,
      filingDeadline: deadline,
      daysLeft: Math.round(((deadline - now) / DAY_MS) * 10) / 10,
      cardholderMustFirst: c.cardholderMustFirst,
      evidence: c.evidence,
    };
  });
}
