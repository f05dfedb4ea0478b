/**
 * Jane's own case page, reached from the link in her messages, on the real stack: the link is
 * exchanged for a session and leaves the address bar; a tampered, expired, revoked or unknown link
 * gets the same plain page, is counted, and is limited per address; the page shows what the bank
 * told her and nothing internal.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { JANE } from '../../prisma/seed';
import { ApiStack, eventually } from '../helpers/api-stack';
import { accessible, launchChromium, shoot } from '../helpers/browser';
import { executable, photoPng, receiptPdf } from '../helpers/documents';
import { sizeText } from '../../src/self-service/documents';
import { getCaseQuery } from '../../workflows/dispute/messages';
import type { Request } from 'express';
import { CASE_PAGE_SESSION } from '../../src/self-service/sessions';
import { csrfToken } from '../../src/web/sessions';

let stack: ApiStack;
let caseId: string;
let link: string;
/** A link to a second case, which is decided (resolved in her favour). */
let decidedLink: string;

beforeAll(async () => {
  stack = await ApiStack.start({ taskQueue: 'self-service-test' });
  const opened = await stack.call('POST', '/cases', 'intake-agent-1', {
    customerId: JANE.customerId,
    cardId: JANE.cardId,
    transactionId: JANE.unrecognizedTransactionId,
    amount: 14.99,
    reasonCode: 'unrecognized',
  });
  caseId = ((await opened.json()) as { id: string }).id;
  const jane = await stack.db.customer.findUniqueOrThrow({ where: { id: JANE.customerId } });
  const acknowledgement = await eventually(
    async () => stack.mail.received(jane.email).find((m) => m.subject.includes(caseId)),
    (m) => m !== undefined,
  );
  link = new RegExp(`${stack.base}/c/[A-Za-z0-9_-]{43}`).exec(acknowledgement!.text)![0];
});
afterAll(() => stack?.stop());

/** Opens a link as a browser does, without following its redirect. */
const open = (url: string) => fetch(url, { redirect: 'manual' });
const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('case_session='));
const page = async (cookie: string) => {
  const res = await fetch(`${stack.base}/my-case`, { headers: { cookie: cookie.split(';')[0] } });
  return { status: res.status, text: await res.text(), headers: res.headers };
};

test('the link in her acknowledgement opens her case page, and the token leaves the address bar', async () => {
  const res = await open(link);
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/my-case');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  const cookie = sessionCookie(res)!;
  expect(cookie).toMatch(/HttpOnly/i);
  expect(cookie).toMatch(/SameSite=Lax/i);
  expect(cookie).toMatch(/Path=\/my-case/i);

  const shown = await page(cookie);
  expect(shown.status).toBe(200);
  expect(shown.headers.get('cache-control')).toBe('no-store');
  expect(shown.text).toContain(`Your dispute ${caseId}`);
  expect(shown.text).toContain('What we sent you');
  expect(shown.text).toMatch(/We will resolve it by <strong>[A-Z][a-z]+ \d+, \d{4}<\/strong>/);
  // The message as staff read it back keeps no secret: the link's token is not stored.
  const token = link.split('/').at(-1)!;
  const stored = await stack.db.notification.findMany({ where: { caseId } });
  expect(stored.length).toBeGreaterThan(0);
  for (const n of stored) expect(n.body ?? '').not.toContain(token);
  expect(JSON.stringify(await stack.db.customerLink.findMany({ where: { caseId } }))).not.toContain(token);
});

test('the page shows nothing internal: no staff, notes, department, risk or outreach', async () => {
  await stack.call('POST', `/cases/${caseId}/notes`, 'admin', { text: 'INTERNAL-NOTE-7731 customer sounded upset' });
  await stack.reportHighRisk(caseId);
  await eventually(
    () => stack.db.outreachTask.findMany({ where: { caseId } }),
    (rows) => rows.length > 0,
  );
  const { departmentId, assigneeId } = await stack.db.case.findUniqueOrThrow({ where: { id: caseId } });
  const shown = (await page(sessionCookie(await open(link))!)).text;
  for (const internal of ['INTERNAL-NOTE-7731', 'admin', departmentId, 'outreach', 'attrition', 'call_back']) {
    expect(shown.toLowerCase()).not.toContain(internal.toLowerCase());
  }
  if (assigneeId) expect(shown).not.toContain(assigneeId);
});

