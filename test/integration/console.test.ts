/**
 * The staff console in Chromium on the real stack (dev server, worker, API): signing in with a
 * token, the work queue, "take the next case" and the case file; the session's cookie, CSRF and
 * sign-out attacked. axe-core finds no serious or critical violation on any page, and every page
 * is saved as a screenshot under .data/screenshots/console/ for a person to look at.
 */
import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { exportJWK, generateKeyPair } from 'jose';
import { freePort } from '../../src/ports';
import { accessible, launchChromium, shoot as shootPage } from '../helpers/browser';
import { ApiStack, eventually } from '../helpers/api-stack';

let stack: ApiStack;
let issuer: string;
let idp: Server;
let browser: Browser;
let department: string;
let agent: string;
const opened: string[] = [];

beforeAll(async () => {
  // The bank's identity provider, a real OpenID provider on this machine; it learns the API's address after.
  const idpPort = await freePort();
  issuer = `http://127.0.0.1:${idpPort}`;
  stack = await ApiStack.start({
    taskQueue: 'console-test',
    customers: 8,
    oidc: { issuer, clientId: 'console', clientSecret: 'console-secret', staffClaim: 'sub' },
    temporalUi: { url: 'http://temporal-ui.example', namespace: 'default' },
  });
  idp = await startIdentityProvider(issuer, idpPort, `${stack.base}/console/sign-in/oidc/callback`);
  browser = await launchChromium();
  for (let i = 0; i < 3; i++) {
    const res = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
    opened.push(((await res.json()) as { id: string }).id);
  }
  const rows = await Promise.all(
    opened.map((id) =>
      eventually(
        () => stack.db.case.findUniqueOrThrow({ where: { id } }),
        (row) => row.stage !== 'intake',
      ),
    ),
  );
  department = rows[0].departmentId;
  agent = `${department}-agent-1`;
}, 120_000);

afterAll(async () => {
  idp?.close();
  await browser?.close();
  await stack?.stop();
});

/**
 * oidc-provider with its development login (any password; the login is the subject) and one
 * confidential client, the console, that must use PKCE. Loaded when needed: it is an ES module.
 */
async function startIdentityProvider(issuer: string, port: number, redirectUri: string): Promise<Server> {
  const { default: Provider } = await import('oidc-provider');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'console-test', use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'console',
        client_secret: 'console-secret',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    cookies: { keys: ['console-test'] },
    pkce: { required: () => true },
    jwks: { keys: [signingKey] },
    features: { devInteractions: { enabled: true } },
    // Seconds each artifact lives: a sign-in takes a few.
    ttl: { Interaction: 600, Session: 3_600, Grant: 3_600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  });
  return new Promise((resolve) => {
    const server = provider.listen(port, () => resolve(server));
  });
}

/** Through the provider's own pages: its login (the staff id), then its consent. */
async function signInAtProvider(page: Page, staffId: string): Promise<void> {
  await page.click('text=Sign in with the bank’s identity provider');
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.fill('input[name=login]', staffId);
  await page.fill('input[name=password]', 'anything');
  await page.click('button[type=submit]');
  await page.waitForSelector('button[type=submit]');
  await page.click('button[type=submit]');
}

/** A staff member's token, as they would paste it. */
const tokenOf = async (staffId: string) => (await stack.auth(staffId)).Authorization.slice('Bearer '.length);

const shoot = (page: Page, name: string) => shootPage(page, 'console', name);

/** How wide the page lays out, in CSS pixels: wider than the screen means sideways scrolling. */
const pageWidth = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
        .scrollWidth,
  );

