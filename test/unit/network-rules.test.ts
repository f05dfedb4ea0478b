/**
 * The card networks' dispute rules as data: every reason the product takes maps to a code on each
 * network, the tables are well formed, and filing time limits count from the right date with the
 * exceptions the rules state.
 */
import { gatheredEvidence } from '../../workflows/domain/chargeback';
import { REASON_CODES } from '../../workflows/domain/case';
import {
  applicableCodes,
  CARD_NETWORKS,
  CODE_CATEGORIES,
  filingDeadline,
  filingWindows,
  NETWORK_RULES,
  networkRules,
} from '../../workflows/domain/network-rules';
import { DAY_MS } from '../../workflows/domain/time';

const PROCESSED = Date.parse('2026-03-01T00:00:00Z');
const days = (n: number) => n * DAY_MS;
const code = (network: 'visa' | 'mastercard', id: string) => {
  const found = networkRules(network).codes.find((c) => c.code === id);
  if (!found) throw new Error(`no ${network} code ${id}`);
  return found;
};

test.each(CARD_NETWORKS.flatMap((network) => REASON_CODES.map((reason) => [network, reason] as const)))(
  '%s has a code for a %s dispute, with the card present and without it',
  (network, reason) => {
    const rules = networkRules(network);
    const present = applicableCodes(rules, reason, { cardPresent: true });
    const absent = applicableCodes(rules, reason, { cardPresent: false });
    // Card-present fraud is never card-absent, nor the other way round; every other reason is both.
    if (reason !== 'fraud_card_absent') expect(present.length).toBeGreaterThan(0);
    if (reason !== 'fraud_card_present') expect(absent.length).toBeGreaterThan(0);
  },
);

test('the codes for a reason follow the channel: Visa tells card-present fraud from card-absent', () => {
  const visa = networkRules('visa');
  expect(applicableCodes(visa, 'unrecognized', { cardPresent: true }).map((c) => c.code)).toEqual(['10.3']);
  expect(applicableCodes(visa, 'unrecognized', { cardPresent: false }).map((c) => c.code)).toEqual(['10.4']);
  expect(applicableCodes(visa, 'duplicate_charge', { cardPresent: true }).map((c) => c.code)).toEqual(['12.6.1']);
  const mastercard = networkRules('mastercard');
  expect(applicableCodes(mastercard, 'not_received', { cardPresent: false }).map((c) => c.code)).toEqual(['4853']);
});

test.each(NETWORK_RULES.map((rules) => [`${rules.network} v${rules.version}`, rules] as const))(
  'the %s table is well formed: source, effective date, known reasons, one row per code',
  (_, rules) => {
    expect(rules.source.length).toBeGreaterThan(40);
    expect(rules.effective).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Set(rules.codes.map((c) => c.code)).size).toBe(rules.codes.length);
    for (const c of rules.codes) {
      expect(CODE_CATEGORIES).toContain(c.category);
      for (const reason of c.reasons) expect(REASON_CODES).toContain(reason);
      expect(c.timeLimit.days).toBeGreaterThan(0);
      expect(c.evidence.length).toBeGreaterThan(0);
    }
  },
);

