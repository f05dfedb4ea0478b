/** The pure domain logic the dispute workflow runs: calendars, clocks, regulations, routing, policy. */
import { addBusinessTime, businessTimeBetween } from '../../workflows/domain/business-time';
import { DAY_MS } from '../../workflows/domain/time';
import {
  clockStatus,
  deadlineOf,
  dueEvents,
  endClock,
  nextWake,
  pauseClock,
  resumeClock,
  startClock,
} from '../../workflows/domain/clocks';
import { findSlaPolicy, type SlaPolicy } from '../../workflows/domain/case-policy';
import {
  endOfSecondBillingCycle,
  regulatoryClockSpecs,
  type RegulationFacts,
} from '../../workflows/domain/regulations';
import { bindingRefusal } from '../../workflows/domain/action-rules';
import { matchRoute, type RoutingRule } from '../../workflows/domain/routing';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
// Thanksgiving 2026 is Thursday 26 November.
const HOLIDAYS = new Set(['2026-11-26', '2026-12-25']);

describe('business time', () => {
  test('a business day from Monday 10:00 is Tuesday 10:00', () => {
    expect(iso(addBusinessTime(at('2026-11-16T10:00:00Z'), DAY_MS, HOLIDAYS))).toBe('2026-11-17T10:00:00.000Z');
  });

  test('weekends and holidays do not count', () => {
    // Wednesday 10:00 + 2 business days skips Thanksgiving (Thu) and the weekend: Monday 10:00.
    expect(iso(addBusinessTime(at('2026-11-25T10:00:00Z'), 2 * DAY_MS, HOLIDAYS))).toBe('2026-11-30T10:00:00.000Z');
    // From Saturday the clock starts on Monday morning.
    expect(iso(addBusinessTime(at('2026-11-21T15:00:00Z'), DAY_MS, HOLIDAYS))).toBe('2026-11-24T00:00:00.000Z');
  });

  test('ten business days, as Reg E counts them', () => {
    expect(iso(addBusinessTime(at('2026-11-16T10:00:00Z'), 10 * DAY_MS, HOLIDAYS))).toBe('2026-12-01T10:00:00.000Z');
  });

  test('businessTimeBetween is the inverse of addBusinessTime', () => {
    const from = at('2026-11-20T17:30:00Z');
    for (const days of [0.5, 1, 3, 7, 45]) {
      expect(businessTimeBetween(from, addBusinessTime(from, days * DAY_MS, HOLIDAYS), HOLIDAYS)).toBe(days * DAY_MS);
    }
    expect(businessTimeBetween(at('2026-11-28T00:00:00Z'), at('2026-11-30T00:00:00Z'), HOLIDAYS)).toBe(0);
    expect(businessTimeBetween(at('2026-11-30T00:00:00Z'), at('2026-11-28T00:00:00Z'), HOLIDAYS)).toBe(0);
  });
});

