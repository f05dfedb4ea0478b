/**
 * Bulk operations on the product as separate processes (dev server, worker, API): a supervisor
 * selects a queue of 30 cases in the console and reassigns them all; the worker is SIGKILLed
 * with a step done and not yet reported, and started again. Every case ends assigned exactly
 * once, and the operation's page lists each. The API's side: a bad body names its field, cases
 * outside the runner's reach are refused by index, and other roles may not run one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { disputeOf, ProcessStack, undisputedTransactions } from '../../src/tools/process-stack';
import { eventually } from '../helpers/api-stack';
import { accessible, launchChromium, shoot } from '../helpers/browser';
import { staffCalls } from '../helpers/staff-calls';

const CASES = 30;

let dir: string;
let stack: ProcessStack;
let browser: Browser;
const { call, tokenOf } = staffCalls(() => stack);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bulk-'));
  stack = await ProcessStack.start({ dir, customers: 12, shortClocks: false });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a supervisor bulk-assigns a queue of 30 cases while the worker is killed once; each case is assigned once', async () => {
  const charges = (await undisputedTransactions(stack.db)).slice(0, CASES);
  expect(charges).toHaveLength(CASES);
  const opened = await Promise.all(charges.map((c) => call('POST', '/cases', 'intake-agent-1', disputeOf(c))));
  const ids = opened.map((res) => res.body.id as string);
  const rows = await eventually(
    () => stack.db.case.findMany({ where: { id: { in: ids } } }),
    (all) => all.length === CASES && all.every((row) => row.stage === 'investigation'),
    // Thirty cases open at once beside other suites on a CI machine: this waits for them, it does
    // not time them (their speed is the bench's business), so its bound is the test's own.
    100_000,
  );
  const department = rows[0].departmentId;
  expect(rows.map((row) => `${row.id} ${row.departmentId} ${row.assigneeId}`)).toEqual(
    rows.map((row) => `${row.id} ${department} null`),
  );
  const assignee = `${department}-agent-2`;

  const page = await (await browser.newContext()).newPage();
  await page.goto(`${stack.apiBase}/console/sign-in`);
  await page.fill('#token', await tokenOf(`${department}-supervisor`));
  await Promise.all([page.waitForURL(`${stack.apiBase}/console`), page.click('button[type=submit]')]);
  await Promise.all([page.waitForLoadState('load'), page.click('nav >> text=Supervision')]);
  expect(await page.innerText('#oversight')).toContain('Workload');
  await accessible(page);
  await shoot(page, 'console', 'supervision');

  await page.click('text=Select every case listed');
  expect(await page.$$eval('input[name=caseIds]:checked', (all) => all.length)).toBe(CASES);
  await page.selectOption('#action', 'assign');
  await page.selectOption('#assigneeId', assignee);
  // The worker dies once a step's action is done and before it reports so: the retry must not act again.
  const killed = stack.killDuring('applyBulkStep', 60_000);
  await Promise.all([
    page.waitForURL(/\/console\/bulk-operations\/BULK-/),
    page.click('text=Run on the selected cases'),
  ]);
  const operationId = page.url().split('/').at(-1)!;
  await killed;
  expect(stack.held.map((h) => h.activityType)).toEqual(['applyBulkStep']);
  await stack.startWorker();

  const done = await eventually(
    () => stack.db.bulkOperation.findUniqueOrThrow({ where: { id: operationId }, include: { items: true } }),
    (op) => op.status !== 'running',
    120_000,
  );
  expect(done).toMatchObject({ status: 'completed', requestedBy: `${department}-supervisor`, action: 'assign' });
  expect(done.items.map((item) => item.status)).toEqual(Array(CASES).fill('done'));
  const assigned = await stack.db.caseEvent.findMany({ where: { caseId: { in: ids }, type: 'assigned' } });
  expect(assigned).toHaveLength(CASES);
  expect(new Set(assigned.map((e) => e.caseId)).size).toBe(CASES);
  expect(assigned.every((e) => e.actor === `${department}-supervisor`)).toBe(true);
  expect(await stack.db.case.count({ where: { id: { in: ids }, assigneeId: assignee } })).toBe(CASES);

  await page.reload();
  const result = await page.innerText('main');
  expect(result).toContain(`${CASES} done, 0 refused, 0 pending, 0 cancelled, of ${CASES}`);
  expect(result).toContain(`${department}-supervisor`);
  await accessible(page);
  await shoot(page, 'console', 'bulk-operation');

  // The API shows the same, to its runner and to auditors; others are refused.
  const api = await call('GET', `/bulk-operations/${operationId}`, `${department}-supervisor`);
  expect(api.status).toBe(200);
  expect(api.body).toMatchObject({ status: 'completed', counts: { done: CASES } });
  expect((await call('GET', `/bulk-operations/${operationId}`, 'auditor')).status).toBe(200);
  expect((await call('GET', `/bulk-operations/${operationId}`, `${department}-agent-1`)).status).toBe(403);
}, 300_000);

test('the API refuses a bulk operation whole when a field or a case is wrong, and runs one a case refuses', async () => {
  const [open] = await stack.db.case.findMany({ where: { stage: 'investigation' }, take: 1 });
  const supervisor = `${open.departmentId}-supervisor`;
  const elsewhere = await stack.db.case.findFirst({ where: { departmentId: { not: open.departmentId } } });
  const bad = await call('POST', '/bulk-operations', supervisor, {
    action: 'assign',
    caseIds: [open.id],
    body: { assigneeId: 'nobody-here' },
  });
  expect(bad).toMatchObject({ status: 422, body: { errors: [{ field: 'body.assigneeId' }] } });
  if (elsewhere) {
    const outside = await call('POST', '/bulk-operations', supervisor, {
      action: 'escalate',
      caseIds: [open.id, elsewhere.id],
      body: { reason: 'Backlog' },
    });
    expect(outside).toMatchObject({ status: 422, body: { errors: [{ field: 'caseIds.1' }] } });
  }
  const otherDepartment = open.departmentId === 'fraud' ? 'chargebacks' : 'fraud';
  const foreignFilter = await call('POST', '/bulk-operations', supervisor, {
    action: 'escalate',
    filter: { departmentId: otherDepartment },
    body: { reason: 'Backlog' },
  });
  expect(foreignFilter).toMatchObject({ status: 422, body: { errors: [{ field: 'filter.departmentId' }] } });
  expect(await stack.db.bulkOperation.count({ where: { requestedBy: supervisor, action: 'escalate' } })).toBe(0);

  // Assigned already to the agent: the case refuses to be assigned to them again, and says why.
  const again = await call('POST', '/bulk-operations', supervisor, {
    action: 'assign',
    caseIds: [open.id],
    body: { assigneeId: open.assigneeId ?? `${open.departmentId}-agent-2` },
  });
  expect(again.status).toBe(202);
  const finished = await eventually(
    () => call('GET', `/bulk-operations/${again.body.id as string}`, supervisor),
    (res) => res.body.status !== 'running',
  );
  expect(finished.body).toMatchObject({ status: 'completed', counts: { refused: 1 } });
  expect((finished.body.items as { detail: string }[])[0].detail).toContain('already assigned');
}, 60_000);