async function signIn(context: BrowserContext, staffId: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${stack.base}/console`);
  await page.fill('#token', await tokenOf(staffId));
  await Promise.all([page.waitForURL(`${stack.base}/console`), page.click('button[type=submit]')]);
  return page;
}

test('a visitor without a session is sent to sign in; a wrong token is refused beside the field', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${stack.base}/console/cases/${opened[0]}`);
  expect(page.url()).toBe(`${stack.base}/console/sign-in?next=${encodeURIComponent(`/console/cases/${opened[0]}`)}`);
  await accessible(page);
  await shoot(page, 'sign-in');

  await page.fill('#token', 'pct_not-a-token');
  await page.click('button[type=submit]');
  expect(await page.getAttribute('#token', 'aria-invalid')).toBe('true');
  expect(await page.innerText('#token-error')).toContain('not valid');
  await accessible(page);
  await shoot(page, 'sign-in-refused');

  // The page asked to go to the case, and goes there once signed in.
  await page.fill('#token', await tokenOf(agent));
  await Promise.all([page.waitForURL(`${stack.base}/console/cases/${opened[0]}`), page.click('button[type=submit]')]);
  // The console's assets are its own three files, and nothing else of the machine or the object model.
  for (const name of ['constructor', '__proto__', '..%2Fpackage.json', 'routes.ts']) {
    expect([name, (await fetch(`${stack.base}/console/assets/${name}`)).status]).toEqual([name, 404]);
  }
  // Nothing refused by the content security policy, no failed asset: only the refused sign-in's 401.
  expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
  expect(errors.length).toBe(1);
  await context.close();
}, 60_000);

test('an agent sees the queue, takes the next case and reads its file; the case is assigned once', async () => {
  const context = await browser.newContext();
  const page = await signIn(context, agent);
  const queue = await page.innerText('#queue');
  for (const id of opened) expect(queue).toContain(id);
  expect(queue).toContain(`Waiting in ${department}`);
  await accessible(page);
  await shoot(page, 'queue');

  // The form's request id makes a second submit of the same form show the same case.
  const form = {
    _csrf: (await page.getAttribute('form.next input[name=_csrf]', 'value'))!,
    requestId: (await page.getAttribute('form.next input[name=requestId]', 'value'))!,
  };
  // By keyboard alone: the first Tab offers to skip the navigation, and the button takes Enter.
  await page.keyboard.press('Tab');
  expect(await page.locator(':focus').innerText()).toBe('Skip to the content');
  await page.keyboard.press('Enter');
  expect(new URL(page.url()).hash).toBe('#main');
  await page.focus('form.next button');
  await Promise.all([page.waitForURL(/\/console\/cases\//), page.keyboard.press('Enter')]);
  const taken = page.url().split('/').at(-1)!;
  expect(opened).toContain(taken);
  await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id: taken } }),
    (row) => row.assigneeId === agent,
  );
  const again = await page.request.post(`${stack.base}/console/next`, { form, maxRedirects: 0 });
  expect([again.status(), again.headers().location]).toEqual([303, `/console/cases/${taken}`]);
  expect(await stack.db.case.count({ where: { assigneeId: agent } })).toBe(1);

  await page.goto(`${stack.base}/console/cases/${taken}`);
  const file = await page.innerText('main');
  expect(file).toContain(`Case ${taken}`);
  expect(file).toMatch(/Assignee\s+/);
  expect(file).toContain(agent);
  expect(file).toContain('Deadlines');
  // The network's codes for the dispute, each with its filing deadline and the days left.
  expect(file).toMatch(/(Visa|Mastercard) dispute rules, version 1 \(as the case opened\)/);
  expect(await page.locator('table:has(caption:has-text("Codes a chargeback")) tbody tr').count()).toBeGreaterThan(0);
  // What the customer was sent, as sent: the acknowledgement names her case.
  await page.click('.messages summary >> nth=0');
  expect(await page.innerText('.messages pre.message >> nth=0')).toContain(taken);
  expect(await page.getAttribute('a:has-text("in the Temporal UI")', 'href')).toBe(
    `http://temporal-ui.example/namespaces/default/workflows/dispute-${taken}`,
  );
  expect(file).toContain('Timeline');
  await accessible(page);
  await shoot(page, 'case-file');
  // Readable on a phone: nothing wider than the screen but the tables, which scroll on their own.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  await shoot(page, 'case-file-phone');
  await page.goto(`${stack.base}/console`);
  expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  await shoot(page, 'queue-phone');

  // The audit log has the console's action as a staff call, with the agent's identity.
  const calls = await stack.db.staffCall.findMany({ where: { path: '/console/next', staffId: agent } });
  expect(calls.map((c) => [c.action, c.caseId, c.status])).toContainEqual(['assign', taken, 303]);
  await context.close();
}, 60_000);

