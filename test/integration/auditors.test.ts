/**
 * What auditors and the Temporal server see of a case worked through the API. Histories on the
 * server hold ciphertext, and the worker refuses what was not sealed with a known key: a caller
 * who reaches the Temporal frontend can neither read a case nor forge an action on it. Today's
 * code replays the case from the server (`npm run replay`), and `npm run audit` tells its story
 * from the history, agreeing with the database until a difference is planted there.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { attritionRiskSignal, getCaseQuery, grantProvisionalCreditUpdate } from '../../workflows/dispute/messages';
import { ROOT } from '../../src/db/target';
import { workflowBundlePath } from '../../src/temporal/bundle';
import { crossCheck, storyOf } from '../../src/tools/audit';
import { replay, runsOf } from '../../src/tools/replay';
import { ApiStack, eventually } from '../helpers/api-stack';
import { TEST_PAYLOAD_KEY_ENTRY, testDataConverter } from '../helpers/temporal';

const UpdateStage = temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;

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
  await stack.caughtUp(id);
  const events = await stack.db.caseEvent.findMany({ where: { caseId: id } });
  expect(events.map((e) => e.type)).not.toContain('provisional_credit_granted');
});

test('a case started with an input in clear fails at once, not task after task', async () => {
  const workflowId = `dispute-DSP-FORGED${randomUUID().slice(0, 6).toUpperCase()}`;
  const handle = await outsider().workflow.start('disputeWorkflow', {
    taskQueue: 'encryption-test',
    workflowId,
    args: [{}],
  });
  const started = Date.now();
  await expect(handle.result()).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(10_000);
  expect((await handle.describe()).status.name).toBe('FAILED');
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

// --- Replaying sealed payloads: what a writer at the frontend can do with a copied history -------

/** The staff actions a case's history holds, each with its sealed input, as anyone at the frontend reads it. */
async function sealedActions(workflowId: string) {
  const history = await outsider().workflow.getHandle(workflowId).fetchHistory();
  return history
    .events!.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest)
    .filter((r) => r != null)
    .map((r) => ({ name: r.input!.name!, updateId: r.meta!.updateId!, args: r.input!.args! }));
}

/** Sends an Update with the given sealed input straight to the frontend, as the Temporal CLI would. */
async function sendSealed(workflowId: string, name: string, args: temporal.api.common.v1.IPayloads, updateId: string) {
  const { outcome } = await stack.env.connection.workflowService.updateWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId },
    request: { meta: { updateId, identity: 'mallory' }, input: { name, args } },
    waitPolicy: { lifecycleStage: UpdateStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED },
  });
  return outcome?.failure ? 'refused' : 'applied';
}

/** A case with a resolution proposed by its department's agent, waiting for approval. */
async function proposedCase(): Promise<{ id: string; workflowId: string }> {
  const opened = await openCase();
  const { departmentId } = await stack.db.case.findUniqueOrThrow({ where: { id: opened.id } });
  const agent = `${departmentId}-agent-1`;
  expect((await stack.call('POST', `/cases/${opened.id}/assign`, 'admin', { assigneeId: agent })).status).toBe(200);
  const proposal = { outcome: 'customer_favour', rationale: 'Merchant gave no proof' };
  expect((await stack.call('POST', `/cases/${opened.id}/propose`, agent, proposal)).status).toBe(200);
  return opened;
}

const stageOf = async (workflowId: string) =>
  (await stack.env.client.workflow.getHandle(workflowId).query(getCaseQuery)).stage;

test('a sealed approval copied from one case to another is refused, and leaves no trace there', async () => {
  const c = await proposedCase();
  expect((await stack.call('POST', `/cases/${c.id}/approve`, 'admin', {})).status).toBe(200);
  const [approval] = (await sealedActions(c.workflowId)).filter((a) => a.name === 'approveResolution');

  const d = await proposedCase();
  const acceptedBefore = (await sealedActions(d.workflowId)).length;
  // The same Update id (as copied) and a fresh one: neither resolves D.
  expect(await sendSealed(d.workflowId, 'approveResolution', approval.args, approval.updateId)).toBe('refused');
  expect(await sendSealed(d.workflowId, 'approveResolution', approval.args, randomUUID())).toBe('refused');
  expect(await stageOf(d.workflowId)).toBe('pending_approval');
  // Refused by the validator: the history took neither.
  expect((await sealedActions(d.workflowId)).length).toBe(acceptedBefore);
  await stack.caughtUp(d.id);
  const types = (await stack.db.caseEvent.findMany({ where: { caseId: d.id } })).map((e) => e.type);
  expect(types).not.toContain('resolution_approved');
});

test('a sealed action sent as another action, or again, is refused', async () => {
  const c = await proposedCase();
  expect((await stack.call('POST', `/cases/${c.id}/notes`, 'admin', { text: 'Looked at it' })).status).toBe(200);
  const [note] = (await sealedActions(c.workflowId)).filter((a) => a.name === 'addNote');
  // A note by the admin has the shape of an approval by the admin: it must not pass for one.
  expect(await sendSealed(c.workflowId, 'approveResolution', note.args, randomUUID())).toBe('refused');
  expect(await stageOf(c.workflowId)).toBe('pending_approval');
  // Again, under a new Update id: refused. Under its own id, Temporal answers the first outcome; no second note.
  expect(await sendSealed(c.workflowId, 'addNote', note.args, randomUUID())).toBe('refused');
  await sendSealed(c.workflowId, 'addNote', note.args, note.updateId);
  await stack.caughtUp(c.id);
  expect(await stack.db.caseEvent.count({ where: { caseId: c.id, type: 'note' } })).toBe(1);
});

