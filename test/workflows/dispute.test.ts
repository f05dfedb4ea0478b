/**
 * Every path of the dispute workflow on the time-skipping server, with the real activities on
 * SQLite: each test checks the workflow's own state, the read model and the audit log.
 */
import { decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import { caseActivities } from '../../activities/cases';
import { businessTimeBetween } from '../../workflows/domain/business-time';
import { DAY_MS, HOUR_MS } from '../../workflows/domain/time';
import {
  addNoteUpdate,
  attritionRiskSignal,
  approveResolutionUpdate,
  assignUpdate,
  awaitPartyUpdate,
  escalateUpdate,
  getCaseQuery,
  getTimelineQuery,
  grantProvisionalCreditUpdate,
  proposeResolutionUpdate,
  recordResponseUpdate,
  rejectResolutionUpdate,
  recordContactUpdate,
  stillUnhappyUpdate,
  customerWithdrawUpdate,
  customerAnswerUpdate,
  type StillUnhappyRequest,
  reopenUpdate,
  requestInfoUpdate,
  resolveUpdate,
  transferUpdate,
  withdrawUpdate,
  type CaseView,
} from '../../workflows/dispute/messages';
import type { Actor } from '../../workflows/domain/case';
import { JANE } from '../../prisma/seed';
import { CaseStage, Department, SlaBreached } from '../../workflows/search-attributes';
import { DEBIT_CARD, DisputeBench, keepHistory, refusal, type DisputeHandle } from '../helpers/disputes';

let bench: DisputeBench;
beforeAll(async () => {
  bench = await DisputeBench.start();
});
afterAll(() => bench?.stop());
beforeEach(() => bench.toMondayMorning());

const assignee = (a: Actor) => ({ id: a.id, role: a.role, departmentId: a.departmentId });
const clock = (view: CaseView, prefix: string) => view.clocks.find((c) => c.id.startsWith(prefix))!;
/** Event types in order, without customer messages: those go out beside the case's own pace. */
/** What Jane received about a case (the provisional-credit subject names the amount, not the case). */
const subjects = (caseId: string) =>
  bench.mail
    .received('jane.morgan@example.com')
    .filter((m) => m.text.includes(caseId))
    .map((m) => m.subject);
const types = (log: { type: string }[]) => log.map((e) => e.type).filter((type) => type !== 'customer_notified');

async function takeCase(handle: DisputeHandle, agentId: string) {
  const agent = await bench.actor(agentId);
  await handle.executeUpdate(assignUpdate, { args: [{ actor: agent, assignee: assignee(agent) }] });
  return agent;
}

/** The holidays the case is held to, as its activity loaded them (for the years of workflow time). */
async function holidaysOf(caseId: string): Promise<Set<string>> {
  const row = await bench.readModel(caseId);
  const { openedAt } = await bench.env.client.workflow.getHandle(row.workflowId).query(getCaseQuery);
  const context = await caseActivities({ db: bench.db }).loadCaseContext({ ...row, caseId: row.id, openedAt });
  return new Set(context.policy.holidays);
}

test('straight resolution: routed, taken, resolved, closed after the reopen window', async () => {
  const { caseId, handle, view } = await bench.open();
  // A small unrecognised charge of a gold customer goes to merchant disputes (routing table).
  expect(view).toMatchObject({
    stage: 'investigation',
    departmentId: 'merchant-disputes',
    assigneeId: null,
    queue: 'agents',
    tier: 'gold',
  });
  // Live clocks first; her acknowledgement went out, which meets Reg Z's first requirement. The
  // card network's time limit for a chargeback runs from the charge's processing date.
  expect(view.clocks.map((c) => [c.id, c.status])).toEqual([
    ['reg-z:resolution', 'running'],
    ['sla:investigation:1', 'running'],
    ['network:filing-limit', 'running'],
    ['reg-z:acknowledgement', 'met'],
  ]);

  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  const resolved = await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: agent, outcome: 'customer_favour', rationale: 'Merchant could not show authorisation' }],
  });
  expect(resolved).toMatchObject({
    stage: 'resolved',
    resolution: { outcome: 'customer_favour', amountCents: 1499, resolvedBy: agent.id, approvedBy: null },
  });
  expect(resolved.clocks.every((c) => c.status === 'met')).toBe(true);
  expect(await bench.readModel(caseId)).toMatchObject({
    stage: 'resolved',
    outcome: 'customer_favour',
    resolvedAmountCents: 1499,
    assigneeId: agent.id,
    departmentId: 'merchant-disputes',
  });
  // The customer is credited once, on her card.
  expect(
    await bench.db.cardTransaction.findMany({
      where: { channel: 'adjustment', merchant: { contains: caseId } },
      select: { amountCents: true },
    }),
  ).toEqual([{ amountCents: -1499 }]);

  await bench.env.sleep('61 days');
  const final = await handle.result();
  expect(final).toMatchObject({ stage: 'closed', resolution: { outcome: 'customer_favour' } });
  const row = await bench.readModel(caseId);
  expect(row).toMatchObject({ stage: 'closed', outcome: 'customer_favour' });
  expect(row.closedAt!.getTime() - row.resolvedAt!.getTime()).toBe(60 * DAY_MS);

  const log = await bench.auditLog(caseId);
  expect(types(log)).toEqual([
    'opened',
    'regulatory_clocks_started',
    'routed',
    'assigned',
    'resolved',
    'settled',
    'closed',
  ]);
  expect(log.find((e) => e.type === 'routed')).toMatchObject({
    actor: 'system:routing',
    data: { from: 'intake', to: 'merchant-disputes' },
  });
  expect(log.find((e) => e.type === 'assigned')).toMatchObject({ actor: agent.id, data: { from: null, to: agent.id } });
  expect(log.at(-1)).toMatchObject({ actor: 'system:reopen-window' });
  expect(types(await handle.query(getTimelineQuery))).toEqual(types(log));
  await bench.keepHistory('straight-resolution', handle);
  // Recorded again since actions answer before their read-model write (ANSWER_BEFORE_SYNC_PATCH).
  await bench.keepHistory('straight-resolution-answered-first', handle);
});