test('a tampered, expired, revoked or unknown link gets the same page, and each is counted', async () => {
  const closed = async (url: string) => {
    const res = await open(url);
    return { status: res.status, text: await res.text(), cookie: sessionCookie(res) };
  };
  const token = link.split('/').at(-1)!;
  const tampered = await closed(`${stack.base}/c/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
  const unknown = await closed(`${stack.base}/c/not-a-token`);

  const expiring = await open(link); // a session opened before the link expires
  await stack.db.customerLink.updateMany({ where: { caseId }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const expired = await closed(link);
  await stack.db.customerLink.updateMany({ where: { caseId }, data: { expiresAt: new Date(Date.now() + 86_400_000) } });
  expect((await open(link)).status).toBe(303);
  // An agent may not revoke them; the case's supervisor may, every link sent so far.
  const sent = await stack.db.customerLink.count({ where: { caseId } });
  expect(sent).toBeGreaterThan(0);
  const { departmentId } = await stack.db.case.findUniqueOrThrow({ where: { id: caseId } });
  expect((await stack.call('POST', `/cases/${caseId}/customer-links/revoke`, `${departmentId}-agent-1`)).status).toBe(
    403,
  );
  const revoking = await stack.call('POST', `/cases/${caseId}/customer-links/revoke`, `${departmentId}-supervisor`);
  expect(await revoking.json()).toEqual({ caseId, revoked: sent });
  const revoked = await closed(link);

  for (const refused of [tampered, unknown, expired, revoked]) {
    expect(refused).toEqual({ status: 404, text: tampered.text, cookie: undefined });
  }
  expect(tampered.text).toContain('1-800-555-0100');
  expect(tampered.text).not.toContain(caseId);
  // Revoking ends the sessions the case's links opened.
  expect((await page(sessionCookie(expiring)!)).status).toBe(401);
  const causes = await stack.db.customerLinkRefusal.groupBy({ by: ['cause'], _count: { _all: true } });
  expect(Object.fromEntries(causes.map((c) => [c.cause, c._count._all]))).toEqual({
    unknown: 2,
    expired: 1,
    revoked: 1,
  });
});

test('without a session the case page is the same plain page', async () => {
  const res = await fetch(`${stack.base}/my-case`);
  expect(res.status).toBe(401);
  expect(await res.text()).toContain('This link does not open a case');
});

describe('the survey on a decided case', () => {
  let decided: string;
  let cookie: string;
  let csrf: string;
  const answer = (form: Record<string, string>, withCookie = cookie) =>
    fetch(`${stack.base}/my-case/survey`, {
      method: 'POST',
      headers: { cookie: withCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
      redirect: 'manual',
    });

  beforeAll(async () => {
    const opened = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
    decided = ((await opened.json()) as { id: string }).id;
    await stack.caughtUp(decided);
    const { departmentId, customerId } = await eventually(
      () => stack.db.case.findUniqueOrThrow({ where: { id: decided } }),
      (row) => row.stage === 'investigation',
    );
    const agent = `${departmentId}-agent-1`;
    await stack.call('POST', `/cases/${decided}/assign`, agent, { assigneeId: agent });
    const resolved = await stack.call('POST', `/cases/${decided}/resolve`, agent, {
      outcome: 'customer_favour',
      rationale: 'the merchant never shipped',
    });
    expect(resolved.status).toBe(200);
    const { email } = await stack.db.customer.findUniqueOrThrow({ where: { id: customerId } });
    const message = await eventually(
      async () => stack.mail.received(email).find((m) => m.subject.includes(decided) && /resolved/i.test(m.subject)),
      (m) => m !== undefined,
    );
    decidedLink = new RegExp(`${stack.base}/c/[A-Za-z0-9_-]{43}`).exec(message!.text)![0];
    cookie = sessionCookie(await open(decidedLink))!.split(';')[0];
    const shown = await page(cookie);
    expect(shown.text).toContain('How satisfied are you with how we handled your dispute?');
    csrf = /name="_csrf" value="([^"]+)"/.exec(shown.text)![1];
  });

  test('a form without its CSRF token is refused; a missing score is shown beside its question', async () => {
    expect((await answer({ satisfaction: '5', recommend: '9' })).status).toBe(403);
    const incomplete = await answer({ _csrf: csrf, recommend: '11', comment: 'quick' });
    expect(incomplete.status).toBe(422);
    const text = await incomplete.text();
    expect(text).toContain('id="satisfaction-error"');
    expect(text).toContain('choose how likely you are to recommend us, 0 to 10');
    expect(text).toContain('quick'); // what she wrote is kept
    expect(await stack.db.surveyAnswer.count({ where: { caseId: decided } })).toBe(0);
  });

  test('her answer is stored once; a second submit changes nothing', async () => {
    const first = await answer({ _csrf: csrf, satisfaction: '4', recommend: '9', comment: 'Thank you for the refund' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/my-case#survey');
    expect((await answer({ _csrf: csrf, satisfaction: '1', recommend: '0' })).status).toBe(303);
    expect(await stack.db.surveyAnswer.findMany({ where: { caseId: decided } })).toEqual([
      expect.objectContaining({ satisfaction: 4, recommend: 9, comment: 'Thank you for the refund' }),
    ]);
    const shown = await page(cookie);
    expect(shown.text).toContain('Thank you for answering our survey.');
    expect(shown.text).not.toContain('How satisfied are you');
  });
});

describe('a one-time code before a change', () => {
  let cookie: string;
  let csrf: string;
  let customer: { preferredChannel: string; email: string; phone: string };
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${stack.base}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...form }),
      redirect: 'manual',
    });
  /** The codes she received, newest last, from the sink of her channel. */
  const codes = () =>
    (customer.preferredChannel === 'sms'
      ? stack.sms.received(customer.phone).map((m) => m.text)
      : stack.mail.received(customer.email).map((m) => m.subject)
    ).flatMap((text) => /code:? (?:is )?(\d{6})/.exec(text)?.[1] ?? []);

  beforeAll(async () => {
    const opened = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
    const id = ((await opened.json()) as { id: string }).id;
    const row = await stack.db.case.findUniqueOrThrow({ where: { id }, include: { customer: true } });
    customer = row.customer;
    const acknowledgement = await eventually(
      async () =>
        customer.preferredChannel === 'sms'
          ? stack.sms.received(customer.phone).find((m) => m.text.includes(id))?.text
          : stack.mail.received(customer.email).find((m) => m.subject.includes(id))?.text,
      (text) => text !== undefined,
    );
    const url = new RegExp(`${stack.base}/c/[A-Za-z0-9_-]{43}`).exec(acknowledgement!)![0];
    cookie = sessionCookie(await open(url))!.split(';')[0];
    // Her page shows no form yet; the token is the one its forms would carry.
    csrf = csrfToken({ headers: { cookie } } as Request, CASE_PAGE_SESSION)!;
  });

  test('a code goes by her channel; a wrong one is refused, the right one works once', async () => {
    const asked = await post('/my-case/code', { for: 'preferences' });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toMatch(/We sent a code to your (email|phone)/);
    const code = await eventually(
      async () => codes().at(-1),
      (c) => c !== undefined,
    );
    expect(JSON.stringify(await stack.db.customerCode.findMany())).not.toContain(code);

    const wrong = await post('/my-case/verify', { code: code === '000000' ? '111111' : '000000', for: 'preferences' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('That is not the code we sent');
    expect((await page(cookie)).text).not.toContain('Save how you hear from us');
    const right = await post('/my-case/verify', { code: code!, for: 'preferences' });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/my-case#preferences');
    // Confirmed: the forms that change something are open.
    expect((await page(cookie)).text).toContain('Save how you hear from us');
    // The same code again: used up.
    const replay = await post('/my-case/verify', { code: code!, for: 'preferences' });
    expect(replay.status).toBe(422);
    expect(await replay.text()).toContain('expired or was used already');
  });

  test('a code expires, and five wrong tries end it', async () => {
    await post('/my-case/code', { for: 'preferences' });
    const late = await eventually(async () => codes().at(-1), Boolean);
    await stack.db.customerCode.updateMany({ where: { usedAt: null }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await post('/my-case/verify', { code: late!, for: 'preferences' })).status).toBe(422);

    const before = codes().length;
    await post('/my-case/code', { for: 'preferences' });
    const code = await eventually(
      async () => (codes().length > before ? codes().at(-1) : undefined),
      (c) => c !== undefined,
    );
    for (let i = 0; i < 5; i++)
      await post('/my-case/verify', { code: code === '000000' ? '111111' : '000000', for: 'preferences' });
    const tooLate = await post('/my-case/verify', { code: code!, for: 'preferences' });
    expect(tooLate.status).toBe(422);
    expect(await tooLate.text()).toContain('expired or was used already');
  });

  test('a code that cannot be sent is a page she can read, not an error for machines', async () => {
    await Promise.all([stack.mail.down(), stack.sms.down()]);
    try {
      const res = await post('/my-case/code', { for: 'preferences' });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('We cannot do that just now');
    } finally {
      await Promise.all([stack.mail.up(), stack.sms.up()]);
    }
  });

  test('a session may ask for five codes, no more', async () => {
    // Four asked above (one of them not delivered); one more, then the page says to call.
    expect((await post('/my-case/code', { for: 'preferences' })).status).toBe(200);
    const refused = await post('/my-case/code', { for: 'preferences' });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('We have sent you enough codes for now');
  });

  test('without the CSRF token nothing is sent', async () => {
    const res = await fetch(`${stack.base}/my-case/code`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(res.status).toBe(403);
  });
});

/** A new case's page, for a customer of its own: her session cookie and its CSRF token. */
async function caseSession() {
  const opened = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
  const id = ((await opened.json()) as { id: string }).id;
  const row = await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id }, include: { customer: true } }),
    (r) => r.stage === 'investigation',
  );
  const url = await eventually(
    async () => {
      const sent = await stack.db.customerLink.count({ where: { caseId: id } });
      const texts =
        row.customer.preferredChannel === 'sms'
          ? stack.sms.received(row.customer.phone).map((m) => m.text)
          : stack.mail.received(row.customer.email).map((m) => m.text);
      const text = sent > 0 ? texts.find((t) => t.includes(id)) : undefined;
      return text ? new RegExp(`${stack.base}/c/[A-Za-z0-9_-]{43}`).exec(text)?.[0] : undefined;
    },
    (u) => u !== undefined,
  );
  const cookie = sessionCookie(await open(url!))!.split(';')[0];
  const csrf = csrfToken({ headers: { cookie } } as Request, CASE_PAGE_SESSION)!;
  return { caseId: id, url: url!, cookie, csrf, departmentId: row.departmentId, customer: row.customer };
}
/** A form her case page posts, with her session and its CSRF token. */
const postForm = (s: { cookie: string; csrf: string }, path: string, form: Record<string, string>) =>
  fetch(`${stack.base}${path}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: s.csrf, ...form }),
    redirect: 'manual',
  });

