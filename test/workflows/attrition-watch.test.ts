/**
 * The attrition watch on the time-skipping server, with the real activities reading usage that
 * the card processor's feed has written ahead of the server's clock: each customer's usage is
 * known in advance, and the watch sees it only as the days pass. Cases are left open here: on
 * the time-skipping server a closed parent with a running abandoned child stalls the clock, so a
 * closing case is tested on the dev server (attrition-watch-close.test.ts).
 */
import { attritionWatchWorkflowId, getWatchQuery, type WatchView } from '../../workflows/attrition-watch/messages';
import { assignUpdate, getCaseQuery, resolveUpdate } from '../../workflows/dispute/messages';
import { CURRENT_RULE_SET } from '../../workflows/domain/risk-rules';
import { DAY_MS } from '../../workflows/domain/time';
import { AttritionRisk } from '../../workflows/search-attributes';
import { DisputeBench } from '../helpers/disputes';

// A server of its own for each test: watches left polling by one test would slow the next one's clock.
// The time-skipping test server sometimes strands a run (see REFUSAL in helpers/quiet-runtime.ts):
// a stalled test times out and runs again on a fresh server. A stall costs two tries (the stalled
// call fails when its server is stopped, and Jest counts that against the next try).
jest.retryTimes(6, { logErrorsBeforeRetry: true });
jest.setTimeout(45_000);

let bench: DisputeBench;
beforeEach(async () => {
  bench = await DisputeBench.start({ policy: { attritionWatch: true }, watch: { observeDays: 30 } });
});
afterEach(() => bench?.stop());

/** Usage falling steadily to nothing, from `start` days ahead over `length` days. */
const ramp = (start: number, length: number) => (day: number) =>
  day < start ? 1 : Math.max(0, 1 - (day - start) / length);

const watchOf = (caseId: string) => bench.env.client.workflow.getHandle(attritionWatchWorkflowId(caseId));
const riskEvents = async (caseId: string) =>
  (await bench.auditLog(caseId)).filter((e) => e.type === 'attrition_risk_changed').map((e) => e.data.to);
/** What the watch made of the customer: the rules that fired at its latest look. */
const firedRules = async (caseId: string) =>
  ((await watchOf(caseId).query(getWatchQuery)).latest?.rules ?? []).map((r) => r.name);
/** Nobody works these cases, so their SLA breaches: friction, worth watching, not a usage signal. */
const FRICTION = 'the dispute is causing friction';

test('steady usage raises no risk from usage; the watch continues as new and keeps its state', async () => {
  const customer = await bench.newCustomer('steady');
  const { caseId, handle } = await bench.open({ customer });
  const firstRun = (await watchOf(caseId).describe()).runId;
  // 65 daily polls: past the 60 a run takes before it hands over to the next.
  await bench.env.sleep(65 * DAY_MS);
  await bench.settled(caseId, handle);
  expect(await firedRules(caseId)).toEqual([FRICTION]);
  expect(await riskEvents(caseId)).toEqual(['watch']);
  const first = await bench.env.client.workflow.getHandle(attritionWatchWorkflowId(caseId), firstRun).describe();
  expect(first.status.name).toBe('CONTINUED_AS_NEW');
  const current = await watchOf(caseId).query(getWatchQuery);
  // The new run carries the count of looks, the level and what the dispute told it.
  expect(current.polls).toBeGreaterThanOrEqual(65);
  expect(current).toMatchObject({ level: 'watch', progress: { slaBreaches: 1 } });
});

test('usage ramping down during an open dispute raises high risk once, with the rules behind it', async () => {
  const customer = await bench.newCustomer('leaving', ramp(5, 28));
  const { caseId, handle } = await bench.open({ customer });
  await bench.env.sleep(45 * DAY_MS);
  await bench.settled(caseId, handle);
  const risks = await riskEvents(caseId);
  expect(risks.at(-1)).toBe('high');
  expect(risks.filter((level) => level === 'high')).toHaveLength(1);
  expect((await handle.query(getCaseQuery)).attritionRisk).toBe('high');
  expect((await handle.describe()).typedSearchAttributes.get(AttritionRisk)).toBe('high');
  expect((await bench.readModel(caseId)).attritionRisk).toBe('high');
  const watch = await watchOf(caseId).query(getWatchQuery);
  expect(watch.latest?.rules.map((r) => r.level)).toContain('high');
  expect(watch.latest?.facts).toMatchObject({ disputeOpen: true, gapExplained: false });
  await bench.keepHistory('attrition-high', handle);
  await bench.keepHistory('attrition-watch-high', watchOf(caseId));
});

test('a gap with a travel notice raises no risk from usage', async () => {
  const away = (day: number) => (day >= 5 && day < 30 ? 0 : 1);
  const customer = await bench.newCustomer('travelling', away);
  const now = await bench.env.currentTimeMs();
  await bench.db.cardEvent.create({
    data: {
      id: 'trip-1',
      cardId: customer.cardId,
      type: 'travel_notice',
      at: new Date(now + 4 * DAY_MS),
      until: new Date(now + 30 * DAY_MS),
    },
  });
  const { caseId, handle } = await bench.open({ customer });
  await bench.env.sleep(35 * DAY_MS);
  const view = await bench.settled(caseId, handle);
  expect(await firedRules(caseId)).toEqual([FRICTION]);
  expect(await riskEvents(caseId)).toEqual(['watch']);
  expect(view.outreach).toEqual([]);
});