test('transfer chain across three departments keeps one owner and restarts the SLA', async () => {
  const { caseId, handle } = await bench.open();
  const merchantLead = await bench.actor('merchant-disputes-supervisor');
  const outsider = await bench.actor('merchant-disputes-agent-2');
  expect(
    await refusal(
      handle.executeUpdate(transferUpdate, {
        args: [{ actor: outsider, departmentId: 'fraud', reason: 'looks like fraud' }],
      }),
    ),
  ).toEqual({
    type: 'Forbidden',
    message:
      'merchant-disputes-agent-2 may not transfer this case: nobody has taken it yet (it waits in the agents queue).',
  });

  await handle.executeUpdate(transferUpdate, {
    args: [{ actor: merchantLead, departmentId: 'fraud', reason: 'Descriptor matches a known fraud ring' }],
  });
  const fraudAgent = await takeCase(handle, 'fraud-agent-1');
  const view = await handle.executeUpdate(transferUpdate, {
    args: [
      { actor: fraudAgent, departmentId: 'chargebacks', reason: 'Not fraud: merchant must refund via the network' },
    ],
  });

  expect(view).toMatchObject({
    stage: 'investigation',
    departmentId: 'chargebacks',
    assigneeId: null,
    queue: 'agents',
  });
  expect(view.clocks.filter((c) => c.id.startsWith('sla:')).map((c) => [c.id, c.status])).toEqual([
    ['sla:investigation:3', 'running'],
    ['sla:investigation:1', 'ended'],
    ['sla:investigation:2', 'ended'],
  ]);
  // Fraud runs a 5-day SLA, the others the 10-day default.
  expect(clock(view, 'sla:investigation:3').label).toContain('chargebacks, 10 business days');
  expect((await handle.describe()).typedSearchAttributes.get(Department)).toBe('chargebacks');
  // The Temporal UI shows the case file's cover as the workflow's current details.
  const { currentDetails } = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
  expect(currentDetails).toContain('**Stage:** investigation');
  expect(currentDetails).toContain('**Department:** chargebacks');
  expect(currentDetails).toContain('**Assignee:** unassigned (agents queue)');
  // Deadlines as people read them, with their time zone, not raw ISO strings.
  expect(currentDetails).toMatch(
    /\| Investigation SLA \(chargebacks, 10 business days\) \| running \| (Mon|Tue|Wed|Thu|Fri) \d{4}-\d\d-\d\d \d\d:\d\d UTC \|/,
  );
  // Each timer says what it waits for (sealed on the server, read here with the keys).
  const timers = ((await handle.fetchHistory()).events ?? []).filter((e) => e.timerStartedEventAttributes);
  const converter = bench.env.client.options.loadedDataConverter;
  const summaries = await Promise.all(
    timers.map((e) => decodeOptionalSinglePayload<string>(converter, e.userMetadata!.summary)),
  );
  expect(summaries.length).toBeGreaterThan(0);
  for (const summary of summaries)
    expect(summary).toMatch(
      /(SLA|Reg [EZ]) .*: (warning|deadline|grant_provisional_credit|acknowledge|escalate)$|^Customer message due: |^Reopen window ends/,
    );
  expect(await bench.readModel(caseId)).toMatchObject({ departmentId: 'chargebacks', assigneeId: null });

  const transfers = (await bench.auditLog(caseId)).filter((e) => e.type === 'transferred');
  expect(transfers.map((e) => [e.actor, e.data.from, e.data.to])).toEqual([
    ['merchant-disputes-supervisor', 'merchant-disputes', 'fraud'],
    ['fraud-agent-1', 'fraud', 'chargebacks'],
  ]);
  expect(transfers[1].data.reason).toBe('Not fraud: merchant must refund via the network');
  await bench.finish(handle);
  await bench.keepHistory('transfer-chain', handle);
});

