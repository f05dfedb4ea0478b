/**
 * The cohort generator and the evaluation that replays the watch's rules over it: a seed makes
 * the same cohort, the labels never change an alert, and the scores follow their definitions.
 */
import { generateCohort, type Cohort } from '../../src/care/cohort';
import { alertsFor, evaluate, score } from '../../src/care/evaluate';

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
  const cohort = generateCohort(11, 30);
  const { alerts, scores } = await evaluate(cohort);
  const unlabelled: Cohort = { customers: cohort.customers.map(({ leftDay: _left, kind: _kind, ...c }) => c) };
  expect((await evaluate(unlabelled)).alerts).toEqual(alerts);
  expect(alerts.every((a) => ['watch', 'high'].includes(a.level) && a.rules.length > 0)).toBe(true);
  expect(scores.customers).toBe(30);
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
