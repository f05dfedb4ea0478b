/**
 * The care team's API on the real stack: an outreach opened by a high-risk report (sent here as
 * the attrition watch sends it) is listed, claimed, offered above authority, approved and closed
 * with its outcome over HTTP; the case goes first in GET /cases while its customer is at risk.
 */
import { JANE } from '../../prisma/seed';
import type { Outreach } from '../../workflows/domain/care';
import { ApiStack, eventually } from '../helpers/api-stack';

let stack: ApiStack;
beforeAll(async () => {
  stack = await ApiStack.start({ taskQueue: 'outreach-api-test' });
});
afterAll(() => stack?.stop());

/** The parts of the API's answers these tests read. */
interface Answer {
  status: number;
  body: {
    id: string;
    stage?: string;
    detail?: string;
    items: { id: string; [field: string]: unknown }[];
    workflow: { outreach: Outreach[] };
  };
}
const json = async (res: Response): Promise<Answer> => ({
  status: res.status,
  body: (await res.json()) as Answer['body'],
});
const call = (method: string, path: string, actor: string | undefined, body?: unknown) =>
  stack.call(method, path, actor, body).then(json);

let caseId: string;
let outreachId: string;
let otherCaseId: string;

test("a high-risk report opens an outreach the care team lists, and Jane's case goes first", async () => {
  const opened = await call('POST', '/cases', 'intake-agent-1', {
    customerId: JANE.customerId,
    cardId: JANE.cardId,
    transactionId: JANE.unrecognizedTransactionId,
    amount: 14.99,
    reasonCode: 'unrecognized',
  });
  caseId = opened.body.id;
  const other = await stack.db.cardTransaction.findFirstOrThrow({
    where: { card: { customerId: 'cust-0001' }, amountCents: { gt: 0 } },
    include: { card: true },
  });
  otherCaseId = (
    await call('POST', '/cases', 'intake-agent-1', {
      customerId: 'cust-0001',
      cardId: other.cardId,
      transactionId: other.id,
      amount: other.amountCents / 100,
      reasonCode: 'not_received',
    })
  ).body.id;

  await eventually(
    () => call('GET', `/cases/${caseId}`, 'admin'),
    (res) => res.body.stage === 'investigation',
  );
  await stack.reportHighRisk(caseId);
  const listed = await eventually(
    () => call('GET', '/outreach', 'care-agent-1'),
    (res) => res.body.items?.length === 1,
  );
  const [item] = listed.body.items;
  outreachId = item.id;
  expect(item).toMatchObject({
    caseId,
    customerId: JANE.customerId,
    status: 'open',
    overdue: false,
    recommendation: { concession: { kind: 'reward_points', valueCents: 5000 } },
    brief: { profile: { name: 'Jane Morgan', tier: 'gold' }, dispute: { caseId } },
  });
  // Jane's case was opened first, yet it leads the queue while she is at risk.
  const cases = await eventually(
    () => call('GET', '/cases', 'admin'),
    (res) => res.body.items[0]?.id === caseId,
  );
  expect(cases.body.items.map((c) => c.id)).toEqual([caseId, otherCaseId]);
  expect(cases.body.items[0]).toMatchObject({ priority: 'high', attritionRisk: 'high' });
  expect((await call('GET', `/outreach/${outreachId}`, 'care-supervisor')).body.id).toBe(outreachId);
});

test('outreach is the care team’s: others may not list it, and bad filters name the field', async () => {
  expect(await call('GET', '/outreach', 'merchant-disputes-agent-1')).toMatchObject({ status: 403 });
  expect(await call('GET', '/outreach?status=pending', 'care-agent-1')).toMatchObject({
    status: 422,
    body: { errors: [expect.objectContaining({ field: 'status' })] },
  });
  expect(await call('GET', '/outreach/nope', 'care-agent-1')).toMatchObject({ status: 404 });
  expect(await call('POST', '/outreach/nope/claim', 'care-agent-1', {})).toMatchObject({ status: 404 });
});

test('a care agent claims it, needs approval above their authority, and records the outcome', async () => {
  const claimed = await call('POST', `/outreach/${outreachId}/claim`, 'care-agent-1', {});
  expect(claimed.status).toBe(200);
  expect(claimed.body.workflow.outreach[0]).toMatchObject({ status: 'claimed', assigneeId: 'care-agent-1' });
  expect(await call('POST', `/outreach/${outreachId}/claim`, 'care-agent-2', {})).toMatchObject({ status: 409 });

  const offer = { kind: 'fee_waiver', amount: 200, response: 'accepted' };
  expect(await call('POST', `/outreach/${outreachId}/outcome`, 'care-agent-1', { reached: true, offer })).toMatchObject(
    { status: 403, body: { detail: expect.stringContaining('approval') } },
  );
  expect(await call('POST', `/outreach/${outreachId}/outcome`, 'care-agent-1', { reached: 'yes' })).toMatchObject({
    status: 422,
    body: { errors: [expect.objectContaining({ field: 'reached' })] },
  });

  const request = { kind: 'fee_waiver', amount: 200, reason: 'Annual fee due; she has banked with us six years' };
  expect((await call('POST', `/outreach/${outreachId}/offer-request`, 'care-agent-1', request)).status).toBe(200);
  expect(await call('POST', `/outreach/${outreachId}/offer-approval`, 'care-agent-1', {})).toMatchObject({
    status: 403,
  });
  expect((await call('POST', `/outreach/${outreachId}/offer-approval`, 'care-supervisor', {})).status).toBe(200);
  const done = await call('POST', `/outreach/${outreachId}/outcome`, 'care-agent-1', {
    reached: true,
    offer,
    note: 'Called back; committed to the date; she accepted the waiver.',
  });
  expect(done.status).toBe(200);
  expect(done.body.workflow.outreach[0]).toMatchObject({ status: 'done', outcome: { reached: true } });

  const closed = await eventually(
    () => call('GET', '/outreach?status=done', 'care-agent-1'),
    (res) => res.body.items?.length === 1,
  );
  expect(closed.body.items[0]).toMatchObject({
    id: outreachId,
    assigneeId: 'care-agent-1',
    offerRequest: { status: 'approved', decidedBy: 'care-supervisor' },
    outcome: { reached: true, offer: { kind: 'fee_waiver', valueCents: 20_000, response: 'accepted' } },
  });
  const booked = await stack.db.cardTransaction.findMany({ where: { cardId: JANE.cardId, channel: 'adjustment' } });
  expect(booked.map((t) => t.amountCents)).toEqual([-20_000]);
  expect((await call('GET', '/outreach', 'care-agent-1')).body.items).toEqual([]);
});