test('an information request pauses the investigation SLA until the customer answers', async () => {
  const { caseId, handle } = await bench.open();
  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  const before = clock(await handle.query(getCaseQuery), 'sla:investigation');
  await bench.env.sleep('1 day');

  const waiting = await handle.executeUpdate(requestInfoUpdate, {
    args: [{ actor: agent, question: 'Do you have a receipt?' }],
  });
  expect(waiting.stage).toBe('awaiting_customer');
  const paused = clock(waiting, 'sla:investigation');
  expect(paused).toMatchObject({ status: 'paused', deadline: null });
  expect(clock(waiting, 'sla:awaiting_customer')).toMatchObject({ status: 'running' });
  expect((await bench.readModel(caseId)).stage).toBe('awaiting_customer');

  await bench.env.sleep('7 days');
  const resumed = await handle.executeUpdate(recordResponseUpdate, {
    args: [{ actor: agent, party: 'customer', summary: 'No receipt; she never ordered' }],
  });
  expect(resumed.stage).toBe('investigation');
  expect(clock(resumed, 'sla:awaiting_customer')).toMatchObject({ status: 'met' });
  const after = clock(resumed, 'sla:investigation');
  expect(after.status).toBe('running');

  // The deadline moved by exactly the business time the case spent waiting on the customer.
  const log = await bench.auditLog(caseId);
  const asked = log.find((e) => e.type === 'info_requested')!.at;
  const answered = log.find((e) => e.type === 'customer_responded')!.at;
  const holidays = await holidaysOf(caseId);
  // The clock kept what was left of it when it paused: the business time from then to its deadline.
  // (Not "nine days": where earlier tests left the server's clock, a day may end on a weekend.)
  expect(paused.remainingMs).toBe(businessTimeBetween(asked, Date.parse(before.deadline!), holidays));
  const waited = businessTimeBetween(asked, answered, holidays);
  expect(waited).toBeGreaterThanOrEqual(4 * DAY_MS);
  expect(businessTimeBetween(Date.parse(before.deadline!), Date.parse(after.deadline!), holidays)).toBe(waited);
  expect(types(log).slice(3)).toEqual(['assigned', 'info_requested', 'customer_responded']);
  // The read model knows when the running SLA clock has used 80% of its time.
  const { openedAt } = await handle.query(getCaseQuery);
  const near = (await bench.readModel(caseId)).slaNearAt!;
  const left = businessTimeBetween(near.getTime(), Date.parse(after.deadline!), holidays);
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThan(businessTimeBetween(Date.parse(openedAt), Date.parse(after.deadline!), holidays) * 0.5);
  await bench.finish(handle);
  expect((await bench.readModel(caseId)).slaNearAt).toBeNull();
  await bench.keepHistory('info-request', handle);
});