/** The one-time codes a customer received, oldest first, from the sink of her channel. */
const codesOf = (customer: { preferredChannel: string; email: string; phone: string }) =>
  (customer.preferredChannel === 'sms'
    ? stack.sms.received(customer.phone).map((m) => m.text)
    : stack.mail.received(customer.email).map((m) => m.subject)
  ).flatMap((text) => /code:? (?:is )?(\d{6})/.exec(text)?.[1] ?? []);

describe('still unhappy', () => {
  test('is a customer contact on her case that alerts its team, once per form', async () => {
    const session = await caseSession();
    const form = { reason: 'too_slow', requestId: randomUUID() };
    const told = await postForm(session, '/my-case/unhappy', form);
    expect(told.status).toBe(303);
    expect(told.headers.get('location')).toBe('/my-case?told=unhappy#unhappy');
    expect((await postForm(session, '/my-case/unhappy', form)).status).toBe(303); // the same form again
    const view = await stack.env.client.workflow
      .getHandle(`dispute-${session.caseId}`)
      .query<{ customerContacts: number }>('getCase');
    expect(view.customerContacts).toBe(1);
    await stack.caughtUp(session.caseId);
    const events = await stack.db.caseEvent.findMany({ where: { caseId: session.caseId, type: 'customer_contacted' } });
    expect(events).toHaveLength(1);
    expect(events[0].actor).toMatch(/^customer:/);
    const alerts = await stack.db.staffAlert.findMany({ where: { caseId: session.caseId, kind: 'customer_unhappy' } });
    expect(alerts.map((a) => a.staffId)).toContain(`${session.departmentId}-supervisor`);
    expect(alerts[0].message).toContain('it is taking too long');
    const shown = await fetch(`${stack.base}/my-case?told=unhappy`, { headers: { cookie: session.cookie } });
    expect(await shown.text()).toContain('We have told the team looking after your case');
  });

  test('without a reason, or on a closed case, she is told why beside the question', async () => {
    const session = await caseSession();
    const missing = await postForm(session, '/my-case/unhappy', { requestId: randomUUID() });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('choose what is wrong');

    const withdrawn = await stack.call(
      'POST',
      `/cases/${session.caseId}/withdraw`,
      `${session.departmentId}-supervisor`,
      {
        reason: 'the customer called to withdraw',
      },
    );
    expect(withdrawn.status).toBe(200);
    const refused = await postForm(session, '/my-case/unhappy', { reason: 'no_news', requestId: randomUUID() });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('Your case is closed, so we cannot take this here');
  });
});

