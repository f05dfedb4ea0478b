/**
 * The embedded SMS provider and the SMS channel against it: Vonage's request and answer shapes,
 * credentials checked, a message found again by its client reference, kept across a restart.
 */
import { smsChannel } from '../../src/notifications/channels';
import { LocalSms } from '../helpers/mail';

let sms: LocalSms;
beforeAll(async () => {
  sms = await LocalSms.start();
});
afterAll(() => sms?.stop());

const message = (messageId: string) => ({
  messageId,
  subject: 'Your dispute DSP-1',
  html: '<p>x</p>',
  text: 'Dear Jane, a long letter',
  sms: 'Proactive Bank: dispute DSP-1 is resolved.',
  to: { name: 'Jane', email: 'jane@example.com', phone: '+1 (555) 010-0042' },
});

test('a text is accepted with the provider’s id, kept under the number, and found by its reference', async () => {
  expect(await sms.channel.delivered('<m1@bank>')).toBe(false);
  const { providerMessageId } = await sms.channel.send(message('<m1@bank>'));
  const [kept] = sms.received('15550100042');
  expect(kept).toMatchObject({
    id: providerMessageId,
    to: '15550100042',
    from: 'TestBank',
    text: 'Proactive Bank: dispute DSP-1 is resolved.',
    clientRef: '<m1@bank>',
  });
  expect(await sms.channel.delivered('<m1@bank>')).toBe(true);
});

test('wrong credentials are refused with the provider’s reason', async () => {
  const wrong = smsChannel({ url: `http://127.0.0.1:${sms.port}`, apiKey: 'test', apiSecret: 'nope', from: 'X' });
  await expect(wrong.send(message('<m2@bank>'))).rejects.toThrow(/refused the message: Bad Credentials/);
});

test('an outage fails the send, and what was kept survives the restart', async () => {
  await sms.down();
  await expect(sms.channel.send(message('<m3@bank>'))).rejects.toThrow();
  await sms.up();
  expect(sms.received('15550100042').map((m) => m.clientRef)).toEqual(['<m1@bank>']);
});
