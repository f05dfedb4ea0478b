/**
 * Care outreach on the time-skipping server, with the real activities, database and SMTP sink:
 * a customer whose usage falls away while the dispute waits gets one outreach, the care team is
 * told, the case goes first in its queue, and the outreach is worked to an outcome: an offer
 * above the agent's authority waits for a supervisor, the accepted concession is booked on the
 * card, and after the resolution the watch finds the customer stayed: a save.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { attritionWatchWorkflowId, type WatchView } from '../../workflows/attrition-watch/messages';
import {
  approveOfferUpdate,
  claimOutreachUpdate,
  recordOutreachOutcomeUpdate,
  requestOfferUpdate,
  resolveUpdate,
  type CaseView,
} from '../../workflows/dispute/messages';
import { DAY_MS, HOUR_MS } from '../../workflows/domain/time';
import { computeFigures } from '../../src/cem/figures';
import { DisputeBench, refusal, type DisputeHandle } from '../helpers/disputes';

// The time-skipping test server sometimes strands a run (see REFUSAL in helpers/quiet-runtime.ts):
// a stalled test times out and runs again on a fresh server. A stall costs two tries (the stalled
// call fails when its server is stopped, and Jest counts that against the next try).
jest.retryTimes(6, { logErrorsBeforeRetry: true });
jest.setTimeout(60_000);

let bench: DisputeBench;
beforeEach(async () => {
  bench = await DisputeBench.start({ policy: { attritionWatch: true }, watch: { observeDays: 30 } });
});
afterEach(() => bench?.stop());

/** Usage falls from day 5 to nothing by day 25, and comes back from day 30. */
const leavesThenReturns = (day: number) => (day < 5 ? 1 : day < 25 ? 1 - (day - 5) / 20 : day < 30 ? 0 : 1);

/** Lets simulated days pass until the case has an outreach. */
async function untilOutreach(caseId: string, handle: DisputeHandle, days = 45): Promise<CaseView> {
  for (let day = 0; day < days; day++) {
    const view = await bench.settled(caseId, handle);
    if (view.outreach.length) return view;
    await bench.env.sleep(DAY_MS);
  }
  throw new Error(`no outreach on ${caseId} after ${days} days`);
}