test('the agent asks the customer, records the answer and transfers the case, by the forms the role is offered', async () => {
  const context = await browser.newContext();
  const page = await signIn(context, agent);
  const taken = (await stack.db.case.findFirstOrThrow({ where: { assigneeId: agent } })).id;
  await page.goto(`${stack.base}/console/cases/${taken}`);
  const offered = await page.$$eval('details.action summary', (all) => all.map((s) => s.textContent?.trim()));
  // Exactly the role's actions for this case now: an agent holding an open case works it; approving
  // is for supervisors (and there is no proposal), and nobody was asked anything yet.
  expect(offered).toEqual(
    expect.arrayContaining(['Ask the customer for information', 'Transfer to another department']),
  );
  expect(offered).not.toContain('Record an answer');
  expect(offered).not.toContain('Approve the proposed resolution');
  expect(offered).not.toContain('Assign');
  expect(offered).not.toContain('Reopen');
  await accessible(page);
  await shoot(page, 'case-file-actions');

  const act = async (title: string, fill: Record<string, string>) => {
    await page.click(`summary:has-text("${title}")`);
    const form = page.locator('details[open] form');
    for (const [name, value] of Object.entries(fill)) {
      const control = form.locator(`[name=${name}]`);
      if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(value);
      else await control.fill(value);
    }
    await Promise.all([page.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
  };
  const stage = () => stack.db.case.findUniqueOrThrow({ where: { id: taken } }).then((row) => row.stage);

  await act('Ask the customer for information', { question: 'Did the parcel come at all?' });
  await eventually(stage, (s) => s === 'awaiting_customer');

  // A wrong value is refused beside its field, with what was typed kept (the browser's own check bypassed).
  const csrf = (await page.getAttribute('header form input[name=_csrf]', 'value'))!;
  const refused = await page.request.post(`${stack.base}/console/cases/${taken}/responses`, {
    form: { _csrf: csrf, party: 'customer', summary: '   ' },
  });
  expect(refused.status()).toBe(422);
  const refusedPage = await refused.text();
  expect(refusedPage).toMatch(/id="recordResponse-summary"[^>]*aria-invalid="true"/);
  expect(refusedPage).toContain('id="recordResponse-summary-error"');
  await page.setContent(refusedPage.replace('<head>', `<head><base href="${stack.base}/" />`));
  await shoot(page, 'case-file-refused-field');

  await page.goto(`${stack.base}/console/cases/${taken}`);
  await act('Record an answer', { party: 'customer', summary: 'It never came; the tracking stops in the depot.' });
  await eventually(stage, (s) => s === 'investigation');

  const elsewhere = department === 'fraud' ? 'merchant-disputes' : 'fraud';
  await act('Transfer to another department', {
    departmentId: elsewhere,
    reason: 'Looks like card-not-present fraud.',
  });
  expect(page.url()).toBe(`${stack.base}/console`);
  await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id: taken } }),
    (row) => row.departmentId === elsewhere,
  );
  const types = (await stack.db.caseEvent.findMany({ where: { caseId: taken } })).map((e) => e.type);
  expect(types).toEqual(expect.arrayContaining(['info_requested', 'customer_responded', 'transferred']));
  await context.close();
}, 90_000);