/** Asks for a one-time code from the page's `section`, and enters it there. */
async function confirmItIsHer(session: Awaited<ReturnType<typeof caseSession>>, section: string) {
  const before = codesOf(session.customer).length;
  expect((await postForm(session, '/my-case/code', { for: section })).status).toBe(200);
  const code = await eventually(
    async () => (codesOf(session.customer).length > before ? codesOf(session.customer).at(-1) : undefined),
    Boolean,
  );
  const verified = await postForm(session, '/my-case/verify', { code: code!, for: section });
  expect(verified.headers.get('location')).toBe(`/my-case#${section}`);
}

/** Her answer as her browser sends it: text fields and files, multipart. */
function postAnswer(
  session: { cookie: string; csrf: string },
  fields: Record<string, string>,
  files: [name: string, bytes: Buffer, type?: string][] = [],
) {
  const form = new FormData();
  form.append('_csrf', session.csrf);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, bytes, type] of files) {
    form.append('documents', new Blob([new Uint8Array(bytes)], { type: type ?? 'application/octet-stream' }), name);
  }
  return fetch(`${stack.base}/my-case/answer`, {
    method: 'POST',
    headers: { cookie: session.cookie },
    body: form,
    redirect: 'manual',
  });
}

/** Every file in the document store. */
const storedFiles = () =>
  readdirSync(stack.documentsDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);