test('an SLA warns before its deadline, then breaches and escalates to the supervisor queue', async () => {
  const { caseId, handle } = await bench.open();
  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  const deadline = Date.parse(clock(await handle.query(getCaseQuery), 'sla:investigation').deadline!);

  await bench.env.sleep(deadline - (await bench.env.currentTimeMs()) + HOUR_MS);
  const view = await bench.settled(caseId, handle);
  expect(view).toMatchObject({
    stage: 'investigation',
    assigneeId: null,
    queue: 'supervisors',
    escalated: true,
    slaBreached: true,
  });
  expect(clock(view, 'sla:investigation')).toMatchObject({
    status: 'breached',
    breachedAt: new Date(deadline).toISOString(),
  });

  const log = await bench.auditLog(caseId);
  const warning = log.find((e) => e.type === 'sla_warning')!;
  const breach = log.find((e) => e.type === 'sla_breached')!;
  expect(businessTimeBetween(warning.at, breach.at, await holidaysOf(caseId))).toBe(2 * DAY_MS);
  expect(breach).toMatchObject({ actor: 'system:sla:investigation:1', at: deadline });

  const alerts = await bench.db.staffAlert.findMany({ where: { caseId }, orderBy: { createdAt: 'asc' } });
  expect(alerts.map((a) => [a.staffId, a.kind])).toEqual([
    [agent.id, 'sla_warning'],
    [agent.id, 'sla_breached'],
    ['merchant-disputes-supervisor', 'sla_breached'],
  ]);
  const attributes = (await handle.describe()).typedSearchAttributes;
  expect(attributes.get(SlaBreached)).toBe(true);
  expect(attributes.get(CaseStage)).toBe('investigation');
  expect(await bench.readModel(caseId)).toMatchObject({
    slaBreached: true,
    queue: 'supervisors',
    assigneeId: null,
    escalated: true,
  });

  // The supervisor hands the case on; the new assignee hears about it.
  const supervisor = await bench.actor('merchant-disputes-supervisor');
  const colleague = await bench.actor('merchant-disputes-agent-2');
  await handle.executeUpdate(assignUpdate, {
    args: [{ actor: supervisor, assignee: assignee(colleague), reason: 'Cover while agent-1 is out' }],
  });
  expect(
    await bench.db.staffAlert.findMany({
      where: { caseId, staffId: colleague.id },
      select: { kind: true, message: true },
    }),
  ).toEqual([{ kind: 'assigned', message: `merchant-disputes-supervisor assigned case ${caseId} to you.` }]);

  // Once the late stage is worked off, the case is no longer late.
  const resolved = await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: supervisor, outcome: 'merchant_favour', rationale: 'Customer recognised the subscription' }],
  });
  expect(resolved).toMatchObject({ slaBreached: false, stage: 'resolved' });
  expect(clock(resolved, 'sla:investigation').status).toBe('met_late');
  expect((await handle.describe()).typedSearchAttributes.get(SlaBreached)).toBe(false);
  expect((await bench.readModel(caseId)).slaBreached).toBe(false);
  await bench.finish(handle);
  await bench.keepHistory('sla-breach', handle);
});

test('Reg E grants provisional credit by itself on the tenth business day', async () => {
  const { caseId, handle, view } = await bench.open({ card: 'debit', amountCents: 8_250 });
  expect(view.clocks.map((c) => c.label)).toEqual(
    expect.arrayContaining(['Reg E provisional credit (10 business days)', 'Reg E resolution (45 days)']),
  );
  const opened = Date.parse(view.openedAt);

  await bench.env.sleep('16 days');
  const after = await bench.settled(caseId, handle);
  expect(after.provisionalCredit).toMatchObject({ amountCents: 8_250, grantedBy: 'system:reg-e:provisional-credit' });
  expect(clock(after, 'reg-e:provisional-credit')).toMatchObject({ status: 'met' });
  const granted = (await bench.auditLog(caseId)).find((e) => e.type === 'provisional_credit_granted')!;
  // Half a day before the tenth business day runs out: never late.
  expect(businessTimeBetween(opened, granted.at, await holidaysOf(caseId))).toBe(10 * DAY_MS - 12 * HOUR_MS);
  expect(await bench.readModel(caseId)).toMatchObject({ provisionalCreditCents: 8_250 });
  const booked = () =>
    bench.db.cardTransaction.findMany({
      where: { cardId: DEBIT_CARD, channel: 'adjustment', merchant: { contains: caseId } },
      orderBy: { postedAt: 'asc' },
      select: { amountCents: true, merchant: true },
    });
  expect(await booked()).toEqual([{ amountCents: -8_250, merchant: `PROVISIONAL CREDIT ${caseId}` }]);
  expect(subjects(caseId)).toContain('We credited $82.50 to your account while we investigate');

  // Found for the merchant: the provisional credit is taken back, once she was told the amount and
  // the date, and five business days after (Reg E).
  expect(after.departmentId).toBe('fraud');
  const supervisor = await bench.actor('fraud-supervisor');
  const resolved = await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: supervisor, outcome: 'merchant_favour', rationale: 'Signed delivery receipt' }],
  });
  expect(resolved.heldReversal).toMatchObject({ amountCents: 8_250 });
  await bench.settled(caseId, handle);
  expect((await booked()).map((t) => t.amountCents)).toEqual([-8_250]);
  await bench.env.sleep('8 days');
  await bench.settled(caseId, handle);
  expect((await booked()).map((t) => t.amountCents)).toEqual([-8_250, 8_250]);
  await bench.finish(handle);
  await bench.keepHistory('reg-e-provisional-credit', handle);
});

