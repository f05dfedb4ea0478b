/** Message templates, quiet hours and the status-update interval. */
import { NOTIFICATION_TEMPLATES } from '../../workflows/dispute/messages';
import { DEFAULT_CASE_SETTINGS, statusUpdateDays } from '../../workflows/domain/case-policy';
import { outsideQuietHours, parseQuietHours } from '../../src/notifications/quiet-hours';
import { renderMessage, type NotificationTemplate } from '../../src/notifications/render';

const base = {
  caseId: 'DSP-1',
  amountCents: 1499,
  currency: 'USD',
  merchant: 'DGTL*SVCS',
  transactionDate: '2026-11-18T15:00:00.000Z',
  customer: { name: 'Jane <Morgan>' },
  bank: { name: 'Proactive Bank', phone: '1-800-555-0100' },
  surveyUrl: 'https://bank.example/survey?case=DSP-1',
};

/** The data the workflow sends with each template. */
const DATA: Record<NotificationTemplate, Record<string, unknown>> = {
  acknowledgement: { intervalDays: 3, resolveBy: '2027-02-15T00:00:00.000Z' },
  status_update: {
    stage: 'awaiting_merchant',
    provisionalCreditCents: 1499,
    resolveBy: '2027-02-15T00:00:00.000Z',
    intervalDays: 3,
  },
  info_requested: { question: "Do you have the merchant's receipt?" },
  provisional_credit: { creditCents: 1499 },
  resolved: {
    outcome: 'partial',
    creditCents: 700,
    provisionalCreditCents: 1499,
    adjustmentCents: 799,
    reversal: true,
    reopenWindowDays: 60,
  },
  reopened: { intervalDays: 3 },
  withdrawn: { provisionalCreditCents: 1499 },
  survey: {},
  network_update: { step: 'chargeback', chargebackCents: 1499, answerBy: '2027-01-03T10:00:00.000Z' },
};