describe('answering what the bank asked', () => {
  let session: Awaited<ReturnType<typeof caseSession>>;
  const receipt = receiptPdf(['Corner Books', 'Order 4471, paid 12.50', 'Returned on 3 March']);
  const photo = photoPng();

  beforeAll(async () => {
    session = await caseSession();
    const agent = `${session.departmentId}-agent-1`;
    await stack.call('POST', `/cases/${session.caseId}/assign`, agent, { assigneeId: agent });
    const asked = await stack.call('POST', `/cases/${session.caseId}/request-info`, agent, {
      question: 'Please send us the receipt for this order.',
    });
    expect(asked.status).toBe(200);
    await stack.caughtUp(session.caseId);
  });

  test('the page shows her question; sending anything needs a code first', async () => {
    const shown = (await page(session.cookie)).text;
    expect(shown).toContain('Please send us the receipt for this order.');
    expect(shown).toContain('To send us your answer and documents, first confirm it is you');
    const unconfirmed = await postAnswer(session, { text: 'Here it is', requestId: randomUUID() }, [
      ['receipt.pdf', receipt],
    ]);
    expect(unconfirmed.status).toBe(403);
    expect(await stack.db.customerAnswer.count({ where: { caseId: session.caseId } })).toBe(0);
    expect(storedFiles()).toEqual([]);
    await confirmItIsHer(session, 'answer');
  });

  test('a program named .pdf, a file too big, too many files or nothing at all are refused, and nothing is kept', async () => {
    const refused = async (status: number, res: Promise<Response>, message: string) => {
      const answered = await res;
      expect(answered.status).toBe(status);
      expect(await answered.text()).toContain(message);
    };
    const fields = { text: 'Here it is', requestId: randomUUID() };
    // Another site's form carries her cookie but not her session's CSRF token.
    const forged = await postAnswer({ ...session, csrf: 'forged' }, fields, [['receipt.pdf', receipt]]);
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('This link does not open a case');
    await refused(
      422,
      postAnswer(session, fields, [
        ['photo.png', photo],
        ['receipt.pdf', executable(), 'application/pdf'],
      ]),
      'receipt.pdf is not a PDF, JPEG or PNG file, whatever its name says',
    );
    const big = Buffer.concat([receipt, Buffer.alloc(8 * 1024 * 1024)]);
    await refused(413, postAnswer(session, fields, [['scan.pdf', big]]), 'larger than 8 MB');
    const six = Array.from({ length: 6 }, (_, i) => [`page-${i}.png`, photo] as [string, Buffer]);
    await refused(413, postAnswer(session, fields, six), 'send at most 5 files with one answer');
    await refused(
      422,
      postAnswer(session, { text: '  ', requestId: randomUUID() }),
      'write your answer, or add a document',
    );

    expect(await stack.db.customerAnswer.count({ where: { caseId: session.caseId } })).toBe(0);
    expect(await stack.db.caseDocument.count({ where: { caseId: session.caseId } })).toBe(0);
    expect(storedFiles()).toEqual([]);
    const view = await stack.env.client.workflow.getHandle(`dispute-${session.caseId}`).query(getCaseQuery);
    expect(view.stage).toBe('awaiting_customer');
  });

  test('her answer with a receipt moves the case back to investigation and resumes its SLA, once', async () => {
    const form = { text: 'I returned the book; the receipt shows it.', requestId: randomUUID() };
    const files: [string, Buffer, string][] = [
      ['receipt.pdf', receipt, 'application/pdf'],
      ['C:\\Users\\me\\parcel photo.png', photo, 'image/png'],
    ];
    const sent = await postAnswer(session, form, files);
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/my-case?told=answer#answer');
    expect((await postAnswer(session, form, files)).status).toBe(303); // the same form again

    const view = await stack.env.client.workflow.getHandle(`dispute-${session.caseId}`).query(getCaseQuery);
    expect(view.stage).toBe('investigation');
    expect(view.clocks.find((c) => c.id.startsWith('sla:awaiting_customer'))).toMatchObject({ status: 'met' });
    expect(view.clocks.find((c) => c.id.startsWith('sla:investigation'))).toMatchObject({ status: 'running' });
    const answers = await stack.db.customerAnswer.findMany({
      where: { caseId: session.caseId },
      include: { documents: { orderBy: { fileName: 'asc' } } },
    });
    expect(answers).toHaveLength(1);
    expect(answers[0].text).toBe(form.text);
    expect(answers[0].documents.map((d) => [d.fileName, d.mediaType, d.sizeBytes])).toEqual([
      ['parcel photo.png', 'image/png', photo.length],
      ['receipt.pdf', 'application/pdf', receipt.length],
    ]);
    // Kept once each, under the hash of its content.
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(storedFiles().sort()).toEqual([sha(photo), sha(receipt)].sort());
    await stack.caughtUp(session.caseId);
    const responded = await stack.db.caseEvent.findMany({
      where: { caseId: session.caseId, type: 'customer_responded' },
    });
    expect(responded.map((e) => [e.actor, JSON.parse(e.data)])).toEqual([
      [
        `customer:${session.customer.id}`,
        {
          summary: null,
          answerId: answers[0].id,
          documentIds: answers[0].documents.map((d) => d.id).sort(),
          phase: null,
        },
      ],
    ]);
    // The journey: her answer came while the case waited on her, and the case has moved on since.
    expect(responded[0]).toMatchObject({ stage: 'awaiting_customer', departmentId: view.departmentId });
    const stays = await stack.db.caseStay.findMany({
      where: { caseId: session.caseId },
      orderBy: { enteredAt: 'asc' },
    });
    expect(stays.slice(-3).map((s) => s.stage)).toEqual(['investigation', 'awaiting_customer', 'investigation']);
    expect(stays.map((s) => s.leftAt)).toEqual([...stays.slice(1).map((s) => s.enteredAt), null]);
    // Her words stay in the database: the case's history holds ids.
    const history = JSON.stringify(
      await stack.env.client.workflow.getHandle(`dispute-${session.caseId}`).fetchHistory(),
    );
    expect(history).not.toContain('returned the book');

    const shown = (await page(session.cookie)).text;
    expect(shown).toContain('What you sent us');
    expect(shown).toContain(`receipt.pdf (PDF, ${sizeText(receipt.length)})`);
    expect(shown).not.toContain('Send my answer');
  });

  test('an answer sent after the case stopped waiting on her is refused and not kept', async () => {
    const late = await postAnswer(session, { text: 'One more thing', requestId: randomUUID() });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('We are not waiting for an answer from you now');
    expect(await stack.db.customerAnswer.count({ where: { caseId: session.caseId } })).toBe(1);
  });

  test('staff see what she sent as the access table allows, and each opening is audited', async () => {
    const agent = `${session.departmentId}-agent-1`;
    const listed = await stack.call('GET', `/cases/${session.caseId}/customer-answers`, agent);
    expect(listed.status).toBe(200);
    const { answers } = (await listed.json()) as {
      answers: {
        text: string;
        documents: { id: string; fileName: string; mediaType: string; sha256: string; href: string }[];
      }[];
    };
    const pdf = answers[0].documents.find((d) => d.fileName === 'receipt.pdf')!;
    expect(pdf).toMatchObject({
      mediaType: 'application/pdf',
      sha256: createHash('sha256').update(receipt).digest('hex'),
    });

    const opened = await stack.call('GET', pdf.href, agent);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('application/pdf');
    expect(opened.headers.get('content-disposition')).toMatch(/^attachment; filename="?receipt\.pdf"?$/);
    expect(opened.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await opened.arrayBuffer())).toEqual(receipt);
    expect((await stack.call('GET', pdf.href, 'auditor')).status).toBe(200);

    const other = session.departmentId === 'fraud' ? 'merchant-disputes' : 'fraud';
    // The care team has no reach; another department does not even learn the case is there.
    for (const [outsider, status] of [
      ['care-agent-1', 403],
      [`${other}-agent-1`, 404],
    ] as const) {
      expect((await stack.call('GET', pdf.href, outsider)).status).toBe(status);
      expect((await stack.call('GET', `/cases/${session.caseId}/customer-answers`, outsider)).status).toBe(status);
    }
    expect((await stack.call('GET', `/cases/${session.caseId}/documents/doc_nothing`, agent)).status).toBe(404);

    const openings = await eventually(
      () => stack.db.staffCall.findMany({ where: { path: pdf.href }, orderBy: { id: 'asc' } }),
      (rows) => rows.length >= 4,
    );
    expect(openings.map((c) => [c.staffId, c.outcome])).toEqual([
      [agent, 'accepted'],
      ['auditor', 'accepted'],
      ['care-agent-1', 'refused'],
      [`${other}-agent-1`, 'refused'],
    ]);
  });
});