test('versions of a network are numbered in order, and the newest is the default', () => {
  for (const network of CARD_NETWORKS) {
    const versions = NETWORK_RULES.filter((r) => r.network === network).map((r) => r.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(networkRules(network).version).toBe(versions.at(-1));
    expect(networkRules(network, versions[0]).version).toBe(versions[0]);
  }
  expect(() => networkRules('visa', 99)).toThrow('no visa dispute rules version 99');
});

test('a time limit counts from the processing date', () => {
  expect(filingDeadline(code('visa', '12.6.1'), { processedAt: PROCESSED })).toBe(PROCESSED + days(120));
  expect(filingDeadline(code('visa', '11.3'), { processedAt: PROCESSED })).toBe(PROCESSED + days(75));
  expect(filingDeadline(code('mastercard', '4834'), { processedAt: PROCESSED })).toBe(PROCESSED + days(90));
});

test('not received counts from the expected delivery date, never past 540 days after processing', () => {
  const notReceived = code('visa', '13.1');
  const deliveryDue = PROCESSED + days(30);
  expect(filingDeadline(notReceived, { processedAt: PROCESSED, expectedDeliveryAt: deliveryDue })).toBe(
    deliveryDue + days(120),
  );
  // Unknown delivery date, or one before processing: from processing.
  expect(filingDeadline(notReceived, { processedAt: PROCESSED })).toBe(PROCESSED + days(120));
  expect(filingDeadline(notReceived, { processedAt: PROCESSED, expectedDeliveryAt: PROCESSED - days(5) })).toBe(
    PROCESSED + days(120),
  );
  // A delivery promised 500 days out: 540 days after processing at most.
  expect(filingDeadline(notReceived, { processedAt: PROCESSED, expectedDeliveryAt: PROCESSED + days(500) })).toBe(
    PROCESSED + days(540),
  );
  expect(filingDeadline(code('mastercard', '4853'), { processedAt: PROCESSED, expectedDeliveryAt: deliveryDue })).toBe(
    deliveryDue + days(120),
  );
});

test('credit not processed counts from the credit voucher, or from processing without one', () => {
  const creditNotProcessed = code('visa', '13.6');
  const voucher = PROCESSED + days(12);
  expect(filingDeadline(creditNotProcessed, { processedAt: PROCESSED, creditVoucherAt: voucher })).toBe(
    voucher + days(120),
  );
  expect(filingDeadline(creditNotProcessed, { processedAt: PROCESSED, creditVoucherAt: null })).toBe(
    PROCESSED + days(120),
  );
});

test('not received and not as described ask the cardholder to have contacted the merchant first', () => {
  for (const [network, id] of [
    ['visa', '13.1'],
    ['visa', '13.3'],
    ['mastercard', '4853'],
  ] as const) {
    expect(code(network, id).cardholderMustFirst).toContain('contact_merchant');
  }
  expect(code('visa', '10.4').cardholderMustFirst).toEqual([]);
});

test('the filing windows of a dispute: each code with its deadline and the days left, negative once passed', () => {
  const visa = networkRules('visa');
  const charge = { processedAt: PROCESSED, cardPresent: false };
  expect(filingWindows(visa, 'fraud_card_absent', charge, PROCESSED + days(20))).toEqual([
    expect.objectContaining({ code: '10.4', filingDeadline: PROCESSED + days(120), daysLeft: 100 }),
  ]);
  const [late] = filingWindows(visa, 'fraud_card_absent', charge, PROCESSED + days(130.5));
  expect(late.daysLeft).toBe(-10.5);
  expect(filingWindows(visa, 'fraud_card_present', charge, PROCESSED)).toEqual([]);
});

describe('the evidence a case holds', () => {
  const event = (type: string, data: Record<string, unknown>) => ({ type, data });

  test('items named in a filing or an answer to the network are filed', () => {
    expect(
      gatheredEvidence([
        event('chargeback_requested', { evidence: ['cardholder_letter'] }),
        event('chargeback_answered', { evidence: ['merchant_contact_attempt', 7] }),
      ]),
    ).toEqual([
      { item: 'cardholder_letter', source: 'filed' },
      { item: 'merchant_contact_attempt', source: 'filed' },
    ]);
  });

  test('items a question asked for are held once the customer answered it with documents', () => {
    expect(
      gatheredEvidence([
        event('info_requested', { question: 'Receipt?', evidence: ['expected_delivery_date'] }),
        event('customer_responded', { documentIds: [] }),
        event('info_requested', { question: 'Letter?', evidence: ['cardholder_letter'] }),
        event('customer_responded', { documentIds: ['doc-1'] }),
        event('customer_responded', { documentIds: ['doc-2'] }),
      ]),
    ).toEqual([{ item: 'cardholder_letter', source: 'documents' }]);
  });
});