describe('clocks', () => {
  const monday = at('2026-11-16T10:00:00Z');
  const sla = () =>
    startClock(
      {
        id: 'sla:investigation:1',
        kind: 'sla',
        label: 'Investigation',
        basis: 'business',
        budgetMs: 5 * DAY_MS,
        warnBeforeMs: DAY_MS,
      },
      monday,
    );

  test('warns one business day before the deadline, then breaches at it', () => {
    const clock = sla();
    expect(iso(deadlineOf(clock, HOLIDAYS))).toBe('2026-11-23T10:00:00.000Z');
    expect(iso(nextWake(clock, HOLIDAYS))).toBe('2026-11-20T10:00:00.000Z');
    expect(dueEvents(clock, at('2026-11-20T09:59:59Z'), HOLIDAYS)).toEqual([]);
    expect(dueEvents(clock, at('2026-11-24T00:00:00Z'), HOLIDAYS)).toEqual([
      { event: 'warn', at: at('2026-11-20T10:00:00Z') },
      { event: 'breach', at: at('2026-11-23T10:00:00Z') },
    ]);
  });

  test('a pause keeps the remaining business time and moves the deadline', () => {
    const clock = sla();
    pauseClock(clock, at('2026-11-17T10:00:00Z'), HOLIDAYS); // one business day used
    expect(clockStatus(clock)).toBe('paused');
    expect(deadlineOf(clock, HOLIDAYS)).toBeNull();
    expect(nextWake(clock, HOLIDAYS)).toBeNull();
    resumeClock(clock, at('2026-11-30T10:00:00Z'));
    // Four business days left from Monday 30 November.
    expect(iso(deadlineOf(clock, HOLIDAYS))).toBe('2026-12-04T10:00:00.000Z');
  });

  test('an ended clock is met, or met late after a breach, and asks for nothing more', () => {
    const clock = sla();
    clock.breachedAt = at('2026-11-23T10:00:00Z');
    expect(clockStatus(clock)).toBe('breached');
    endClock(clock, at('2026-11-24T10:00:00Z'), 'met', HOLIDAYS);
    expect(clockStatus(clock)).toBe('met_late');
    expect(nextWake(clock, HOLIDAYS)).toBeNull();
    const transferred = sla();
    endClock(transferred, monday, 'transferred', HOLIDAYS);
    expect(clockStatus(transferred)).toBe('ended');
  });

  test('a regulatory clock acts its lead time before the deadline', () => {
    const [credit] = regulatoryClockSpecs(debit({}), monday, 12);
    const clock = startClock(credit, monday);
    expect(iso(nextWake(clock, HOLIDAYS))).toBe('2026-11-30T22:00:00.000Z');
    expect(dueEvents(clock, at('2026-11-30T22:00:00Z'), HOLIDAYS).map((e) => e.event)).toEqual(['act']);
  });
});

const debit = (facts: Partial<RegulationFacts>): RegulationFacts => ({
  cardType: 'debit',
  pointOfSale: false,
  foreign: false,
  newAccount: false,
  statementDay: 1,
  ...facts,
});

describe('regulatory clocks', () => {
  const opened = at('2026-01-15T12:00:00Z');

  test('Reg E: 10 business days for provisional credit, 45 days to resolve', () => {
    const specs = regulatoryClockSpecs(debit({}), opened, 12);
    expect(specs.map((s) => [s.id, s.basis, s.budgetMs / DAY_MS, s.action])).toEqual([
      ['reg-e:provisional-credit', 'business', 10, 'grant_provisional_credit'],
      ['reg-e:resolution', 'calendar', 45, 'escalate'],
    ]);
  });

  test.each([{ pointOfSale: true }, { foreign: true }, { newAccount: true }])('Reg E: 90 days for %o', (facts) => {
    expect(regulatoryClockSpecs(debit(facts), opened, 12)[1].budgetMs).toBe(90 * DAY_MS);
  });

  test('Reg Z: acknowledge in 30 days, resolve within two complete billing cycles', () => {
    const specs = regulatoryClockSpecs({ ...debit({}), cardType: 'credit', statementDay: 1 }, opened, 12);
    expect(specs.map((s) => s.id)).toEqual(['reg-z:acknowledgement', 'reg-z:resolution']);
    expect(specs[0].budgetMs).toBe(30 * DAY_MS);
    // Notice on 15 January; cycles close 1 Feb (in progress), 1 Mar and 1 Apr: resolve by 1 April.
    expect(iso(opened + specs[1].budgetMs)).toBe('2026-04-01T00:00:00.000Z');
  });

  test('Reg Z: never more than 90 days', () => {
    // Notice a day after the statement closes on the 28th: two complete cycles end on 28 January,
    // 91 days later, so the 90-day cap applies.
    const opened = at('2026-10-29T00:00:00Z');
    expect(iso(endOfSecondBillingCycle(opened, 28))).toBe('2027-01-28T00:00:00.000Z');
    const specs = regulatoryClockSpecs({ ...debit({}), cardType: 'credit', statementDay: 28 }, opened, 12);
    expect(specs[1].budgetMs).toBe(90 * DAY_MS);
    expect(iso(endOfSecondBillingCycle(at('2026-11-20T00:00:00Z'), 15))).toBe('2027-02-15T00:00:00.000Z');
  });
});

