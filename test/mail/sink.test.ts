/** The local SMTP sink, spoken to over real SMTP by nodemailer. */
import net from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { startMailSink, type MailSink } from '../../src/notifications/mail-sink';
import { tempDir } from '../helpers/db';
import { freePort } from '../../src/ports';

let sink: MailSink;
let smtpPort: number;
let httpPort: number;
const file = path.join(tempDir('sink-'), 'mail.jsonl');

beforeAll(async () => {
  [smtpPort, httpPort] = [await freePort(), await freePort()];
  sink = await startMailSink({ smtpPort, httpPort, file });
});

afterAll(() => sink?.close());

test('keeps what it receives and lists it per recipient, as JSON and as a page', async () => {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  const info = await transport.sendMail({
    from: 'disputes@bank.example',
    to: 'Jane Morgan <jane.morgan@example.com>',
    subject: 'We received your dispute',
    text: 'Case DSP-1 is open.',
    html: '<p>Case DSP-1 is open.</p>',
  });
  await transport.sendMail({ from: 'disputes@bank.example', to: 'someone@example.com', subject: 'Other', text: 'x' });

  const res = await fetch(`http://127.0.0.1:${httpPort}/messages?to=jane.morgan@example.com`);
  const messages = (await res.json()) as {
    to: string[];
    subject: string;
    text: string;
    html: string;
    messageId: string;
  }[];
  expect(messages).toEqual([
    expect.objectContaining({
      to: ['jane.morgan@example.com'],
      subject: 'We received your dispute',
      text: 'Case DSP-1 is open.',
      messageId: info.messageId,
    }),
  ]);
  expect(messages[0].html).toContain('<p>Case DSP-1 is open.</p>');
  const page = await (await fetch(`http://127.0.0.1:${httpPort}/`)).text();
  expect(page).toContain('We received your dispute');
  expect(page).toContain('jane.morgan@example.com</a> (1)');
  const janesPage = await (await fetch(`http://127.0.0.1:${httpPort}/?to=jane.morgan@example.com`)).text();
  expect(janesPage).toContain('We received your dispute');
  expect(janesPage).not.toContain('>Other<');
  const html = await (await fetch(`http://127.0.0.1:${httpPort}/messages/1.html`)).text();
  expect(html).toBe('<p>Case DSP-1 is open.</p>');

  // A sender that lost track of a message can ask for it by Message-ID.
  const byId = async (id: string) =>
    (await (
      await fetch(`http://127.0.0.1:${httpPort}/messages?messageId=${encodeURIComponent(id)}`)
    ).json()) as unknown[];
  expect(await byId(info.messageId)).toHaveLength(1);
  expect(await byId('<nothing@bank.example>')).toHaveLength(0);
});

test('keeps its messages across a restart', async () => {
  await sink.close();
  sink = await startMailSink({ smtpPort, httpPort, file });
  expect(sink.messages('jane.morgan@example.com')).toHaveLength(1);
  expect(sink.messages()).toHaveLength(2);
});

test('a sender that dies mid-conversation (a killed worker) does not take the sink down', async () => {
  const errors: unknown[] = [];
  const onUncaught = (error: unknown) => errors.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const socket = net.connect(smtpPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('data', resolve)); // the greeting
    socket.write('EHLO worker\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    // Mid-message: smtp-server stays quiet about a reset before MAIL FROM, and raises one after it.
    socket.write('MAIL FROM:<disputes@bank.example>\r\n');
    await new Promise((resolve) => socket.once('data', resolve));
    socket.resetAndDestroy(); // a TCP reset, as a SIGKILLed process's connection ends
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  expect(errors).toEqual([]);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  await transport.sendMail({
    from: 'disputes@bank.example',
    to: 'after@example.com',
    subject: 'Still here',
    text: 'x',
  });
  expect(sink.messages('after@example.com').map((m) => m.subject)).toEqual(['Still here']);
});

test('the page shows a message’s subject, text and recipient as text, never as markup', async () => {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  const attack = '<script>alert(1)</script><img src=x onerror=alert(2)>';
  await transport.sendMail({ from: 'x@bank.example', to: 'mallory@example.com', subject: attack, text: attack });
  for (const path of ['/', '/?to=mallory@example.com', `/?to=${encodeURIComponent(attack)}`]) {
    const page = await (await fetch(`http://127.0.0.1:${httpPort}${path}`)).text();
    expect([path, /<script|<img/.test(page)]).toEqual([path, false]);
  }
  expect(await (await fetch(`http://127.0.0.1:${httpPort}/`)).text()).toContain(
    '&lt;script&gt;alert(1)&lt;/script&gt;',
  );
});