test('the gap of a blocked and reissued card raises no risk from usage, and no outreach', async () => {
  const blocked = (day: number) => (day >= 5 && day < 16 ? 0 : 1);
  const customer = await bench.newCustomer('reissued', blocked);
  const now = await bench.env.currentTimeMs();
  await bench.db.cardEvent.create({
    data: { id: 'reissue-1', cardId: customer.cardId, type: 'card_reissued', at: new Date(now + 5 * DAY_MS) },
  });
  const { caseId, handle } = await bench.open({ customer });
  for (let day = 0; day < 30; day += 5) {
    await bench.env.sleep(5 * DAY_MS);
    // At no look along the way did the gap count against her.
    expect((await watchOf(caseId).query(getWatchQuery)).level).not.toBe('high');
  }
  const view = await bench.settled(caseId, handle);
  expect(await riskEvents(caseId)).not.toContain('high');
  expect(view.outreach).toEqual([]);
});

test('the watch starts knowing how the case stands: intake writes the case once, and the watch hears only changes', async () => {
  const customer = await bench.newCustomer('steady');
  const { caseId, handle } = await bench.open({ customer });
  await bench.settled(caseId, handle);
  const signals = async () =>
    ((await watchOf(caseId).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes)
      .length;
  /** The read-model writes scheduled before the acknowledgement went out: intake's. */
  const writes = async () => {
    const scheduled = ((await handle.fetchHistory()).events ?? []).map(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name,
    );
    return scheduled.slice(0, scheduled.indexOf('sendNotification')).filter((name) => name === 'syncCase').length;
  };
  // Before, the case wrote itself again after starting its watch and told the watch it was open.
  expect(await writes()).toBe(1);
  expect(await signals()).toBe(0);
  expect((await watchOf(caseId).query(getWatchQuery)).progress).toEqual({
    resolvedAt: null,
    closed: false,
    slaBreaches: 0,
    customerContacts: 0,
  });

  const agent = await bench.actor('merchant-disputes-agent-1');
  await handle.executeUpdate(assignUpdate, {
    args: [{ actor: agent, assignee: { id: agent.id, role: agent.role, departmentId: agent.departmentId } }],
  });
  await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: agent, outcome: 'customer_favour', rationale: 'Merchant gave no proof' }],
  });
  const { resolution } = await bench.settled(caseId, handle);
  // The assignment changes nothing the watch weighs; the resolution does.
  expect(await signals()).toBe(1);
  expect((await watchOf(caseId).query(getWatchQuery)).progress.resolvedAt).toBe(resolution!.at);
  await bench.keepHistory('watch-knows-progress', handle);
  await bench.keepHistory('watch-knows-progress-watch', watchOf(caseId));
});

test('a fall soon after the resolution is still the dispute’s: high risk, an outreach, and the customer reported lost', async () => {
  const customer = await bench.newCustomer('later', ramp(1, 5));
  const { caseId, handle } = await bench.open({ customer });
  const agent = await bench.actor('merchant-disputes-agent-1');
  await handle.executeUpdate(assignUpdate, {
    args: [{ actor: agent, assignee: { id: agent.id, role: agent.role, departmentId: agent.departmentId } }],
  });
  await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: agent, outcome: 'customer_favour', rationale: 'Merchant gave no proof' }],
  });
  const outcome = (await watchOf(caseId).result()) as WatchView;
  expect(outcome).toMatchObject({ outcome: 'lost', level: 'high' });
  expect((await riskEvents(caseId)).filter((level) => level === 'high')).toHaveLength(1);
  const view = await bench.settled(caseId, handle);
  expect(view.stage).toBe('resolved');
  expect(view.outreach).toHaveLength(1);
  expect(await bench.readModel(caseId)).toMatchObject({ retentionOutcome: 'lost' });
  await bench.keepHistory('outreach-after-resolution', handle);
});

test('a customer who stops at once during an open dispute is raised to high once, and an outreach opens', async () => {
  const customer = await bench.newCustomer('switched', (day) => (day >= 3 ? 0 : 1));
  const { caseId, handle } = await bench.open({ customer });
  await bench.env.sleep(20 * DAY_MS);
  const view = await bench.settled(caseId, handle);
  const risks = await riskEvents(caseId);
  expect(risks.filter((level) => level === 'high')).toHaveLength(1);
  expect(view.outreach).toHaveLength(1);
  const watch = await watchOf(caseId).query(getWatchQuery);
  expect(watch.latest).toMatchObject({ level: 'high', ruleSet: CURRENT_RULE_SET.version });
  expect(watch.latest?.rules.map((r) => r.name)).toContain('usage fell away during the dispute');
  await bench.keepHistory('attrition-watch-stop', watchOf(caseId));
});