describe('how she hears from us', () => {
  test('her channel, interval and quiet hours, after a code; her case is told and the next message takes her channel', async () => {
    const session = await caseSession();
    const form = { channel: 'sms', every: '14', quiet: 'own', quietFrom: '22', quietTo: '7', requestId: randomUUID() };
    expect((await postForm(session, '/my-case/preferences', form)).status).toBe(403);
    await confirmItIsHer(session, 'preferences');
    const same = await postForm(session, '/my-case/preferences', { ...form, quietTo: '22' });
    expect(same.status).toBe(422);
    expect(await same.text()).toContain('your quiet hours must end at another hour than they start');

    const saved = await postForm(session, '/my-case/preferences', form);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/my-case?told=preferences#preferences');
    expect(await stack.db.customer.findUniqueOrThrow({ where: { id: session.customer.id } })).toMatchObject({
      preferredChannel: 'sms',
      statusUpdateIntervalDays: 14,
      quietHoursStart: 22,
      quietHoursEnd: 7,
    });
    await stack.caughtUp(session.caseId);
    const changed = await stack.db.caseEvent.findMany({
      where: { caseId: session.caseId, type: 'preferences_changed' },
    });
    expect(changed.map((e) => [e.actor, JSON.parse(e.data)])).toEqual([
      [`customer:${session.customer.id}`, { statusUpdateDays: 14, channel: 'sms', quietHours: { start: 22, end: 7 } }],
    ]);
    const told = await fetch(`${stack.base}${saved.headers.get('location')}`, { headers: { cookie: session.cookie } });
    const shown = (await told.text()).replace(/\s+/g, ' ');
    expect(shown).toContain('We will keep you informed as you asked');
    expect(shown).toContain('by text message, with news at least every 14 days');
    expect(shown).toContain('nothing between 22:00 and 07:00 your time');

    // The next message about her case goes by text.
    const agent = `${session.departmentId}-agent-1`;
    await stack.call('POST', `/cases/${session.caseId}/assign`, agent, { assigneeId: agent });
    await stack.call('POST', `/cases/${session.caseId}/request-info`, agent, {
      question: 'Which address did you use?',
    });
    const text = await eventually(
      async () => stack.sms.received(session.customer.phone).find((m) => m.text.includes('Which address did you use?')),
      (m) => m !== undefined,
    );
    expect(text!.text).toContain(session.caseId);
  });
});