test('four-eyes: the proposer cannot approve, nor can anyone without the role or the authority', async () => {
  const { caseId, handle } = await bench.open({ amountCents: 600_000, reasonCode: 'not_as_described' });
  expect((await handle.query(getCaseQuery)).departmentId).toBe('chargebacks');
  const agent = await takeCase(handle, 'chargebacks-agent-1');
  const resolveRequest = {
    actor: agent,
    outcome: 'customer_favour' as const,
    rationale: 'Goods never matched the listing',
  };
  expect(await refusal(handle.executeUpdate(resolveUpdate, { args: [resolveRequest] }))).toMatchObject({
    type: 'Forbidden',
    message: expect.stringContaining('propose it instead'),
  });
  await handle.executeUpdate(proposeResolutionUpdate, { args: [resolveRequest] });

  const stateBefore = await bench.settled(caseId, handle);
  const logBefore = await bench.auditLog(caseId);
  const updatesBefore = await bench.acceptedUpdates(handle);
  const approve = (actor: Actor) => handle.executeUpdate(approveResolutionUpdate, { args: [{ actor, comment: 'ok' }] });

  expect(await refusal(approve(agent))).toEqual({
    type: 'Forbidden',
    message: 'chargebacks-agent-1 proposed this resolution; a different person must approve it (four-eyes).',
  });
  expect(await refusal(approve(await bench.actor('chargebacks-agent-2')))).toMatchObject({
    type: 'Forbidden',
    message: expect.stringContaining('approvals need a supervisor or admin'),
  });
  expect(await refusal(approve(await bench.actor('fraud-supervisor')))).toMatchObject({
    type: 'Forbidden',
    message: 'fraud-supervisor is not a supervisor of chargebacks.',
  });
  expect(await refusal(approve(await bench.actor('chargebacks-supervisor')))).toEqual({
    type: 'Forbidden',
    message: 'chargebacks-supervisor may approve up to 5000.00; this needs 6000.00.',
  });

  // The refusals left no trace: same state, same audit log, no update in the history.
  expect(await handle.query(getCaseQuery)).toEqual(stateBefore);
  expect(await bench.auditLog(caseId)).toEqual(logBefore);
  expect(await bench.acceptedUpdates(handle)).toBe(updatesBefore);
  expect((await bench.readModel(caseId)).stage).toBe('pending_approval');

  const view = await approve(await bench.actor('admin'));
  expect(view).toMatchObject({
    stage: 'resolved',
    resolution: { outcome: 'customer_favour', amountCents: 600_000, resolvedBy: agent.id, approvedBy: 'admin' },
  });
  expect(types(await bench.auditLog(caseId)).slice(-4)).toEqual([
    'resolution_proposed',
    'resolution_approved',
    'resolved',
    'settled',
  ]);
  await bench.finish(handle);
  await bench.keepHistory('four-eyes', handle);
});

test('a rejected proposal goes back to investigation', async () => {
  const { caseId, handle } = await bench.open({ amountCents: 45_000, reasonCode: 'not_received' });
  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  await handle.executeUpdate(proposeResolutionUpdate, {
    args: [{ actor: agent, outcome: 'partial', amountCents: 20_000, rationale: 'Half the order arrived' }],
  });
  expect((await handle.query(getCaseQuery)).pendingApproval).toMatchObject({
    outcome: 'partial',
    amountCents: 20_000,
    proposedBy: agent.id,
  });
  const supervisor = await bench.actor('merchant-disputes-supervisor');
  const view = await handle.executeUpdate(rejectResolutionUpdate, {
    args: [{ actor: supervisor, reason: 'Ask the merchant for tracking first' }],
  });
  expect(view).toMatchObject({ stage: 'investigation', pendingApproval: null });
  expect(clock(view, 'sla:investigation').status).toBe('running');
  expect(clock(view, 'sla:pending_approval').status).toBe('met');
  expect((await bench.auditLog(caseId)).at(-1)).toMatchObject({
    type: 'resolution_rejected',
    actor: supervisor.id,
    data: { reason: 'Ask the merchant for tracking first' },
  });
  await bench.finish(handle);
  await bench.keepHistory('rejected-proposal', handle);
});

test('reopen inside the window; after the window the case is closed for good', async () => {
  const { caseId, handle } = await bench.open();
  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  const resolve = () =>
    handle.executeUpdate(resolveUpdate, {
      args: [{ actor: agent, outcome: 'merchant_favour', rationale: 'Customer recognised it' }],
    });
  await resolve();
  await bench.env.sleep('10 days');

  const reopened = await handle.executeUpdate(reopenUpdate, {
    args: [{ actor: agent, reason: 'Customer found a second identical charge' }],
  });
  expect(reopened).toMatchObject({ stage: 'investigation', resolution: null, reopenUntil: null });
  expect(clock(reopened, 'sla:investigation:2').status).toBe('running');
  expect((await bench.readModel(caseId)).stage).toBe('investigation');

  const second = await resolve();
  expect(Date.parse(second.reopenUntil!) - (await bench.env.currentTimeMs())).toBeLessThanOrEqual(60 * DAY_MS);
  await bench.env.sleep('61 days');
  expect((await handle.result()).stage).toBe('closed');
  // The workflow has completed: no update reaches it any more (the API answers 409 from the read model).
  await expect(handle.executeUpdate(reopenUpdate, { args: [{ actor: agent, reason: 'too late' }] })).rejects.toThrow();
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  expect(types(await bench.auditLog(caseId)).slice(3)).toEqual([
    'assigned',
    'resolved',
    'reopened',
    'resolved',
    'closed',
  ]);
  // Each resolution is followed by its survey; the reopen is announced.
  expect(subjects(caseId)).toEqual([
    `We have opened your dispute ${caseId}`,
    `Your dispute ${caseId} is resolved`,
    `How did we handle your dispute ${caseId}?`,
    `We are looking at your dispute ${caseId} again`,
    `Your dispute ${caseId} is resolved`,
    `How did we handle your dispute ${caseId}?`,
  ]);
  await bench.keepHistory('reopen', handle);
});

