/**
 * The customer-experience figures of a story worked through the product: two cases opened, taken,
 * one waiting on the customer while she chases, one left past its SLA, both resolved and both
 * answered in the survey; on the time-skipping server with the real activities, so every instant
 * is known and every figure can be worked out by hand (METRICS.md gives the definitions).
 */
import { answerSurvey } from '../../src/self-service/survey';
import { computeFigures, type Figures } from '../../src/cem/figures';
import {
  addNoteUpdate,
  assignUpdate,
  recordContactUpdate,
  recordResponseUpdate,
  requestInfoUpdate,
  resolveUpdate,
} from '../../workflows/dispute/messages';
import { DAY_MS } from '../../workflows/domain/time';
import { JANE } from '../../prisma/seed';
import { DisputeBench, type DisputeHandle } from '../helpers/disputes';

let bench: DisputeBench;
beforeAll(async () => {
  bench = await DisputeBench.start();
  await bench.toMondayMorning();
});
afterAll(() => bench?.stop());

const DEPARTMENT = 'merchant-disputes';

test('every figure of a known story equals its value worked out by hand', async () => {
  const a = await bench.open();
  const b = await bench.open();
  const opened = Date.parse(a.view.openedAt);
  const agent1 = await bench.actor('merchant-disputes-agent-1');
  const agent2 = await bench.actor('merchant-disputes-agent-2');
  const take = (handle: DisputeHandle, agent: typeof agent1) =>
    handle.executeUpdate(assignUpdate, {
      args: [{ actor: agent, assignee: { id: agent.id, role: agent.role, departmentId: agent.departmentId } }],
    });
  await take(a.handle, agent1);
  await take(b.handle, agent2);

  // Day 1: agent 1 asks A's customer for a receipt. Day 2: she phones about it; agent 2 first looks at B.
  await bench.env.sleep(DAY_MS);
  await a.handle.executeUpdate(requestInfoUpdate, { args: [{ actor: agent1, question: 'A receipt?' }] });
  await bench.env.sleep(DAY_MS);
  await a.handle.executeUpdate(recordContactUpdate, { args: [{ actor: agent1, channel: 'phone' }] });
  await b.handle.executeUpdate(addNoteUpdate, { args: [{ actor: agent2, text: 'Asked the merchant' }] });
  // Day 3: her answer. Day 4: A is resolved in her favour.
  await bench.env.sleep(DAY_MS);
  await a.handle.executeUpdate(recordResponseUpdate, {
    args: [{ actor: agent1, party: 'customer', summary: 'No receipt: never ordered' }],
  });
  await bench.env.sleep(DAY_MS);
  await a.handle.executeUpdate(resolveUpdate, {
    args: [{ actor: agent1, outcome: 'customer_favour', rationale: 'No authorisation' }],
  });
  // Day 35: B, long past its 10 business days, is decided by the supervisor.
  await bench.env.sleep(31 * DAY_MS);
  const supervisor = await bench.actor('merchant-disputes-supervisor');
  const late = await b.handle.executeUpdate(resolveUpdate, {
    args: [{ actor: supervisor, outcome: 'merchant_favour', rationale: 'Delivery proven' }],
  });
  expect(late.clocks.some((c) => c.id.startsWith('sla:') && c.breachedAt !== null)).toBe(true);
  for (const { caseId, handle } of [a, b]) await bench.settled(caseId, handle);
  const visitor = (caseId: string) => ({ sessionId: 's', caseId, customerId: JANE.customerId, verifiedUntil: null });
  await answerSurvey(bench.db, visitor(a.caseId), { satisfaction: 5, recommend: 9, comment: null });
  await answerSurvey(bench.db, visitor(b.caseId), { satisfaction: 2, recommend: 4, comment: 'Too slow' });

  const now = await bench.env.currentTimeMs();
  // From the day before (survey answers carry the machine's clock, which the server has run ahead of).
  const range = { from: new Date(Date.now() - DAY_MS), to: new Date(now + DAY_MS), departmentId: null };
  const figures = await computeFigures(bench.db, range, new Date(now));
  const row = (id: keyof Figures, group: Record<string, string> = {}) =>
    figures[id].find((r) => JSON.stringify(r.group) === JSON.stringify(group));
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  expect(figures.cases_opened).toEqual([{ group: { day: day(opened) }, value: 2 }]);
  expect(figures.cases_resolved).toEqual([
    { group: { day: day(opened + 4 * DAY_MS) }, value: 1 },
    { group: { day: day(opened + 35 * DAY_MS) }, value: 1 },
  ]);
  // A in 4 days, B in 35: the median is the first of two (nearest rank), the 90th percentile the second.
  expect(row('resolution_days_median')!.value).toBeCloseTo(4, 3);
  expect(row('resolution_days_p90')!.value).toBeCloseTo(35, 3);
  expect(row('sla_compliance')).toEqual({ group: {}, value: 0.5, numerator: 1, denominator: 2 });
  // A was resolved 31 days ago and chased before it: not resolved at first contact. B's 30 days run on.
  expect(row('first_contact_resolution')).toEqual({ group: {}, value: 0, numerator: 0, denominator: 1 });
  expect(row('cases_with_follow_ups')).toEqual({ group: {}, value: 0.5, numerator: 1, denominator: 2 });
  expect(row('follow_ups_per_case')).toEqual({ group: {}, value: 0.5, numerator: 1, denominator: 2 });
  expect(row('csat')).toEqual({ group: {}, value: 0.5, numerator: 1, denominator: 2 });
  expect(row('nps')).toEqual({ group: {}, value: 0, numerator: 0, denominator: 2 });
  expect(figures.open_cases).toEqual([]);

  // The journey: A investigated 1 day, waited 2 on her, then 1 more; B investigated 35.
  const place = (stage: string) => ({ stage, department: DEPARTMENT });
  expect(figures.journey_wait_days.map((r) => [r.group, r.value])).toEqual([
    [place('awaiting_customer'), expect.closeTo(2, 3)],
    [place('investigation'), expect.closeTo(1, 3)],
  ]);
  expect(figures.journey_chases).toEqual([{ group: place('awaiting_customer'), value: 1 }]);
  // Agent 1 acted a day after taking A, agent 2 two days after taking B.
  expect(figures.agent_first_action_hours.map((r) => [r.group.agent, r.value])).toEqual([
    [agent1.id, expect.closeTo(24, 3)],
    [agent2.id, expect.closeTo(48, 3)],
  ]);
});