describe('withdrawing', () => {
  test('asks for a code first, then her confirmation, and closes the case once', async () => {
    const session = await caseSession();
    const form = { confirm: 'yes', requestId: randomUUID() };
    const first = await postForm(session, '/my-case/withdraw', form);
    expect(first.status).toBe(403);
    expect(await first.text()).toContain('To withdraw your dispute, first confirm it is you');
    await confirmItIsHer(session, 'withdraw');
    const unconfirmed = await postForm(session, '/my-case/withdraw', { requestId: randomUUID() });
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain('tick the box to confirm that you want to withdraw');

    const done = await postForm(session, '/my-case/withdraw', form);
    expect(done.status).toBe(303);
    const again = await postForm(session, '/my-case/withdraw', form); // the same form again
    expect([303, 409]).toContain(again.status);
    const view = await stack.env.client.workflow
      .getHandle(`dispute-${session.caseId}`)
      .query<{ stage: string; resolution: { outcome: string } }>('getCase');
    expect(view).toMatchObject({ stage: 'closed', resolution: { outcome: 'withdrawn' } });
    await stack.caughtUp(session.caseId);
    const withdrawn = await stack.db.caseEvent.findMany({ where: { caseId: session.caseId, type: 'withdrawn' } });
    expect(withdrawn.map((e) => e.actor)).toEqual([`customer:${session.customer.id}`]);
    const shown = await (await fetch(`${stack.base}/my-case`, { headers: { cookie: session.cookie } })).text();
    expect(shown).toContain('Where it stands: closed');
    expect(shown).not.toContain('Withdraw your dispute');
  });
});

test('in a browser: a link opens her decided case, with no serious accessibility problem, on a phone too', async () => {
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(decidedLink);
    expect(tab.url()).toBe(`${stack.base}/my-case`);
    expect(await tab.innerText('h1')).toMatch(/^Your dispute DSP-/);
    await accessible(tab);
    await shoot(tab, 'self-service', 'case-page');
    await tab.setViewportSize({ width: 390, height: 844 });
    await shoot(tab, 'self-service', 'case-page-phone');
    // An open case: what she can do while it is worked (tell the team, withdraw).
    const open = await caseSession();
    await tab.setViewportSize({ width: 1280, height: 800 });
    await tab.goto(open.url);
    expect(await tab.innerText('#unhappy')).toContain('Not happy with how this is going?');
    expect(await tab.innerText('#withdraw')).toContain('Withdraw your dispute');
    await accessible(tab);
    await shoot(tab, 'self-service', 'open-case-page');
    await tab.goto(`${stack.base}/c/${'y'.repeat(43)}`);
    await accessible(tab);
    await shoot(tab, 'self-service', 'closed-link');
  } finally {
    await browser.close();
  }
});