describe('routing', () => {
  const rule = (priority: number, departmentId: string, extra: Partial<RoutingRule> = {}): RoutingRule => ({
    id: priority,
    priority,
    departmentId,
    description: '',
    reasonCode: null,
    tier: null,
    minAmountCents: null,
    maxAmountCents: null,
    ...extra,
  });
  const rules = [
    rule(1000, 'merchant-disputes'),
    rule(10, 'chargebacks', { minAmountCents: 500_000 }),
    rule(40, 'fraud', { reasonCode: 'unrecognized', tier: 'platinum' }),
    rule(50, 'merchant-disputes', { reasonCode: 'unrecognized', maxAmountCents: 5_000 }),
    rule(60, 'fraud', { reasonCode: 'unrecognized' }),
  ];

  test.each([
    ['small unrecognised, gold', { reasonCode: 'unrecognized', tier: 'gold', amountCents: 1_499 }, 'merchant-disputes'],
    ['small unrecognised, platinum', { reasonCode: 'unrecognized', tier: 'platinum', amountCents: 1_499 }, 'fraud'],
    ['larger unrecognised', { reasonCode: 'unrecognized', tier: 'standard', amountCents: 20_000 }, 'fraud'],
    ['high value of any kind', { reasonCode: 'unrecognized', tier: 'platinum', amountCents: 900_000 }, 'chargebacks'],
    ['anything else', { reasonCode: 'not_received', tier: 'standard', amountCents: 2_000 }, 'merchant-disputes'],
  ] as const)('%s', (_name, facts, department) => {
    expect(matchRoute(rules, facts)?.departmentId).toBe(department);
  });

  test('no rule, no route', () => {
    expect(matchRoute([], { reasonCode: 'x', tier: 'gold', amountCents: 1 })).toBeNull();
  });
});

describe('SLA policy', () => {
  const policy = (businessDays: number, extra: Partial<SlaPolicy> = {}): SlaPolicy => ({
    stage: 'investigation',
    departmentId: null,
    tier: null,
    businessDays,
    warnBusinessDaysBefore: 1,
    pausedWhileAwaitingCustomer: true,
    ...extra,
  });
  const policies = [
    policy(10),
    policy(5, { departmentId: 'fraud' }),
    policy(4, { tier: 'platinum' }),
    policy(3, { departmentId: 'fraud', tier: 'platinum' }),
    policy(2, { stage: 'pending_approval' }),
  ];

  test('the narrowest matching row wins', () => {
    expect(findSlaPolicy(policies, 'investigation', 'merchant-disputes', 'gold')?.businessDays).toBe(10);
    expect(findSlaPolicy(policies, 'investigation', 'fraud', 'gold')?.businessDays).toBe(5);
    expect(findSlaPolicy(policies, 'investigation', 'merchant-disputes', 'platinum')?.businessDays).toBe(4);
    expect(findSlaPolicy(policies, 'investigation', 'fraud', 'platinum')?.businessDays).toBe(3);
    expect(findSlaPolicy(policies, 'awaiting_network', 'fraud', 'platinum')).toBeNull();
  });
});

describe('bindingRefusal', () => {
  const expected = { workflowId: 'dispute-DSP-C', action: 'approveResolution', requestId: 'r-1' };
  test('takes the request made for this case, action and Update, once', () => {
    expect(bindingRefusal(expected, expected, [])).toBeNull();
    expect(bindingRefusal(expected, expected, ['r-1'])).toMatchObject({
      code: 'Forbidden',
      message: /applied already/,
    });
  });
  test.each([
    ['another case', { workflowId: 'dispute-DSP-D' }, /made for dispute-DSP-D, not dispute-DSP-C/],
    ['another action', { action: 'addNote' }, /made for addNote, not approveResolution/],
    ['another Update', { requestId: 'r-2' }, /made as request r-2, not r-1/],
  ])('refuses a request made for %s', (_what, change, message) => {
    expect(bindingRefusal({ ...expected, ...change }, expected, [])).toMatchObject({ code: 'Forbidden', message });
  });
  test('refuses a request with no binding, naming the field', () => {
    expect(bindingRefusal(undefined, expected, [])).toMatchObject({ code: 'Forbidden', field: 'binding' });
  });
});
