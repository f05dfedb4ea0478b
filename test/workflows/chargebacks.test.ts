/**
 * The card-network lifecycle on the time-skipping server, with the real activities on SQLite and
 * a scripted network adapter: a filing made once through a failing adapter, the acquirer silent
 * past its window, a claim of two transactions settled in part, a representment taken through
 * pre-arbitration to an arbitration lost (the provisional credit taken back only after the
 * customer was told), and a filing after its time limit refused.
 */
import { randomUUID } from 'node:crypto';
import { JANE } from '../../prisma/seed';
import { computeFigures } from '../../src/cem/figures';
import { NetworkPhase, NextNetworkDeadline } from '../../workflows/search-attributes';
import type { NetworkAdapter, NetworkFilingRequest } from '../../src/network/adapter';
import {
  decideChargebackUpdate,
  fileChargebackUpdate,
  getCaseQuery,
  getTimelineQuery,
  grantProvisionalCreditUpdate,
  networkEventUpdate,
  assignUpdate,
  type CaseView,
} from '../../workflows/dispute/messages';
import { businessTimeBetween } from '../../workflows/domain/business-time';
import type { Actor } from '../../workflows/domain/case';
import type { NetworkEventInput } from '../../workflows/domain/chargeback';
import type { FileChargebackRequest } from '../../workflows/domain/staff-requests';
import { DAY_MS } from '../../workflows/domain/time';
import { DEBIT_CARD, DisputeBench, keepHistory, refusal, type DisputeHandle } from '../helpers/disputes';

/** A network that takes filings by key, failing the first tries of each as a script says. */
class ScriptedNetwork implements NetworkAdapter {
  readonly attempts: NetworkFilingRequest[] = [];
  readonly filings = new Map<string, { request: NetworkFilingRequest; networkCaseId: string }>();
  failuresLeft = 0;

  async file(request: NetworkFilingRequest) {
    this.attempts.push(request);
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('connect ECONNREFUSED (the processor is down)');
    }
    const known = this.filings.get(request.key);
    if (known) return { networkCaseId: known.networkCaseId };
    const networkCaseId = request.networkCaseId ?? `VCR-${this.filings.size + 1}`;
    this.filings.set(request.key, { request, networkCaseId });
    return { networkCaseId };
  }
}

const network = new ScriptedNetwork();
let bench: DisputeBench;
let system: Actor;
beforeAll(async () => {
  bench = await DisputeBench.start({ network });
  system = await bench.actor('card-network');
});
afterAll(() => bench?.stop());
beforeEach(() => bench.toMondayMorning());

async function takeCase(handle: DisputeHandle, view: CaseView): Promise<Actor> {
  const agent = await bench.actor(`${view.departmentId}-agent-1`);
  await handle.executeUpdate(assignUpdate, {
    args: [{ actor: agent, assignee: { id: agent.id, role: agent.role, departmentId: agent.departmentId } }],
  });
  return agent;
}

async function transaction(caseId: string, id?: string): Promise<FileChargebackRequest['transaction']> {
  const row = await bench.db.case.findUniqueOrThrow({ where: { id: caseId } });
  const txn = await bench.db.cardTransaction.findUniqueOrThrow({ where: { id: id ?? row.transactionId } });
  return { id: txn.id, postedAt: txn.postedAt.toISOString(), amountCents: txn.amountCents, cardPresent: false };
}

async function otherCharge(cardId: string, amountCents: number, daysAgo: number): Promise<string> {
  const id = `txn-other-${randomUUID().slice(0, 8)}`;
  const postedAt = new Date((await bench.env.currentTimeMs()) - daysAgo * DAY_MS);
  await bench.db.cardTransaction.create({
    data: { id, cardId, postedAt, amountCents, merchant: 'DGTL*SVCS', mcc: '5817', channel: 'online' },
  });
  return id;
}

const send = (handle: DisputeHandle, event: Omit<NetworkEventInput, 'eventId'>) =>
  handle.executeUpdate(networkEventUpdate, { args: [{ actor: system, event: { eventId: randomUUID(), ...event } }] });

/**
 * Waits until the case's filings are made and written. A failed attempt's retry waits on a server
 * timer, which the time-skipping server moves only when told to: seconds of its time, no more.
 */
async function filed(caseId: string, handle: DisputeHandle): Promise<CaseView> {
  while ((await handle.query(getCaseQuery)).chargebacks?.some((cb) => cb.pending !== null)) {
    await bench.env.sleep(1_000);
  }
  return bench.settled(caseId, handle);
}

const types = (log: { type: string }[]) => log.map((e) => e.type);