test('a sealed risk report copied to another case, or sent again, is dropped', async () => {
  const c = await openCase();
  const insider = stack.env.client.workflow.getHandle(c.workflowId);
  const report = (level: 'watch' | 'none') => ({
    caseId: c.id,
    level,
    recommendation: null,
    rules: [],
    facts: null,
    assessedAt: new Date().toISOString(),
  });
  const riskOf = async (workflowId: string) =>
    (await stack.env.client.workflow.getHandle(workflowId).query(getCaseQuery)).attritionRisk;
  await insider.signal(attritionRiskSignal, report('watch'));
  await eventually(
    () => riskOf(c.workflowId),
    (risk) => risk === 'watch',
  );
  const history = await outsider().workflow.getHandle(c.workflowId).fetchHistory();
  const signaled = history.events!.find(
    (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'attritionRisk',
  );
  const copied = signaled!.workflowExecutionSignaledEventAttributes!.input!;
  await insider.signal(attritionRiskSignal, report('none'));
  await eventually(
    () => riskOf(c.workflowId),
    (risk) => risk === 'none',
  );

  const d = await openCase();
  for (const target of [d, c]) {
    await stack.env.connection.workflowService.signalWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: target.workflowId },
      signalName: 'attritionRisk',
      input: copied,
      identity: 'mallory',
    });
    // An action after the signal: the case has handled the signal by the time it answers.
    expect((await stack.call('POST', `/cases/${target.id}/notes`, 'admin', { text: 'after the copy' })).status).toBe(
      200,
    );
    expect([target.id, await riskOf(target.workflowId)]).toEqual([target.id, 'none']);
  }
  await stack.caughtUp(c.id);
  const changes = await stack.db.caseEvent.findMany({ where: { caseId: c.id, type: 'attrition_risk_changed' } });
  expect(changes.map((e) => JSON.parse(e.data).to)).toEqual(['watch', 'none']);
});

/** A case taken through assignment, a note, a question, an answer and a resolution. */
async function workedCase(): Promise<{ id: string; workflowId: string }> {
  const opened = await openCase();
  const { id } = opened;
  const row = await stack.db.case.findUniqueOrThrow({ where: { id } });
  const steps: [string, unknown][] = [
    ['assign', { assigneeId: `${row.departmentId}-agent-1`, reason: 'Yours' }],
    ['notes', { text: 'Merchant says it shipped' }],
    ['request-info', { question: 'Did a parcel come at all?' }],
    ['responses', { party: 'customer', summary: 'Nothing came' }],
    ['resolve', { outcome: 'customer_favour', rationale: 'No proof of delivery' }],
  ];
  for (const [step, body] of steps)
    expect((await stack.call('POST', `/cases/${id}/${step}`, 'admin', body)).status).toBe(200);
  // Every message the case owes has gone out and the read model caught up.
  await eventually(
    () => stack.db.notification.count({ where: { caseId: id, status: { not: 'sent' } } }),
    (pending) => pending === 0,
  );
  return opened;
}

test('today’s code replays a case fetched from the server, sealed payloads and all', async () => {
  const { id } = await workedCase();
  const client = stack.env.client;
  const sources = [...(await runsOf(client, `dispute-${id}`)), ...(await runsOf(client, `attrition-watch-${id}`))];
  expect(sources.length).toBeGreaterThanOrEqual(2);
  const lines = await replay(sources, {
    bundlePath: await workflowBundlePath(path.join(ROOT, '.data', 'test', 'cache')),
    dataConverter: testDataConverter('mark'),
  });
  expect(lines.map((l) => [l.source.workflowId, l.ok, l.message])).toEqual(
    sources.map((s) => [s.workflowId, true, '']),
  );
});

test('npm run audit tells the story from the history, agrees with the database, and reports a planted difference', async () => {
  const { id } = await workedCase();
  const audit = () =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/tools/audit.ts', id], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: stack.temporalAddress,
        DATABASE_URL: stack.databaseUrl,
        PAYLOAD_KEYS: TEST_PAYLOAD_KEY_ENTRY,
      },
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  const agreed = await audit();
  expect(agreed.code).toBe(0);
  expect(agreed.stdout).toContain(`# Case ${id}`);
  for (const line of [
    '| assignment | assigned | admin |',
    '| staff action | note | admin | text: Merchant says it shipped |',
    '| staff action | info_requested | admin | question: Did a parcel come at all? |',
    '| money | settled | admin |',
    '| message | customer_notified | system:notifications | template: resolved;',
  ]) {
    expect(agreed.stdout).toContain(line);
  }
  expect(agreed.stdout).toContain('The audit log, the read model and the outbox agree with the history.');

  // Someone edits the database behind the case's back.
  const note = await stack.db.caseEvent.findFirstOrThrow({ where: { caseId: id, type: 'note' } });
  await stack.db.caseEvent.update({ where: { id: note.id }, data: { actor: 'mallory' } });
  await stack.db.case.update({ where: { id }, data: { stage: 'withdrawn' } });
  const differed = await audit();
  expect(differed.code).toBe(1);
  expect(differed.stdout).toContain('2 difference(s):');
  expect(differed.stdout).toContain(`- event ${note.eventKey} actor: history "admin", audit log "mallory"`);
  expect(differed.stdout).toContain('- read model stage: history "resolved", database "withdrawn"');

  // The same check, through the functions the command uses.
  const runs = await runsOf(stack.env.client, `dispute-${id}`);
  const histories = await Promise.all(runs.map(async (r) => ({ runId: r.runId!, history: (await r.load()) as never })));
  const story = await storyOf(id, histories, stack.env.client.options.loadedDataConverter);
  expect(await crossCheck(stack.db, story)).toHaveLength(2);
}, 60_000);
