/**
 * Engineers read sealed cases in the Temporal UI after signing in; anyone else sees ciphertext.
 * The dev server's real web UI, pointed at the API's codec as `npm start` points it, driven by
 * Chromium: an anonymous visitor gets the ciphertext and the UI's "could not connect"; an auditor
 * who signed in at /codec/sign-in, with "include cross-origin credentials" ticked in the UI's
 * codec settings, reads the case's input.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ApiStack, eventually } from '../helpers/api-stack';
import { issueToken } from '../../src/auth/tokens';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
let stack: ApiStack;
let browser: Browser;
let caseUrl: string;

beforeAll(async () => {
  stack = await ApiStack.start({ taskQueue: 'ui-codec-test', ui: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const res = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
  const { id, workflowId } = (await res.json()) as { id: string; workflowId: string };
  await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id } }),
    (row) => row.stage !== 'intake',
  );
  const { runId } = await stack.env.client.workflow.getHandle(workflowId).describe();
  caseUrl = `${stack.uiUrl}/namespaces/default/workflows/${workflowId}/${runId}/history`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The run's page once it shows the workflow's input, decoded or not: its text. */
async function runPage(page: Page): Promise<string> {
  await page.goto(caseUrl);
  return eventually(
    () => page.innerText('body'),
    (text) => /"caseId"|Codec Server could not/.test(text),
  );
}

test('Chromium is there (the test set-up installs it)', () => {
  expect(existsSync(CHROMIUM)).toBe(true);
});

test('an anonymous visitor sees ciphertext and no decoded case', async () => {
  const page = await browser.newPage();
  const shown = await runPage(page);
  expect(shown).toMatch(/Codec Server could not\s+connect/);
  expect(shown).not.toContain('reasonCode');
  expect(shown).not.toContain('intake-agent-1');
  await page.close();
}, 60_000);

test('an auditor signed in at the codec reads the case in the UI', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.base}/codec/sign-in`);
  await page.fill('input[name=token]', (await issueToken(stack.db, 'auditor', { days: 1 })).token);
  await page.click('button[type=submit]');
  await page.getByText('Signed in as auditor (auditor)').waitFor();
  // What ticking "Include cross-origin credentials" in the UI's codec settings stores.
  await page.goto(stack.uiUrl);
  await page.evaluate((endpoint) => {
    const { localStorage } = globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } };
    localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
    localStorage.setItem('endpoint', JSON.stringify(endpoint));
    localStorage.setItem('includeCredentials', 'true');
  }, `${stack.base}/codec`);
  const shown = await runPage(page);
  expect(shown).not.toMatch(/Codec Server could not/);
  expect(shown).toContain('"reasonCode"');
  expect(shown).toContain('"openedBy": "intake-agent-1"');
  await context.close();
}, 60_000);