test('a chargeback is filed once while the adapter fails twice; the acquirer stays silent past its window and the customer wins', async () => {
  const { caseId, handle, view } = await bench.open({ reasonCode: 'not_received', amountCents: 4200 });
  // The time limit is held from intake: Visa 13.1, 120 days from the processing date.
  const txn = await transaction(caseId);
  const limit = view.clocks.find((c) => c.id === 'network:filing-limit')!;
  expect(limit).toMatchObject({ kind: 'network', status: 'running', label: 'Visa 13.1 chargeback filing limit' });
  expect(Date.parse(limit.deadline!)).toBe(Date.parse(txn.postedAt) + 120 * DAY_MS);

  const agent = await takeCase(handle, view);
  network.failuresLeft = 2;
  const before = network.attempts.length;
  const accepted = await handle.executeUpdate(fileChargebackUpdate, {
    args: [{ actor: agent, code: '13.1', transaction: txn, amountCents: 4200, evidence: ['proof_of_order'] }],
  });
  // The action answers at once: the filing is the desk's, apart from it.
  expect(accepted).toMatchObject({ stage: 'awaiting_network', networkPhase: 'chargeback' });
  const afterFiling = await filed(caseId, handle);
  expect(network.attempts.length - before).toBe(3);
  const made = [...network.filings.values()].filter((f) => f.request.caseId === caseId);
  expect(made).toHaveLength(1);
  expect(made[0].request).toMatchObject({ filing: 'chargeback', code: '13.1', amountCents: 4200, network: 'visa' });
  const [chargeback] = afterFiling.chargebacks!;
  expect(chargeback).toMatchObject({ status: 'filed', networkCaseId: made[0].networkCaseId });
  expect(chargeback.window).toMatchObject({ party: 'acquirer', step: 'acquirer_response' });
  expect(afterFiling.clocks.find((c) => c.id === 'network:filing-limit')!.status).toBe('met');
  // Engineers find it in the Temporal UI by its network phase and next network deadline.
  const attributes = (await handle.describe()).typedSearchAttributes;
  expect(attributes.get(NetworkPhase)).toBe('chargeback');
  expect(attributes.get(NextNetworkDeadline)?.toISOString()).toBe(chargeback.window!.endsAt);

  // The acquirer has 30 days; it lets them pass.
  await bench.env.sleep(31 * DAY_MS);
  const after = await bench.settled(caseId, handle);
  expect(after.stage).toBe('resolved');
  expect(after.resolution).toMatchObject({
    outcome: 'customer_favour',
    amountCents: 4200,
    resolvedBy: 'system:network',
  });
  expect(after.chargebacks![0]).toMatchObject({ status: 'won', wonCents: 4200 });
  const log = types(await bench.auditLog(caseId));
  expect(log).toEqual(
    expect.arrayContaining([
      'chargeback_requested',
      'network_filed',
      'network_window_passed',
      'chargeback_decided',
      'resolved',
    ]),
  );
  const subjects = bench.mail.received('jane.morgan@example.com').filter((m) => m.text.includes(caseId));
  expect(subjects.map((m) => m.subject)).toContain(`Your dispute ${caseId}: we have raised a chargeback`);
  await keepHistory('chargeback-acquirer-silent', handle);
});

test('a claim of two transactions: one accepted by the acquirer, one represented in part and conceded; the case resolves in part', async () => {
  const { caseId, handle, view } = await bench.open({ reasonCode: 'not_as_described', amountCents: 1500 });
  const agent = await takeCase(handle, view);
  const second = await otherCharge(JANE.cardId, 2000, 10);
  for (const txn of [await transaction(caseId), await transaction(caseId, second)]) {
    await handle.executeUpdate(fileChargebackUpdate, {
      args: [
        {
          actor: agent,
          code: '13.3',
          transaction: txn,
          amountCents: txn.amountCents === 2000 ? 2000 : 1500,
          evidence: [],
        },
      ],
    });
  }
  // The same transaction cannot be charged back twice.
  const again = await refusal(
    handle.executeUpdate(fileChargebackUpdate, {
      args: [{ actor: agent, code: '13.3', transaction: await transaction(caseId), amountCents: 100, evidence: [] }],
    }),
  );
  expect(again.message).toContain('has a chargeback already');
  const both = await filed(caseId, handle);
  const [own, other] = both.chargebacks!;
  await send(handle, { chargebackId: own.id, type: 'accepted' });
  await send(handle, { chargebackId: other.id, type: 'represented', amountCents: 500, evidence: ['signed_receipt'] });
  const represented = await handle.query(getCaseQuery);
  expect(represented).toMatchObject({ stage: 'awaiting_network', networkPhase: 'representment' });
  expect(represented.chargebacks![1]).toMatchObject({ status: 'represented', contestedCents: 500 });
  expect(represented.clocks.find((c) => c.id === `network:${other.id}:pre_arbitration_filing`)!.status).toBe('running');

  await handle.executeUpdate(decideChargebackUpdate, {
    args: [{ actor: agent, chargebackId: other.id, decision: 'accept', note: 'The receipt shows a 5.00 fee agreed' }],
  });
  const after = await bench.settled(caseId, handle);
  expect(after.resolution).toMatchObject({ outcome: 'partial', amountCents: 1500 + 1500 });
  expect(after.chargebacks!.map((cb) => [cb.status, cb.wonCents])).toEqual([
    ['won', 1500],
    ['lost', 1500],
  ]);
});