test('a note leaves the timer for the next deadline running; the deadlines still fire on time', async () => {
  const { caseId, handle } = await bench.open();
  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  await bench.settled(caseId, handle);
  const timers = async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    return {
      started: events.filter((e) => e.timerStartedEventAttributes).length,
      canceled: events.filter((e) => e.timerCanceledEventAttributes).length,
    };
  };
  const before = await timers();
  for (const text of ['Called the merchant', 'Merchant will call back', 'No answer yet']) {
    await handle.executeUpdate(addNoteUpdate, { args: [{ actor: agent, text }] });
  }
  await bench.settled(caseId, handle);
  // Before STEADY_WAKE_PATCH each note cancelled the timer and started the same one again.
  expect(await timers()).toEqual(before);

  await bench.env.sleep('30 days');
  const view = await bench.settled(caseId, handle);
  expect(view.slaBreached).toBe(true);
  await bench.keepHistory('steady-wake-timer', handle);
  // Closed, so its status messages do not reach Jane during the next tests. (The breach sent it to the supervisors.)
  const supervisor = await bench.actor('merchant-disputes-supervisor');
  await handle.executeUpdate(withdrawUpdate, { args: [{ actor: supervisor, reason: 'Test over' }] });
});

test('a withdrawn case closes at once and gives back its provisional credit', async () => {
  const { caseId, handle } = await bench.open({ amountCents: 3_000 });
  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  await handle.executeUpdate(grantProvisionalCreditUpdate, { args: [{ actor: agent }] });
  await handle.executeUpdate(addNoteUpdate, { args: [{ actor: agent, text: 'Customer will check with her partner' }] });
  const view = await handle.executeUpdate(withdrawUpdate, {
    args: [{ actor: agent, reason: 'Partner made the purchase' }],
  });
  expect(view).toMatchObject({ stage: 'closed', resolution: { outcome: 'withdrawn', amountCents: 0 } });
  expect(view.clocks.map((c) => [c.id, c.status])).toEqual([
    ['reg-z:acknowledgement', 'met'],
    ['reg-z:resolution', 'ended'],
    ['sla:investigation:1', 'ended'],
    ['network:filing-limit', 'ended'],
  ]);
  expect((await handle.result()).stage).toBe('closed');
  expect(await bench.readModel(caseId)).toMatchObject({
    stage: 'closed',
    outcome: 'withdrawn',
    provisionalCreditCents: 3_000,
    resolvedAmountCents: 0,
  });
  const booked = await bench.db.cardTransaction.findMany({
    where: { channel: 'adjustment', merchant: { contains: caseId } },
    orderBy: { amountCents: 'asc' },
    select: { amountCents: true },
  });
  expect(booked).toEqual([{ amountCents: -3_000 }, { amountCents: 3_000 }]);
  expect(types(await bench.auditLog(caseId)).slice(3)).toEqual([
    'assigned',
    'provisional_credit_granted',
    'note',
    'withdrawn',
    'settled',
    'closed',
  ]);
  // She was told of the credit and of the withdrawal, the last message of the case.
  expect(subjects(caseId)).toEqual([
    `We have opened your dispute ${caseId}`,
    'We credited $30.00 to your account while we investigate',
    `Your dispute ${caseId} is withdrawn`,
  ]);
  // Her other cases in this file may still write to her: the last message of this case.
  const messages = bench.mail.received('jane.morgan@example.com').filter((m) => m.text.includes(caseId));
  expect(messages.at(-1)!.text).toContain('The provisional credit of $30.00 has been taken back');
  await bench.keepHistory('withdrawn', handle);
});