describe('templates', () => {
  test.each(NOTIFICATION_TEMPLATES.map((t) => [t]))('%s renders a subject, HTML and text', (template) => {
    const message = renderMessage(template, { ...base, ...DATA[template] }, 'America/Chicago');
    expect(message.subject).toContain(template === 'provisional_credit' ? '$14.99' : 'DSP-1');
    expect(message.html).toMatch(/^<!doctype html>/);
    expect(message.html).toContain('Dear Jane &lt;Morgan&gt;,');
    expect(message.text).toContain('Dear Jane <Morgan>,');
    expect(message.text).not.toMatch(/&#x27;|&lt;|&amp;/);
    expect(message.text).toContain('1-800-555-0100');
  });

  test.each(NOTIFICATION_TEMPLATES.map((t) => [t]))('%s renders a short SMS that names no one', (template) => {
    const { sms } = renderMessage(template, { ...base, ...DATA[template] }, 'America/Chicago');
    expect(sms).toContain('DSP-1');
    expect(sms).not.toContain('Jane');
    expect(sms!.length).toBeLessThanOrEqual(320);
  });

  test('amounts and dates read naturally, dates in the customer’s time zone', () => {
    const ack = renderMessage('acknowledgement', { ...base, ...DATA.acknowledgement }, 'America/Chicago');
    expect(ack.text).toContain('the charge of $14.99 from DGTL*SVCS on November 18, 2026');
    // Midnight UTC on 15 February is still the 14th in Chicago.
    expect(ack.text).toContain('resolve it by February 14, 2027');
    const resolved = renderMessage('resolved', { ...base, ...DATA.resolved }, 'UTC');
    expect(resolved.text).toContain('We found partly in your favour');
    expect(resolved.text).toContain('Taken back: $7.99');
    const info = renderMessage('info_requested', { ...base, ...DATA.info_requested }, 'UTC');
    expect(info.text).toContain("Do you have the merchant's receipt?");
    expect(info.html).toContain('Do you have the merchant&#x27;s receipt?');
  });
});

describe('quiet hours', () => {
  const quiet = { start: 21, end: 8 };
  const at = (iso: string) => Date.parse(iso);
  const iso = (t: number) => new Date(t).toISOString();

  test('outside quiet hours a message goes when due', () => {
    // 10:00 in Chicago (CST, UTC-6).
    expect(iso(outsideQuietHours(at('2026-12-01T16:00:00Z'), 'America/Chicago', quiet))).toBe(
      '2026-12-01T16:00:00.000Z',
    );
  });

  test('inside quiet hours it waits for 08:00 local, the same night or the next morning', () => {
    // 04:00 in Chicago: waits until 08:00 the same day.
    expect(iso(outsideQuietHours(at('2026-12-01T10:00:00Z'), 'America/Chicago', quiet))).toBe(
      '2026-12-01T14:00:00.000Z',
    );
    // 22:30 in Chicago: waits until 08:00 the next day.
    expect(iso(outsideQuietHours(at('2026-12-02T04:30:00Z'), 'America/Chicago', quiet))).toBe(
      '2026-12-02T14:00:00.000Z',
    );
  });

  test('follows daylight saving time', () => {
    // 2027-03-14 is the first day of CDT (UTC-5): 08:00 local is 13:00 UTC.
    expect(iso(outsideQuietHours(at('2027-03-14T09:00:00Z'), 'America/Chicago', quiet))).toBe(
      '2027-03-14T13:00:00.000Z',
    );
  });

  test('a window within one day works too, and bad settings name the problem', () => {
    expect(iso(outsideQuietHours(at('2026-12-01T13:00:00Z'), 'UTC', { start: 12, end: 14 }))).toBe(
      '2026-12-01T14:00:00.000Z',
    );
    expect(parseQuietHours('22-7')).toEqual({ start: 22, end: 7 });
    expect(() => parseQuietHours('8-8')).toThrow(/two different hours/);
    expect(() => parseQuietHours('night')).toThrow(/such as 21-8/);
  });
});

test('status-update interval: the customer’s preference within the policy bounds', () => {
  expect(statusUpdateDays(null, DEFAULT_CASE_SETTINGS)).toBe(7);
  expect(statusUpdateDays(3, DEFAULT_CASE_SETTINGS)).toBe(3);
  expect(statusUpdateDays(30, DEFAULT_CASE_SETTINGS)).toBe(14);
  expect(statusUpdateDays(0, DEFAULT_CASE_SETTINGS)).toBe(1);
});

/** The amount lines of a rendered resolution, as the customer reads them in the text part. */
const amountLines = (text: string) =>
  [...text.matchAll(/^\s*([A-Z][\w ]+):\s+(\$[\d,.]+)$/gm)].map(([, label, amount]) => `${label}: ${amount}`);

describe('the resolution’s amounts, for every outcome', () => {
  /** The data the workflow sends: what it credits, and the difference it books against the provisional credit. */
  const resolved = (outcome: string, creditCents: number, provisionalCreditCents: number | null) => {
    const adjustment = creditCents - (provisionalCreditCents ?? 0);
    const data = {
      ...base,
      outcome,
      creditCents,
      provisionalCreditCents,
      adjustmentCents: Math.abs(adjustment),
      reversal: adjustment < 0,
      reopenWindowDays: 60,
    };
    const message = renderMessage('resolved', data, 'UTC');
    return { lines: amountLines(message.text), html: message.html };
  };

  test.each([
    ['in full, no provisional credit', 'customer_favour', 1499, null, ['Credited to you: $14.99']],
    ['in part, no provisional credit', 'partial', 700, null, ['Credited to you: $7.00']],
    ['for the merchant, no provisional credit', 'merchant_favour', 0, null, ['Credited to you: $0.00']],
    [
      'in full after provisional credit',
      'customer_favour',
      1499,
      1499,
      ['Credited to you: $14.99', 'Provisional credit already given: $14.99'],
    ],
    [
      'in part after provisional credit',
      'partial',
      700,
      1499,
      ['Credited to you: $7.00', 'Provisional credit already given: $14.99', 'Taken back: $7.99'],
    ],
    [
      'for the merchant after provisional credit',
      'merchant_favour',
      0,
      1499,
      ['Credited to you: $0.00', 'Provisional credit already given: $14.99', 'Taken back: $14.99'],
    ],
    [
      'in full after a smaller provisional credit',
      'customer_favour',
      1499,
      500,
      ['Credited to you: $14.99', 'Provisional credit already given: $5.00', 'Still to come: $9.99'],
    ],
  ])('%s: each amount once', (_case, outcome, credit, provisional, expected) => {
    const { lines, html } = resolved(outcome, credit, provisional);
    expect(lines).toEqual(['Disputed: $14.99', ...expected]);
    // The HTML part says the same: no "still to come" beside a credit that is all there is.
    expect(html.includes('Still to come')).toBe(expected.some((line) => line.startsWith('Still to come')));
  });
});