test('a supervisor approves the resolution an agent proposed; the agent is neither offered it nor allowed it', async () => {
  const agentPage = await signIn(await browser.newContext(), agent);
  await Promise.all([agentPage.waitForURL(/\/console\/cases\//), agentPage.click('text=Take the next case')]);
  const caseId = agentPage.url().split('/').at(-1)!;
  await agentPage.click('summary:has-text("Propose a resolution")');
  const form = agentPage.locator('details[open] form');
  await form.locator('[name=outcome]').selectOption('customer_favour');
  await form.locator('[name=rationale]').fill('Tracking shows the parcel never left the depot.');
  await Promise.all([agentPage.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
  const stage = () => stack.db.case.findUniqueOrThrow({ where: { id: caseId } }).then((row) => row.stage);
  await eventually(stage, (s) => s === 'pending_approval');

  await agentPage.goto(`${stack.base}/console/cases/${caseId}`);
  expect(await agentPage.innerText('#main')).not.toContain('Approve the proposed resolution');
  const csrf = (await agentPage.getAttribute('header form input[name=_csrf]', 'value'))!;
  const self = await agentPage.request.post(`${stack.base}/console/cases/${caseId}/approve`, { form: { _csrf: csrf } });
  expect(self.status()).toBe(403);

  const supervisor = await signIn(await browser.newContext(), `${department}-supervisor`);
  await supervisor.goto(`${stack.base}/console/cases/${caseId}`);
  await supervisor.click('summary:has-text("Approve the proposed resolution")');
  await accessible(supervisor);
  await shoot(supervisor, 'supervisor-approval');
  await Promise.all([supervisor.waitForLoadState('load'), supervisor.click('details[open] button[type=submit]')]);
  await eventually(stage, (s) => s === 'resolved');
}, 90_000);

test('an intake agent finds the customer by a card’s last digits, picks a charge and opens the case once', async () => {
  const page = await signIn(await browser.newContext(), 'intake-agent-1');
  // A customer's latest charge is already under dispute.
  const latest = await stack.db.cardTransaction.findFirstOrThrow({
    where: { amountCents: { gt: 0 }, cases: { none: {} } },
    orderBy: { postedAt: 'desc' },
    include: { card: true },
  });
  const first = await stack.call('POST', '/cases', 'intake-agent-1', {
    customerId: latest.card.customerId,
    cardId: latest.cardId,
    transactionId: latest.id,
    amount: 1,
    reasonCode: 'not_received',
  });
  const disputed = { id: ((await first.json()) as { id: string }).id, card: latest.card, transactionId: latest.id };
  const customerId = latest.card.customerId;
  await page.click('nav >> text=Intake');
  await page.fill('#q', disputed.card.last4);
  await Promise.all([page.waitForLoadState('load'), page.click('text=Find')]);
  await Promise.all([page.waitForLoadState('load'), page.click(`a[href="/console/intake?customer=${customerId}"]`)]);
  // A charge under dispute says so and links to its case; it cannot be picked again.
  expect(await page.innerText('main')).toContain(`already disputed in ${disputed.id}`);
  expect(await page.$(`#txn-${disputed.transactionId}`)).toBeNull();
  await accessible(page);
  await shoot(page, 'intake');

  // Without a charge the form comes back with the error beside the charges, what was typed kept.
  await page.selectOption('#reasonCode', 'not_as_described');
  await Promise.all([page.waitForLoadState('load'), page.click('text=Open the dispute')]);
  expect(await page.innerText('#transactionId-error')).toContain('choose the disputed charge');
  expect(await page.$eval('#reasonCode', (el) => (el as unknown as { value: string }).value)).toBe('not_as_described');

  const charge = (
    await page.$$eval('input[name=transactionId]', (all) => all.map((el) => el.getAttribute('value')))
  )[0]!;
  await page.check(`#txn-${charge}`);
  const form = Object.fromEntries(
    await page.$$eval('form[action="/console/intake"] input[type=hidden]', (all) =>
      all.map((el) => [el.getAttribute('name'), el.getAttribute('value')]),
    ),
  ) as Record<string, string>;
  await Promise.all([page.waitForURL(/\/console\/cases\//), page.click('text=Open the dispute')]);
  const caseId = page.url().split('/').at(-1)!;
  expect(await page.innerText('h1')).toBe(`Case ${caseId}`);

  // The same form sent again (a double click, a reload) finds the case the first opened.
  const again = await page.request.post(`${stack.base}/console/intake`, {
    form: { ...form, transactionId: charge, reasonCode: 'not_as_described' },
    maxRedirects: 0,
  });
  expect([again.status(), again.headers().location]).toEqual([303, `/console/cases/${caseId}`]);
  expect(await stack.db.case.count({ where: { transactionId: charge } })).toBe(1);
}, 60_000);

test('a care agent works an outreach to an accepted offer a care supervisor approved above their authority', async () => {
  const res = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
  const caseId = ((await res.json()) as { id: string }).id;
  await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id: caseId } }),
    (row) => row.stage !== 'intake',
  );
  await stack.reportHighRisk(caseId);
  const outreach = await eventually(
    () => stack.db.outreachTask.findFirst({ where: { caseId } }),
    (row) => row !== null,
  );
  const outreachId = outreach!.id;

  const care = await signIn(await browser.newContext(), 'care-agent-1');
  await Promise.all([care.waitForURL(`${stack.base}/console/care`), care.click('nav >> text=Care queue')]);
  expect(await care.innerText('#care')).toContain(outreachId);
  await accessible(care);
  await shoot(care, 'care-queue');

  await Promise.all([care.waitForLoadState('load'), care.click(`a[href="/console/outreach/${outreachId}"]`)]);
  const brief = await care.innerText('main');
  expect(brief).toContain('Call the customer back today.');
  expect(brief).toContain('usage fell to under 40% of usual');
  expect(brief).toContain('You may offer up to 100.00 USD on your own');
  const offered = () => care.$$eval('details.action summary', (all) => all.map((s) => s.textContent?.trim()));
  expect(await offered()).toEqual(['Claim this outreach']); // nothing else until it is theirs
  const act = async (title: string, fill: Record<string, string>) => {
    await care.click(`summary:has-text("${title}")`);
    const form = care.locator(`details.action:has(summary:has-text("${title}")) form`);
    for (const [name, value] of Object.entries(fill)) {
      const control = form.locator(`[name="${name}"]`);
      if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(value);
      else await control.fill(value);
    }
    await Promise.all([care.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
  };
  await act('Claim this outreach', {});
  expect(await offered()).toEqual([
    'Ask a care supervisor to approve an offer above your authority',
    'Record the call',
  ]);
  await accessible(care);
  await shoot(care, 'outreach');

  // An offer above the agent's authority is refused beside the field that names it.
  await act('Record the call', {
    reached: 'yes',
    'offer.kind': 'fee_waiver',
    'offer.amount': '150',
    'offer.response': 'accepted',
  });
  expect(await care.innerText('details[open]:has-text("Record the call") [role=alert]')).toContain(
    'needs a care supervisor',
  );
  await act('Ask a care supervisor to approve an offer above your authority', {
    kind: 'fee_waiver',
    amount: '150',
    reason: 'Platinum for twelve years; the dispute has dragged on.',
  });
  expect(await care.innerText('main')).toContain('waiting for a care supervisor');

  const supervisor = await signIn(await browser.newContext(), 'care-supervisor');
  await supervisor.goto(`${stack.base}/console/supervision`);
  expect(await supervisor.innerText('#oversight')).toContain('1 offer above a care agent’s authority');
  await supervisor.goto(`${stack.base}/console/care`);
  expect(await supervisor.innerText('#care')).toContain('Offers waiting for your approval (1)');
  await accessible(supervisor);
  await shoot(supervisor, 'care-offers-waiting');
  await Promise.all([
    supervisor.waitForLoadState('load'),
    supervisor.click(`a[href="/console/outreach/${outreachId}"]`),
  ]);
  await supervisor.click('summary:has-text("Approve the offer")');
  await Promise.all([supervisor.waitForLoadState('load'), supervisor.click('details[open] button[type=submit]')]);
  expect(await supervisor.innerText('main')).toContain('approved by care-supervisor');

  await care.reload();
  await act('Record the call', {
    reached: 'yes',
    'offer.kind': 'fee_waiver',
    'offer.amount': '150',
    'offer.response': 'accepted',
    note: 'Stays with us.',
  });
  const done = await eventually(
    () => stack.db.outreachTask.findUniqueOrThrow({ where: { id: outreachId } }),
    (row) => row.status === 'done',
  );
  expect(JSON.parse(done.outcome!)).toMatchObject({
    reached: true,
    offer: { kind: 'fee_waiver', valueCents: 15_000, response: 'accepted' },
    by: 'care-agent-1',
  });
  const calls = await stack.db.staffCall.findMany({
    where: { path: { startsWith: `/console/outreach/${outreachId}` } },
  });
  expect(calls.map((c) => [c.staffId, c.action, c.status])).toEqual(
    expect.arrayContaining([
      ['care-agent-1', 'claimOutreach', 303],
      ['care-agent-1', 'recordOutreachOutcome', 403],
      ['care-supervisor', 'approveOffer', 303],
      ['care-agent-1', 'recordOutreachOutcome', 303],
    ]),
  );
}, 90_000);

test('staff sign in through the bank’s identity provider (OIDC with PKCE); a stranger or a forged return is refused', async () => {
  const page = await (await browser.newContext()).newPage();
  // The page asked for is where the sign-in ends.
  await page.goto(`${stack.base}/console?stage=investigation`);
  await signInAtProvider(page, agent);
  await page.waitForURL(`${stack.base}/console?stage=investigation`);
  expect(await page.innerText('.who')).toContain(agent);
  const session = await stack.db.staffSession.findFirstOrThrow({
    where: { staffId: agent, purpose: 'console' },
    orderBy: { createdAt: 'desc' },
  });
  expect(session.endedAt).toBeNull();

  // Someone the provider knows and this bank's staff table does not.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(`${stack.base}/console`);
  await signInAtProvider(stranger, 'not-staff');
  await stranger.waitForURL((url) => url.pathname === '/console/sign-in/oidc/callback');
  expect(await stranger.innerText('[role=alert]')).toContain('not-staff is not active staff here');
  await accessible(stranger);
  await shoot(stranger, 'sign-in-oidc-refused');
  expect(await stack.db.staffSession.count({ where: { staffId: 'not-staff' } })).toBe(0);

  // A return without the sign-in this browser began (a forged or replayed link) starts no session.
  const forged = await fetch(`${stack.base}/console/sign-in/oidc/callback?code=stolen&state=guessed`, {
    redirect: 'manual',
  });
  expect(forged.status).toBe(401);
  expect(forged.headers.get('set-cookie') ?? '').not.toContain('console_session=');
}, 60_000);

test('“take the next case” takes the next one when the read model still lists a case a colleague just took', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
    ids.push(((await res.json()) as { id: string }).id);
  }
  await eventually(
    () => stack.db.case.findMany({ where: { id: { in: ids } } }),
    (rows) => rows.every((row) => row.stage === 'investigation' && row.departmentId === department),
  );
  const [taken] = ids;
  const colleague = `${department}-agent-2`;
  expect((await stack.call('POST', `/cases/${taken}/assign`, 'admin', { assigneeId: colleague })).status).toBe(200);
  await stack.caughtUp(taken);
  // The read model lags behind the case: it still lists the taken case, first, as waiting.
  await stack.db.case.update({ where: { id: taken }, data: { assigneeId: null, priority: 1, slaBreached: true } });

  const page = await signIn(await browser.newContext(), `${department}-agent-3`);
  await Promise.all([page.waitForURL(/\/console\/cases\//), page.click('text=Take the next case')]);
  const landed = page.url().split('/').at(-1)!;
  expect(landed).not.toBe(taken);
  await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id: landed } }),
    (row) => row.assigneeId === `${department}-agent-3`,
  );
  // The case the colleague took stays theirs.
  const kept = (await (await stack.call('GET', `/cases/${taken}`, 'admin')).json()) as {
    workflow: { assigneeId: string };
  };
  expect(kept.workflow.assigneeId).toBe(colleague);
}, 60_000);

test('a change without its CSRF token is refused, and signing out ends the session', async () => {
  const context = await browser.newContext();
  const page = await signIn(context, agent);
  const requestId = crypto.randomUUID();
  for (const csrf of [undefined, 'forged']) {
    const res = await page.request.post(`${stack.base}/console/next`, {
      form: { requestId, ...(csrf ? { _csrf: csrf } : {}) },
      maxRedirects: 0,
    });
    expect([csrf, res.status(), ((await res.json()) as { code: string }).code]).toEqual([
      csrf,
      403,
      'CsrfTokenMissing',
    ]);
  }
  expect(await stack.db.actionRequest.count({ where: { idempotencyKey: requestId } })).toBe(0);

  await Promise.all([page.waitForURL(/\/console\/sign-in$/), page.click('text=Sign out')]);
  const after = await page.request.get(`${stack.base}/console`, { maxRedirects: 0 });
  expect(after.status()).toBe(303);
  expect(
    await stack.db.staffSession.count({ where: { staffId: agent, purpose: 'console', endedAt: { not: null } } }),
  ).toBe(1);
  await context.close();
}, 60_000);

test('a session unused for 30 minutes, or older than 10 hours, no longer opens a page', async () => {
  for (const aged of [
    { lastSeenAt: new Date(Date.now() - 31 * 60_000) },
    { expiresAt: new Date(Date.now() - 1_000) },
  ]) {
    const context = await browser.newContext();
    const page = await signIn(context, agent);
    const session = await stack.db.staffSession.findFirstOrThrow({
      where: { staffId: agent, purpose: 'console', endedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    await stack.db.staffSession.update({ where: { id: session.id }, data: aged });
    const res = await page.request.get(`${stack.base}/console`, { maxRedirects: 0 });
    expect([Object.keys(aged)[0], res.status(), res.headers().location]).toEqual([
      Object.keys(aged)[0],
      303,
      '/console/sign-in?next=%2Fconsole',
    ]);
    await context.close();
  }
}, 60_000);

test('a case outside one’s department is not there; a care agent may not take cases; a system may not sign in', async () => {
  const context = await browser.newContext();
  const outsider = department === 'fraud' ? 'merchant-disputes-agent-1' : 'fraud-agent-1';
  const page = await signIn(context, outsider);
  const stayed = (await stack.db.case.findFirstOrThrow({ where: { id: { in: opened }, departmentId: department } })).id;
  const res = await page.goto(`${stack.base}/console/cases/${stayed}`);
  expect(res!.status()).toBe(404);
  // A person gets the error as a page with a way on; a script the API's problem+json.
  expect(await page.innerText('h1')).toBe('Not found');
  expect(await page.innerText('main')).toContain('Back to the work queue');
  await accessible(page);
  await shoot(page, 'not-found');

  await page.goto(`${stack.base}/console`);
  expect(await page.innerText('#queue')).not.toContain(stayed);
  await context.close();

  const care = await signIn(await browser.newContext(), 'care-agent-1');
  expect(await care.$('form.next')).toBeNull(); // the button is not offered to a role that may not take cases
  const csrf = await care.getAttribute('header form input[name=_csrf]', 'value');
  const refused = await care.request.post(`${stack.base}/console/next`, {
    form: { _csrf: csrf!, requestId: crypto.randomUUID() },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(403);

  const system = await (await browser.newContext()).newPage();
  await system.goto(`${stack.base}/console/sign-in`);
  await system.fill('#token', await tokenOf('card-processor'));
  await system.click('button[type=submit]');
  expect(await system.innerText('#token-error')).toContain('does not work cases');
}, 60_000);
