/**
 * The card network on the real stack (dev server, worker and API as processes, the network
 * simulator as `npm start` runs it): a case goes from intake through a filed chargeback, a
 * representment, pre-arbitration and arbitration to the network's ruling, every answer arriving
 * through the inbound feed. The feed is attacked too: only the network's system may send, a
 * malformed batch is refused whole, and an answer sent again acts once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { disputeOf, newestUndisputed, ProcessStack } from '../../src/tools/process-stack';
import type { CaseView } from '../../workflows/dispute/messages';
import { eventually } from '../helpers/api-stack';
import { accessible, launchChromium, shoot } from '../helpers/browser';
import { staffCalls } from '../helpers/staff-calls';

let dir: string;
let stack: ProcessStack;
let browser: Browser;
const { call, tokenOf } = staffCalls(() => stack);

const caseView = async (caseId: string) => (await call('GET', `/cases/${caseId}`, 'admin')).body.workflow as CaseView;

/** Waits (bounded by the test's own timeout) until the case shows what `done` looks for. */
const until = (caseId: string, done: (view: CaseView) => boolean) => eventually(() => caseView(caseId), done, 60_000);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'network-'));
  stack = await ProcessStack.start({ dir, customers: 4, shortClocks: false });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a case goes from intake through a chargeback, a representment, pre-arbitration and arbitration to the ruling', async () => {
  const charge = await newestUndisputed(stack.db);
  const opened = await call('POST', '/cases', 'intake-agent-1', { ...disputeOf(charge), amount: 1 });
  expect(opened.status).toBe(201);
  const caseId = opened.body.id as string;
  const routed = await until(caseId, (v) => v.stage === 'investigation');
  const agent = `${routed.departmentId}-agent-1`;
  expect((await call('POST', `/cases/${caseId}/assign`, agent, { assigneeId: agent })).status).toBe(200);
  // The merchant's bank represents, declines pre-arbitration, and the network rules for the cardholder.
  stack.network!.script(caseId, { chargeback: 'represent', preArbitration: 'decline', ruling: 'issuer' });

  const detail = await call('GET', `/cases/${caseId}`, agent);
  const code = (detail.body.network as { codes: { code: string }[] }).codes[0].code;
  const filing = await call('POST', `/cases/${caseId}/chargebacks`, agent, { code, evidence: ['cardholder_letter'] });
  expect(filing.status).toBe(200);
  expect(filing.body.workflow).toMatchObject({ stage: 'awaiting_network', networkPhase: 'chargeback' });

  const represented = await until(caseId, (v) => v.chargebacks?.[0]?.status === 'represented');
  const [chargeback] = represented.chargebacks!;
  expect(chargeback).toMatchObject({ code, networkCaseId: expect.stringMatching(/^(VROL|MCOM)-/) });
  expect(represented.clocks.find((c) => c.id === `network:${chargeback.id}:pre_arbitration_filing`)).toMatchObject({
    kind: 'network',
    status: 'running',
  });

  const pre = await call('POST', `/cases/${caseId}/chargeback-decisions`, agent, {
    chargebackId: chargeback.id,
    decision: 'pre_arbitration',
    evidence: ['customer_statement'],
  });
  expect(pre.status).toBe(200);
  await until(caseId, (v) => v.chargebacks?.[0]?.status === 'pre_arbitration_declined');
  const arbitration = await call('POST', `/cases/${caseId}/chargeback-decisions`, agent, {
    chargebackId: chargeback.id,
    decision: 'arbitration',
  });
  expect(arbitration.status).toBe(200);

  const ruled = await until(caseId, (v) => v.stage === 'resolved');
  expect(ruled.resolution).toMatchObject({
    outcome: 'customer_favour',
    amountCents: 100,
    resolvedBy: 'system:network',
  });
  expect(ruled.chargebacks![0]).toMatchObject({ status: 'won', wonCents: 100 });
  const filings = stack.network!.filings().filter((f) => f.request.caseId === caseId);
  expect(filings.map((f) => f.request.filing)).toEqual(['chargeback', 'pre_arbitration', 'arbitration']);
  expect(new Set(filings.map((f) => f.networkCaseId)).size).toBe(1);

  // Every step was recorded in the case's audit log, in order. The log is written by an activity
  // after the workflow's state moved, so it is read once the ruling's record is there. (The
  // simulator answers at once, so the adapter's reply with the network case number may be
  // recorded after the answer.)
  const audit = await eventually(
    () => stack.db.caseEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' } }),
    (rows) => rows.some((e) => e.type === 'chargeback_decided'),
    60_000,
  );
  const types = audit.map((e) => e.type);
  expect(types.filter((t) => t === 'network_filed')).toHaveLength(3);
  expect(types.filter((t) => t.startsWith('network_event') || t.startsWith('chargeback_'))).toEqual([
    'chargeback_requested',
    'network_event',
    'chargeback_answered',
    'network_event',
    'chargeback_answered',
    'network_event',
    'chargeback_decided',
  ]);
  expect(audit.filter((e) => e.type === 'network_event').map((e) => JSON.parse(e.data).type)).toEqual([
    'represented',
    'pre_arbitration_declined',
    'ruling',
  ]);

  // The evidence checklist is ticked by what the filing named; the rest is still missing.
  const checklist = (
    (await call('GET', `/cases/${caseId}`, agent)).body.network as {
      codes: { code: string; checklist: { item: string; ticked: boolean; source: string | null }[] }[];
    }
  ).codes.find((c) => c.code === code)!.checklist;
  expect(checklist).toContainEqual({ item: 'cardholder_letter', ticked: true, source: 'filed' });
  expect(checklist).toContainEqual({ item: 'merchant_contact_attempt', ticked: false, source: null });

  // The agent's case file shows the chargeback, where it stands, and the checklist.
  const casePage = await (await browser.newContext()).newPage();
  await casePage.goto(`${stack.apiBase}/console/sign-in`);
  await casePage.fill('#token', await tokenOf(agent));
  await Promise.all([casePage.waitForURL(`${stack.apiBase}/console`), casePage.click('button[type=submit]')]);
  await casePage.goto(`${stack.apiBase}/console/cases/${caseId}`);
  const section = await casePage.innerText('section[aria-labelledby=network-h]');
  expect(section).toContain(chargeback.id);
  expect(section).toMatch(/won/);
  expect(section).toMatch(/✓\s*cardholder letter \(filed\)/);
  await accessible(casePage);
  await shoot(casePage, 'console', 'case-chargeback');

  // The simulator's page shows the filings, for a person to look at.
  const page = await (await browser.newContext()).newPage();
  await page.goto(stack.network!.url);
  expect(await page.innerText('table')).toContain(chargeback.id);
  await accessible(page);
  await shoot(page, 'network', 'simulator');

  // The feed: only the network's system sends; a malformed batch is refused whole; a repeat acts once.
  const event = { id: 'evt-attack-1', chargebackId: chargeback.id, type: 'accepted' };
  expect((await call('POST', '/feed/network-events', agent, { events: [event] })).status).toBe(403);
  const malformed = await call('POST', '/feed/network-events', 'card-network', {
    events: [event, { ...event, id: 'evt-attack-2', type: 'ruling' }],
  });
  expect(malformed).toMatchObject({ status: 422, body: { errors: [{ field: 'events.1.winner' }] } });
  const unknown = await call('POST', '/feed/network-events', 'card-network', {
    events: [{ ...event, chargebackId: 'DSP-NOSUCHCASE1-CB1' }],
  });
  expect(unknown).toMatchObject({ status: 422, body: { errors: [{ field: 'events.0.chargebackId' }] } });
  const resent = await call('POST', '/feed/network-events', 'card-network', {
    events: [{ id: `${filings[2].key}:ruling`, chargebackId: chargeback.id, type: 'ruling', winner: 'issuer' }],
  });
  expect(resent.status).toBe(200);
  expect((resent.body.results as { outcome: string }[])[0].outcome).toMatch(/applied|repeated/);
  const late = await call('POST', '/feed/network-events', 'card-network', { events: [event] });
  expect((late.body.results as { outcome: string; detail: string }[])[0]).toMatchObject({
    outcome: 'refused',
    detail: expect.stringContaining('is won'),
  });
  expect(await stack.db.caseEvent.count({ where: { caseId, type: 'network_event' } })).toBe(3);
}, 300_000);