test('each time the customer chases the bank it is recorded and counted, by whoever took the call', async () => {
  const { caseId, handle } = await bench.open();
  const contactCentre = await bench.actor('intake-agent-1');
  await handle.executeUpdate(recordContactUpdate, {
    args: [{ actor: contactCentre, channel: 'phone', note: 'Asked where her case stands' }],
  });
  const view = await handle.executeUpdate(recordContactUpdate, { args: [{ actor: contactCentre, channel: 'email' }] });
  expect(view.customerContacts).toBe(2);
  const outsider = await bench.actor('fraud-agent-1');
  expect(
    await refusal(handle.executeUpdate(recordContactUpdate, { args: [{ actor: outsider, channel: 'chat' }] })),
  ).toEqual({
    type: 'Forbidden',
    message: 'fraud-agent-1 is not in department merchant-disputes, the contact centre or the care team.',
  });
  await bench.settled(caseId, handle);
  const contacts = (await bench.auditLog(caseId)).filter((e) => e.type === 'customer_contacted');
  expect(contacts.map((e) => [e.actor, e.data])).toEqual([
    ['intake-agent-1', { channel: 'phone', note: 'Asked where her case stands' }],
    ['intake-agent-1', { channel: 'email', note: null }],
  ]);
  await bench.finish(handle);
});

test('the customer says from her case page she is still unhappy: a contact on her own case, her team alerted', async () => {
  const { caseId, handle } = await bench.open();
  const unhappy = (customerId: string, reason: StillUnhappyRequest['reason']) =>
    handle.executeUpdate(stillUnhappyUpdate, { args: [{ customerId, reason }] });
  const view = await unhappy(JANE.customerId, 'too_slow');
  expect(view.customerContacts).toBe(1);
  expect(await refusal(unhappy('cust-someone-else', 'no_news'))).toEqual({
    type: 'Forbidden',
    message: 'This is not your case.',
  });
  await bench.settled(caseId, handle);
  const contacts = (await bench.auditLog(caseId)).filter((e) => e.type === 'customer_contacted');
  expect(contacts.map((e) => [e.actor, e.data])).toEqual([
    [`customer:${JANE.customerId}`, { channel: 'case page', unhappy: true, reason: 'too_slow' }],
  ]);
  // Nobody holds the case yet: its department's supervisors hear of it.
  const alerts = await bench.db.staffAlert.findMany({ where: { caseId, kind: 'customer_unhappy' } });
  expect(alerts.map((a) => a.staffId)).toEqual(['merchant-disputes-supervisor']);
  await keepHistory('customer-still-unhappy', handle);
  await bench.finish(handle);
});

test('the customer withdraws her own dispute from her case page: closed at once, as staff would record it', async () => {
  const { caseId, handle } = await bench.open();
  const withdraw = (customerId: string) => handle.executeUpdate(customerWithdrawUpdate, { args: [{ customerId }] });
  expect(await refusal(withdraw('cust-someone-else'))).toEqual({
    type: 'Forbidden',
    message: 'This is not your case.',
  });
  const view = await withdraw(JANE.customerId);
  expect(view).toMatchObject({ stage: 'closed', resolution: { outcome: 'withdrawn', amountCents: 0 } });
  expect(await handle.result()).toMatchObject({ stage: 'closed' });
  const log = await bench.auditLog(caseId);
  expect(log.filter((e) => e.type === 'withdrawn').map((e) => [e.actor, e.data])).toEqual([
    [`customer:${JANE.customerId}`, { reason: 'withdrawn by the customer on her case page' }],
  ]);
  await keepHistory('customer-withdrawn', handle);
});

test('the customer answers from her case page: recorded as staff record her response, and the SLA resumes', async () => {
  const { caseId, handle } = await bench.open();
  const answer = (customerId: string) =>
    handle.executeUpdate(customerAnswerUpdate, {
      args: [{ customerId, answerId: 'ans_1', documentIds: ['doc_1', 'doc_2'] }],
    });
  expect(await refusal(answer(JANE.customerId))).toMatchObject({ type: 'StageConflict' });
  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  await handle.executeUpdate(requestInfoUpdate, { args: [{ actor: agent, question: 'Do you have a receipt?' }] });
  expect(await refusal(answer('cust-someone-else'))).toEqual({ type: 'Forbidden', message: 'This is not your case.' });
  await bench.env.sleep('2 days');
  const view = await answer(JANE.customerId);
  expect(view.stage).toBe('investigation');
  expect(clock(view, 'sla:awaiting_customer')).toMatchObject({ status: 'met' });
  expect(clock(view, 'sla:investigation')).toMatchObject({ status: 'running' });
  const log = await bench.auditLog(caseId);
  expect(log.filter((e) => e.type === 'customer_responded').map((e) => [e.actor, e.data])).toEqual([
    [`customer:${JANE.customerId}`, { summary: null, answerId: 'ans_1', documentIds: ['doc_1', 'doc_2'], phase: null }],
  ]);
  expect((await bench.readModel(caseId)).stage).toBe('investigation');
  await keepHistory('customer-answered', handle);
  await bench.finish(handle);
});