test('a representment answered by pre-arbitration and lost at arbitration: the provisional credit is taken back only after the customer was told, and the notice period', async () => {
  const { caseId, handle, view } = await bench.open({ reasonCode: 'not_received', card: 'debit', amountCents: 9000 });
  const agent = await takeCase(handle, view);
  await handle.executeUpdate(grantProvisionalCreditUpdate, { args: [{ actor: agent }] });
  await handle.executeUpdate(fileChargebackUpdate, {
    args: [{ actor: agent, code: '13.1', transaction: await transaction(caseId), amountCents: 9000, evidence: [] }],
  });
  const [cb] = (await filed(caseId, handle)).chargebacks!;
  await bench.env.sleep(10 * DAY_MS);
  await send(handle, { chargebackId: cb.id, type: 'represented', evidence: ['proof_of_delivery'] });

  // The bank's own window warns before it ends.
  await bench.env.sleep(26 * DAY_MS);
  expect(types(await bench.auditLog(caseId))).toContain('network_deadline_warning');
  await handle.executeUpdate(decideChargebackUpdate, {
    args: [{ actor: agent, chargebackId: cb.id, decision: 'pre_arbitration', evidence: ['customer_statement'] }],
  });
  expect((await filed(caseId, handle)).chargebacks![0]).toMatchObject({ status: 'pre_arbitration' });
  await send(handle, { chargebackId: cb.id, type: 'pre_arbitration_declined' });
  await handle.executeUpdate(decideChargebackUpdate, {
    args: [{ actor: agent, chargebackId: cb.id, decision: 'arbitration' }],
  });
  expect((await filed(caseId, handle)).networkPhase).toBe('arbitration');
  const filings = [...network.filings.values()].filter((f) => f.request.caseId === caseId).map((f) => f.request.filing);
  expect(filings).toEqual(['chargeback', 'pre_arbitration', 'arbitration']);

  await send(handle, { chargebackId: cb.id, type: 'ruling', winner: 'acquirer' });
  const ruled = await bench.settled(caseId, handle);
  expect(ruled.resolution).toMatchObject({ outcome: 'merchant_favour', amountCents: 0 });
  // Nothing is taken back yet: the customer is told the amount and the date first.
  expect(ruled.heldReversal).toMatchObject({ amountCents: 9000 });
  const letter = bench.mail
    .received('jane.morgan@example.com')
    .find((m) => m.subject === `Your dispute ${caseId} is resolved`)!;
  expect(letter.text).toContain('We will take back $90.00 of the provisional credit on');
  expect(letter.text).toContain('5 business days after this letter');
  const noticeSentAt = Date.parse(ruled.heldReversal!.noticeSentAt!);
  let log = await bench.auditLog(caseId);
  expect(log.filter((e) => e.type === 'settled')).toEqual([]);

  await bench.env.sleep(8 * DAY_MS);
  await bench.settled(caseId, handle);
  log = await bench.auditLog(caseId);
  const settled = log.find((e) => e.type === 'settled')!;
  expect(settled.data).toEqual({ creditCents: -9000 });
  expect(businessTimeBetween(noticeSentAt, settled.at, new Set())).toBeGreaterThanOrEqual(5 * DAY_MS);
  const told = log.find((e) => e.type === 'customer_notified' && (e.data.key as string).includes(':resolved:'))!;
  expect(told.at).toBeLessThan(settled.at);
  const adjustments = await bench.db.cardTransaction.findMany({
    where: { cardId: DEBIT_CARD, merchant: { contains: caseId } },
    orderBy: { postedAt: 'asc' },
  });
  expect(adjustments.map((a) => a.amountCents)).toEqual([-9000, 9000]);
  expect((await handle.query(getCaseQuery)).heldReversal).toBeNull();
  await keepHistory('chargeback-lost-at-arbitration', handle);
});