test('in a browser: Jane opens her acknowledgement, enters her code, answers with a receipt, sees her case move on and switches to text messages', async () => {
  const jane = await stack.db.customer.findUniqueOrThrow({ where: { id: JANE.customerId } });
  const charge = await stack.db.cardTransaction.findFirstOrThrow({
    where: { cardId: JANE.cardId, cases: { none: {} } },
    orderBy: { postedAt: 'desc' },
  });
  const opened = await stack.call('POST', '/cases', 'intake-agent-1', {
    customerId: jane.id,
    cardId: JANE.cardId,
    transactionId: charge.id,
    amount: charge.amountCents / 100,
    reasonCode: 'not_received',
  });
  const { id } = (await opened.json()) as { id: string };
  const acknowledgement = await eventually(
    async () => stack.mail.received(jane.email).find((m) => m.subject.includes(id)),
    (m) => m !== undefined,
  );
  const url = new RegExp(`${stack.base}/c/[A-Za-z0-9_-]{43}`).exec(acknowledgement!.text)![0];
  const { departmentId } = await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id } }),
    (row) => row.stage === 'investigation',
  );
  const agent = `${departmentId}-agent-1`;
  await stack.call('POST', `/cases/${id}/assign`, agent, { assigneeId: agent });
  await stack.call('POST', `/cases/${id}/request-info`, agent, {
    question: 'Please send us the receipt, or the order confirmation, for this purchase.',
  });
  await stack.caughtUp(id);

  const browser = await launchChromium();
  try {
    const tab = await (await browser.newContext()).newPage();
    await tab.goto(url);
    expect(tab.url()).toBe(`${stack.base}/my-case`);
    expect(await tab.innerText('#where')).toContain('Where it stands: waiting for you');
    expect(await tab.innerText('main')).toContain('Please send us the receipt, or the order confirmation');
    await accessible(tab);
    await shoot(tab, 'self-service', 'journey-1-asked');

    // Her code, from the mail sink, entered where she asked for it.
    const codes = codesOf(jane).length;
    await tab.click('section:has(#answer) button:has-text("Send me a code")');
    expect(tab.url()).toBe(`${stack.base}/my-case/code#answer`);
    const code = await eventually(
      async () => (codesOf(jane).length > codes ? codesOf(jane).at(-1) : undefined),
      Boolean,
    );
    await accessible(tab);
    await shoot(tab, 'self-service', 'journey-2-code');
    await tab.fill('#answer-code', code!);
    await tab.click('section:has(#answer) button:has-text("Confirm")');
    expect(tab.url()).toBe(`${stack.base}/my-case#answer`);

    await tab.fill('#answer-text', 'I never received the parcel. Here is my order confirmation.');
    await tab.setInputFiles('#answer-documents', {
      name: 'order-confirmation.pdf',
      mimeType: 'application/pdf',
      buffer: receiptPdf(['Order confirmation', `Order for ${charge.merchant}`, 'Delivery expected within 5 days']),
    });
    await accessible(tab);
    await shoot(tab, 'self-service', 'journey-3-answer');
    await tab.click('section:has(#answer) button:has-text("Send my answer")');
    expect(tab.url()).toBe(`${stack.base}/my-case?told=answer#answer`);
    expect(await tab.innerText('section:has(#answer)')).toContain('We have your answer');
    expect(await tab.innerText('#where')).toContain('Where it stands: being investigated');
    expect(await tab.innerText('section:has(#documents)')).toContain('order-confirmation.pdf (PDF');
    await accessible(tab);
    await shoot(tab, 'self-service', 'journey-4-answered');

    // Her code still holds: she chooses text messages.
    await tab.check('input[name=channel][value=sms]');
    await tab.click('section:has(#preferences) button:has-text("Save")');
    expect(tab.url()).toBe(`${stack.base}/my-case?told=preferences#preferences`);
    expect(await tab.innerText('section:has(#preferences)')).toContain('We send your messages by text message');
    await accessible(tab);
    await shoot(tab, 'self-service', 'journey-5-text-messages');
    expect((await stack.db.customer.findUniqueOrThrow({ where: { id: jane.id } })).preferredChannel).toBe('sms');

    // Her team sees what she sent in the console, and downloads it.
    const console = await (await browser.newContext()).newPage();
    await console.goto(`${stack.base}/console/cases/${id}`);
    await console.fill('#token', (await stack.auth(agent)).Authorization.slice('Bearer '.length));
    await Promise.all([console.waitForURL(`${stack.base}/console/cases/${id}`), console.click('button[type=submit]')]);
    const received = await console.innerText('section:has(#received-h)');
    expect(received).toContain('I never received the parcel');
    expect(received).toMatch(/order-confirmation\.pdf\s+PDF/);
    await accessible(console);
    await shoot(console, 'self-service', 'journey-6-console');
    const [download] = await Promise.all([
      console.waitForEvent('download'),
      console.click('a:has-text("order-confirmation.pdf")'),
    ]);
    expect(download.suggestedFilename()).toBe('order-confirmation.pdf');
  } finally {
    await browser.close();
    await stack.db.customer.update({ where: { id: jane.id }, data: { preferredChannel: jane.preferredChannel } });
  }
});

// Last: once an address is stopped, even a good link waits out the window.
test('an address that keeps guessing links is stopped, with the same page', async () => {
  let last: Response | undefined;
  for (let i = 0; i < 20; i++) last = await open(`${stack.base}/c/${'x'.repeat(43)}`);
  expect(last!.status).toBe(429);
  expect(await last!.text()).toContain('This link does not open a case');
});
