/**
 * Histories on the Temporal server hold ciphertext, and the worker refuses what was not sealed
 * with a known key: a caller who reaches the Temporal frontend can neither read a case nor forge
 * an action on it.
 */
import { Client } from '@temporalio/client';
import { attritionRiskSignal, getCaseQuery, grantProvisionalCreditUpdate } from '../../workflows/dispute/messages';
import { ApiStack, eventually } from '../helpers/api-stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await ApiStack.start({ taskQueue: 'encryption-test' });
});
afterAll(() => stack?.stop());

async function openCase(): Promise<{ id: string; workflowId: string }> {
  const res = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const row = await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id } }),
    (r) => r.stage !== 'intake',
  );
  return { id, workflowId: row.workflowId };
}

/** A client without the keys: what anyone who reaches the frontend has. */
const outsider = () => new Client({ connection: stack.env.connection });

test('a history fetched from the server shows no plaintext note, name or address', async () => {
  const { id, workflowId } = await openCase();
  const text = 'Customer called twice about the parcel from Acme Widgets';
  expect((await stack.call('POST', `/cases/${id}/notes`, 'admin', { text })).status).toBe(200);
  const history = JSON.stringify(await outsider().workflow.getHandle(workflowId).fetchHistory());
  const row = await stack.db.case.findUniqueOrThrow({ where: { id }, include: { customer: true } });
  for (const secret of ['parcel from Acme', row.customer.name, row.customer.email, 'admin']) {
    expect(history).not.toContain(secret);
  }
});

test('an Update forged without the keys (an invented admin granting a credit) is refused, and the case carries on', async () => {
  const { id, workflowId } = await openCase();
  const handle = outsider().workflow.getHandle(workflowId);
  const mallory = { id: 'mallory', role: 'admin', departmentId: 'intake', authorityLimitCents: 1e12 } as const;
  const forged = handle.executeUpdate(grantProvisionalCreditUpdate, { args: [{ actor: mallory, amountCents: 1e6 }] });
  // Even the refusal is sealed: the outsider learns nothing from it, nor from a query.
  await expect(forged).rejects.toThrow('Unknown encoding: binary/encrypted');
  await expect(handle.query(getCaseQuery)).rejects.toThrow('Unknown encoding: binary/encrypted');
  const started = Date.now();
  expect((await stack.call('POST', `/cases/${id}/notes`, 'admin', { text: 'still here' })).status).toBe(200);
  expect(Date.now() - started).toBeLessThan(5_000);
  const events = await stack.db.caseEvent.findMany({ where: { caseId: id } });
  expect(events.map((e) => e.type)).not.toContain('provisional_credit_granted');
});

test('a signal forged without the keys (a customer at risk) is dropped, and the case carries on', async () => {
  const { id, workflowId } = await openCase();
  await outsider().workflow.getHandle(workflowId).signal(attritionRiskSignal, {
    level: 'high',
    recommendation: 'call_back',
    rules: [],
    facts: null,
    assessedAt: new Date().toISOString(),
  });
  expect((await stack.call('POST', `/cases/${id}/notes`, 'admin', { text: 'after the signal' })).status).toBe(200);
  const view = await stack.env.client.workflow.getHandle(workflowId).query(getCaseQuery);
  expect(view.attritionRisk).toBe('none');
  expect(await stack.db.outreachTask.count({ where: { caseId: id } })).toBe(0);
});