test('actions invalid for the stage are refused with a reason and change nothing', async () => {
  const { caseId, handle } = await bench.open({ amountCents: 20_000, reasonCode: 'not_received' });
  const agent = await takeCase(handle, 'merchant-disputes-agent-1');
  const supervisor = await bench.actor('merchant-disputes-supervisor');
  const before = {
    view: await bench.settled(caseId, handle),
    log: await bench.auditLog(caseId),
    updates: await bench.acceptedUpdates(handle),
  };

  expect(await refusal(handle.executeUpdate(approveResolutionUpdate, { args: [{ actor: supervisor }] }))).toEqual({
    type: 'StageConflict',
    message: 'Cannot approve a resolution for a case in stage investigation; allowed in: pending_approval.',
  });
  expect(
    await refusal(
      handle.executeUpdate(recordResponseUpdate, { args: [{ actor: agent, party: 'customer', summary: 'x' }] }),
    ),
  ).toMatchObject({ type: 'StageConflict' });
  expect(await refusal(handle.executeUpdate(reopenUpdate, { args: [{ actor: agent, reason: 'x' }] }))).toMatchObject({
    type: 'StageConflict',
  });
  expect(
    await refusal(
      handle.executeUpdate(proposeResolutionUpdate, { args: [{ actor: agent, outcome: 'partial', rationale: 'x' }] }),
    ),
  ).toEqual({ type: 'InvalidArgument', message: 'is required for a partial resolution' });
  expect(
    await refusal(
      handle.executeUpdate(awaitPartyUpdate, { args: [{ actor: agent, party: 'merchant', phase: 'chargeback' }] }),
    ),
  ).toMatchObject({ type: 'InvalidArgument' });
  expect(
    await refusal(
      handle.executeUpdate(grantProvisionalCreditUpdate, { args: [{ actor: await bench.actor('fraud-agent-1') }] }),
    ),
  ).toMatchObject({ type: 'Forbidden' });

  expect(await handle.query(getCaseQuery)).toEqual(before.view);
  expect(await bench.auditLog(caseId)).toEqual(before.log);
  expect(await bench.acceptedUpdates(handle)).toBe(before.updates);

  // Waiting on the network: the investigation clock pauses, and the stage refuses proposals.
  const waiting = await handle.executeUpdate(awaitPartyUpdate, {
    args: [{ actor: agent, party: 'network', phase: 'chargeback', note: 'Filed chargeback 4837' }],
  });
  expect(waiting).toMatchObject({ stage: 'awaiting_network', networkPhase: 'chargeback' });
  expect(clock(waiting, 'sla:investigation').status).toBe('paused');
  expect(
    await refusal(
      handle.executeUpdate(proposeResolutionUpdate, {
        args: [{ actor: agent, outcome: 'customer_favour', rationale: 'x' }],
      }),
    ),
  ).toMatchObject({ type: 'StageConflict' });
  const escalated = await handle.executeUpdate(escalateUpdate, {
    args: [{ actor: agent, reason: 'Merchant is unresponsive' }],
  });
  expect(escalated).toMatchObject({ queue: 'supervisors', assigneeId: null, escalated: true });
  expect(
    await refusal(handle.executeUpdate(escalateUpdate, { args: [{ actor: agent, reason: 'again' }] })),
  ).toMatchObject({ type: 'StageConflict' });
  await bench.finish(handle);
  await bench.keepHistory('invalid-actions', handle);
});

test('a risk report that names no case, or an older one, is dropped; the case takes the next', async () => {
  const { caseId, handle } = await bench.open();
  const report = (level: 'watch' | 'high', caseIdOf: string | undefined, at: number) => ({
    ...(caseIdOf ? { caseId: caseIdOf } : {}),
    level,
    recommendation: null,
    rules: [],
    facts: null,
    assessedAt: new Date(at).toISOString(),
  });
  const now = await bench.env.currentTimeMs();
  await handle.signal(attritionRiskSignal, report('high', undefined, now));
  await handle.signal(attritionRiskSignal, report('high', 'DSP-ANOTHER', now));
  await handle.signal(attritionRiskSignal, report('watch', caseId, now));
  await handle.signal(attritionRiskSignal, report('high', caseId, now - HOUR_MS));
  const view = await bench.settled(caseId, handle);
  expect(view.attritionRisk).toBe('watch');
  expect(view.outreach).toEqual([]);
  await bench.finish(handle);
  await bench.keepHistory('unbound-risk-report', handle);
});