test('the network answers a filing before the adapter replies: the answer is taken, and the reply only adds the case number', async () => {
  const { caseId, handle, view } = await bench.open({ reasonCode: 'not_received', amountCents: 2500 });
  const agent = await takeCase(handle, view);
  network.failuresLeft = 1;
  await handle.executeUpdate(fileChargebackUpdate, {
    args: [{ actor: agent, code: '13.1', transaction: await transaction(caseId), amountCents: 2500, evidence: [] }],
  });
  const [pending] = (await handle.query(getCaseQuery)).chargebacks!;
  expect(pending).toMatchObject({ status: 'filing', pending: 'chargeback' });
  await send(handle, { chargebackId: pending.id, type: 'represented', evidence: ['proof_of_delivery'] });
  const after = await filed(caseId, handle);
  expect(after.chargebacks![0]).toMatchObject({ status: 'represented', networkCaseId: expect.stringMatching(/^VCR-/) });
  expect(after.chargebacks![0].window).toMatchObject({ party: 'issuer', step: 'pre_arbitration_filing' });
  // The customer hears of the filing before the merchant's answer, as it happened at the network.
  const steps = bench.mail
    .received('jane.morgan@example.com')
    .filter((m) => m.text.includes(caseId) && m.subject.includes(': '))
    .map((m) => m.subject.split(': ')[1]);
  expect(steps).toEqual(['we have raised a chargeback', 'the merchant has answered']);
  await bench.finish(handle);
});

test('a chargeback after its time limit is refused, saying which limit and when it passed', async () => {
  const { caseId, handle, view } = await bench.open({ reasonCode: 'not_as_described' });
  const agent = await takeCase(handle, view);
  const old = await otherCharge(JANE.cardId, 3000, 130);
  const refused = await refusal(
    handle.executeUpdate(fileChargebackUpdate, {
      args: [
        { actor: agent, code: '13.3', transaction: await transaction(caseId, old), amountCents: 3000, evidence: [] },
      ],
    }),
  );
  expect(refused.type).toBe('StageConflict');
  expect(refused.message).toMatch(
    /The time limit to file visa 13\.3 for transaction .* passed on \d{4}-\d\d-\d\d \(120 days/,
  );
  const wrongCode = await refusal(
    handle.executeUpdate(fileChargebackUpdate, {
      args: [{ actor: agent, code: '10.4', transaction: await transaction(caseId), amountCents: 100, evidence: [] }],
    }),
  );
  expect(wrongCode).toMatchObject({ type: 'InvalidArgument' });
  expect(wrongCode.message).toContain('use 13.3');
  expect((await handle.query(getCaseQuery)).chargebacks).toEqual([]);
  expect(types(await handle.query(getTimelineQuery))).not.toContain('chargeback_requested');
  await bench.finish(handle);
});

test('a small processing error is written off at intake by rule, and one above the rule is investigated', async () => {
  const small = await bench.open({ reasonCode: 'duplicate_charge', amountCents: 1800 });
  expect(small.view).toMatchObject({
    stage: 'resolved',
    resolution: { outcome: 'write_off', amountCents: 1800, resolvedBy: 'system:write-off' },
  });
  const log = await bench.auditLog(small.caseId);
  expect(log.find((e) => e.type === 'written_off')!.data).toMatchObject({ amountCents: 1800 });
  expect(types(log)).not.toContain('chargeback_requested');
  expect(await bench.readModel(small.caseId)).toMatchObject({ outcome: 'write_off', resolvedAmountCents: 1800 });
  // Refunded at once: booked on her card.
  const credit = await bench.db.cardTransaction.findMany({ where: { merchant: `DISPUTE CREDIT ${small.caseId}` } });
  expect(credit.map((t) => t.amountCents)).toEqual([-1800]);

  const large = await bench.open({ reasonCode: 'duplicate_charge', amountCents: 2600 });
  expect(large.view.stage).toBe('investigation');
  await bench.finish(large.handle);
  await keepHistory('write-off', small.handle);
});

test('the figures count the write-offs apart, and the chargebacks the network decided for the bank', async () => {
  // This file's cases, by hand: four resolved (acquirer silent, two transactions, lost at
  // arbitration, the small write-off; the others were withdrawn), one of them written off; four
  // chargebacks decided (won; won and lost; lost), two for the bank.
  const now = await bench.env.currentTimeMs();
  const range = { from: new Date(0), to: new Date(now + DAY_MS), departmentId: null };
  const figures = await computeFigures(bench.db, range, new Date(now));
  expect(figures.write_offs.find((r) => JSON.stringify(r.group) === '{}')).toMatchObject({
    value: 0.25,
    numerator: 1,
    denominator: 4,
  });
  expect(figures.write_offs.find((r) => r.group.reason === 'duplicate_charge')).toMatchObject({ value: 1 });
  expect(figures.chargebacks_won.find((r) => JSON.stringify(r.group) === '{}')).toMatchObject({
    value: 0.5,
    numerator: 2,
    denominator: 4,
  });
});
