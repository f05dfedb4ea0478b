/**
 * The cohort generator and the evaluation that replays the watch's rules over it: a seed makes
 * the same cohort, the labels never change an alert, and the scores follow their definitions.
 */
import {
  FAMILIES,
  generateCohort,
  parseOverrides,
  type Cohort,
  type CohortCustomer,
} from '../../src/tools/care/cohort';
import { alertsFor, disputeFactsOf, evaluate, score, sweep, sweepTable } from '../../src/tools/care/evaluate';

test('a seed makes the same cohort, in the documented format', () => {
  const cohort = generateCohort(7, 40);
  expect(generateCohort(7, 40)).toEqual(cohort);
  expect(generateCohort(8, 40)).not.toEqual(cohort);
  const [first] = cohort.customers;
  expect(first).toMatchObject({ id: 'cust-7-0001', disputeOpenDay: expect.any(Number), events: expect.any(Array) });
  expect(first.days[0]).toEqual({ day: 0, count: expect.any(Number), spend: expect.any(Number) });
  for (const c of cohort.customers.filter((c) => c.leftDay !== undefined)) {
    expect(c.events).toContainEqual({ day: c.leftDay, type: 'card_closed' });
  }
});

test('the evaluation decides without the labels, and scores with them', async () => {
  const cohort = generateCohort(11, 12);
  const { alerts, scores } = await evaluate(cohort);
  const unlabelled: Cohort = { customers: cohort.customers.map(({ leftDay: _left, kind: _kind, ...c }) => c) };
  expect((await evaluate(unlabelled)).alerts).toEqual(alerts);
  expect(alerts.every((a) => ['watch', 'high'].includes(a.level) && a.rules.length > 0)).toBe(true);
  expect(scores.customers).toBe(12);
  expect(scores.leavers).toBe(cohort.customers.filter((c) => c.leftDay !== undefined).length);
  for (const value of [scores.precision, scores.recall])
    expect(value === null || (value >= 0 && value <= 1)).toBe(true);
});

test('precision, recall and lead are counted as the issue defines them', () => {
  const customer = (id: string, leftDay?: number) => ({
    id,
    tier: 'standard',
    disputeOpenDay: 10,
    disputeResolveDay: null,
    events: [],
    days: [],
    ...(leftDay === undefined ? {} : { leftDay }),
  });
  const cohort: Cohort = { customers: [customer('a', 50), customer('b', 40), customer('c'), customer('d', 30)] };
  const high = (customerId: string, day: number) => ({ customerId, day, level: 'high' as const, rules: ['r'] });
  // a: caught 20 days ahead; b: alerted only after leaving; c: a false alarm; d: never alerted.
  expect(score(cohort, [high('a', 30), high('b', 45), high('c', 20)])).toEqual({
    customers: 4,
    leavers: 3,
    alertedHigh: 3,
    precision: 0.333,
    recall: 0.333,
    medianLeadDays: 20,
    alertsPer1000: 750,
  });
});

test('a customer whose usage is steady raises no alert', async () => {
  const steady = generateCohort(3, 200).customers.find((c) => c.kind === 'loyal')!;
  const alerts = await alertsFor(steady);
  expect(alerts.filter((a) => a.level === 'high')).toEqual([]);
});

test('every family keeps its assumptions: leavers leave after the dispute opens, as fast and as deep as it says', () => {
  const customers = (family: string) => generateCohort(5, 150, FAMILIES[family].params).customers;
  const leavers = (family: string) => customers(family).filter((c) => c.leftDay !== undefined);
  for (const c of leavers('mixed')) {
    expect(c.leftDay!).toBeGreaterThan(c.disputeOpenDay);
    expect(c.events).toContainEqual({ day: c.leftDay, type: 'card_closed' });
  }
  // A cliff: from usual to nothing within two days, so the week before leaving is all but empty.
  const cliff = leavers('cliff').filter((c) => c.leftDay! - c.disputeOpenDay > 14);
  const weekBefore = (c: CohortCustomer) => c.days.slice(c.leftDay! - 7, c.leftDay!).reduce((a, d) => a + d.count, 0);
  expect(cliff.filter((c) => weekBefore(c) <= 2).length / cliff.length).toBeGreaterThan(0.8);
  expect(customers('silent').every((c) => (c.contacts ?? []).length === 0)).toBe(true);
  expect(leavers('rare-leaving').length).toBeLessThan(leavers('common-leaving').length / 5);
  // Contacts and breaches fall while the dispute is open.
  for (const c of customers('chasers')) {
    const until = c.disputeResolveDay ?? Infinity;
    for (const { day } of [...(c.contacts ?? []), ...(c.slaBreaches ?? [])]) {
      expect(day).toBeGreaterThanOrEqual(c.disputeOpenDay);
      expect(day).toBeLessThan(until);
    }
  }
});

test('parameters are set by name, and a wrong one is named', () => {
  expect(parseOverrides(['fallDays=1,2', 'leaverShare=0.1', 'declineStart=before'])).toEqual({
    fallDays: [1, 2],
    leaverShare: 0.1,
    declineStart: 'before',
  });
  expect(() => parseOverrides(['fallDay=1,2'])).toThrow(/fallDay=1,2: expected one of leaverShare/);
  expect(() => parseOverrides(['fallDays=1'])).toThrow(/fallDays takes two numbers/);
});

test('the sweep scores every family beside the naive rule, in one table', async () => {
  const rows = await sweep([3], 4);
  expect(rows.map((r) => r.family)).toEqual(Object.keys(FAMILIES));
  for (const { rules, naiveRule } of rows) {
    for (const scores of [rules, naiveRule]) {
      expect(scores.customers).toBe(4);
      for (const v of [scores.precision, scores.recall]) expect(v === null || (v >= 0 && v <= 1)).toBe(true);
    }
  }
  const table = sweepTable(rows).split('\n');
  expect(table).toHaveLength(2 + rows.length);
  expect(table[2]).toMatch(/^\| mixed \| \d+ \|/);
});

test('the friction in a cohort file is read as of each day', () => {
  const customer = generateCohort(9, 1).customers[0];
  const open = customer.disputeOpenDay;
  const withFriction = {
    ...customer,
    contacts: [{ day: open + 3 }, { day: open + 9 }],
    slaBreaches: [{ day: open + 5 }],
  };
  expect(disputeFactsOf(withFriction, open + 4)).toMatchObject({ customerContacts: 1, slaBreaches: 0 });
  expect(disputeFactsOf(withFriction, open + 9)).toMatchObject({ customerContacts: 2, slaBreaches: 1 });
  const { contacts: _c, slaBreaches: _s, ...without } = withFriction;
  expect(disputeFactsOf(without, open + 9)).toMatchObject({ customerContacts: 0, slaBreaches: 0 });
});