test('falling usage during an open dispute opens one outreach, worked to a save', async () => {
  const customer = await bench.newCustomer('leaving', leavesThenReturns);
  const { caseId, handle } = await bench.open({ customer });
  const opened = await untilOutreach(caseId, handle);

  // One outreach, with a deadline and a recommendation by the customer's value ($9,000: 24 hours, points).
  const [outreach] = opened.outreach;
  expect(opened.outreach).toHaveLength(1);
  expect(opened).toMatchObject({ attritionRisk: 'high', priority: 'high' });
  expect(Date.parse(outreach.dueAt) - Date.parse(outreach.openedAt)).toBe(24 * HOUR_MS);
  expect(outreach.recommendation).toEqual({
    actions: ['call_back', 'commit_resolve_by', 'offer_concession'],
    resolveBy: expect.any(String),
    concession: { kind: 'reward_points', valueCents: 5000 },
  });

  // The task carries the brief; the care team is alerted and its queue emailed; the case goes first.
  const task = await bench.db.outreachTask.findUniqueOrThrow({ where: { id: outreach.id } });
  expect(JSON.parse(task.brief)).toMatchObject({
    profile: { name: 'Test leaving', tier: 'gold', lifetimeValueCents: 900_000 },
    dispute: { caseId, customerContacts: 0 },
    usage: { shape: expect.any(String) },
  });
  const alerted = await bench.db.staffAlert.findMany({ where: { caseId, kind: 'care_outreach' } });
  expect(alerted.map((a) => a.staffId).sort()).toEqual([
    'care-agent-1',
    'care-agent-2',
    'care-agent-3',
    'care-supervisor',
  ]);
  const [email] = bench.mail.received('care-queue@bank.example');
  expect(email.subject).toContain(outreach.id);
  expect(email.text).toContain('Offer reward points worth 50.00 USD (pre-approved).');
  expect((await bench.readModel(caseId)).priority).toBe(1);
  // Her name and number are in the task and the email, never in the case's history.
  const history = historyToJSON(await handle.fetchHistory());
  expect(history).not.toContain('Test leaving');
  expect(history).not.toContain('+1 555 0100');

  // A week more of falling usage opens no second outreach.
  await bench.env.sleep(7 * DAY_MS);
  expect((await bench.settled(caseId, handle)).outreach).toHaveLength(1);

  // The care agent claims it; $200 is above their $100 authority until a supervisor approves it.
  const agent = await bench.actor('care-agent-1');
  const supervisor = await bench.actor('care-supervisor');
  const outreachId = outreach.id;
  await handle.executeUpdate(claimOutreachUpdate, { args: [{ actor: agent, outreachId }] });
  const waiver = { kind: 'fee_waiver' as const, valueCents: 20_000 };
  const outcome = { actor: agent, outreachId, reached: true, offer: { ...waiver, response: 'accepted' as const } };
  expect(await refusal(handle.executeUpdate(recordOutreachOutcomeUpdate, { args: [outcome] }))).toMatchObject({
    type: 'Forbidden',
    message: expect.stringContaining("needs a care supervisor's approval"),
  });
  const request = { actor: agent, outreachId, concession: waiver, reason: 'Annual fee due next week' };
  await handle.executeUpdate(requestOfferUpdate, { args: [request] });
  expect(
    await refusal(handle.executeUpdate(approveOfferUpdate, { args: [{ actor: agent, outreachId }] })),
  ).toMatchObject({ type: 'Forbidden' });
  await handle.executeUpdate(approveOfferUpdate, { args: [{ actor: supervisor, outreachId }] });
  const done = await handle.executeUpdate(recordOutreachOutcomeUpdate, { args: [outcome] });
  expect(done.outreach[0]).toMatchObject({ status: 'done', outcome: { reached: true, by: 'care-agent-1' } });

  // The concession is booked on her card like a credit, once.
  const booked = await bench.db.cardTransaction.findMany({
    where: { cardId: customer.cardId, channel: 'adjustment' },
  });
  expect(booked.map((t) => [t.amountCents, t.merchant])).toEqual([[-20_000, `GOODWILL FEE WAIVER ${caseId}`]]);
  await bench.settled(caseId, handle);
  const row = await bench.db.outreachTask.findUniqueOrThrow({ where: { id: outreachId } });
  expect(row).toMatchObject({ status: 'done', assigneeId: 'care-agent-1', closedAt: expect.any(Date) });
  expect(JSON.parse(row.offerRequest!)).toMatchObject({ status: 'approved', decidedBy: 'care-supervisor' });

  // The case is resolved; her usage comes back, and the watch reports her retained: a save.
  // Its SLA breached long ago, so it waits in the supervisors' queue.
  const investigator = await bench.actor('merchant-disputes-supervisor');
  const resolved = await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: investigator, outcome: 'customer_favour', rationale: 'Merchant gave no proof' }],
  });
  // The stage is read from the answer: once the watch's result is in, the time-skipping server
  // may run on to the case's only timer left, the end of its reopen window, and close it.
  expect(resolved).toMatchObject({ stage: 'resolved', priority: 'normal' });
  const watch = (await bench.env.client.workflow.getHandle(attritionWatchWorkflowId(caseId)).result()) as WatchView;
  expect(watch.outcome).toBe('retained');
  expect(await bench.readModel(caseId)).toMatchObject({ retentionOutcome: 'retained', careVerdict: 'saved' });
  const types = (await bench.auditLog(caseId)).map((e) => e.type);
  expect(types.filter((t) => t === 'outreach_opened')).toHaveLength(1);
  expect(types).toEqual(
    expect.arrayContaining(['priority_raised', 'outreach_claimed', 'offer_requested', 'offer_approved']),
  );
  expect(types).toEqual(expect.arrayContaining(['outreach_completed', 'concession_granted']));
  // The manager's figures read the story as it happened: one alert, one outreach that reached her
  // with an offer she accepted, a save, and 200.00 of concessions against the 9,000.00 she is worth.
  const now = await bench.env.currentTimeMs();
  const range = { from: new Date(Date.now() - DAY_MS), to: new Date(now + DAY_MS), departmentId: null };
  const figures = await computeFigures(bench.db, range, new Date(now));
  const funnel = [
    'attrition_alerts',
    'outreach_opened',
    'outreach_reached',
    'offers_made',
    'offers_accepted',
    'saves',
    'losses',
  ] as const;
  expect(funnel.map((id) => figures[id][0].value)).toEqual([1, 1, 1, 1, 1, 1, 0]);
  expect(figures.retention_after_resolution[0]).toEqual({ group: {}, value: 1, numerator: 1, denominator: 1 });
  expect(figures.concessions_cost[0]).toEqual({ group: {}, value: 0.0222, numerator: 20_000, denominator: 900_000 });
  const where = { stage: 'investigation', department: 'merchant-disputes' };
  expect(figures.journey_alerts).toEqual([{ group: where, value: 1 }]);
  expect(figures.journey_outreach).toEqual([{ group: where, value: 1 }]);
  await bench.keepHistory('care-outreach', handle);
  await bench.keepHistory(
    'attrition-watch-saved',
    bench.env.client.workflow.getHandle(attritionWatchWorkflowId(caseId)),
  );
});
