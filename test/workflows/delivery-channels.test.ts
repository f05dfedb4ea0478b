/**
 * A customer is counted as told only when a message reached her. On the time-skipping server with
 * the real activities: SMS goes through the embedded SMS sink (Vonage's API shape); push, which has
 * no provider, goes by email by default; with falling back switched off, an undeliverable message
 * is failed, staff are alerted, and the Reg Z acknowledgement clock is not met.
 */
import { getCaseQuery } from '../../workflows/dispute/messages';
import { REG_Z_ACKNOWLEDGEMENT } from '../../workflows/domain/regulations';
import { DisputeBench } from '../helpers/disputes';
import { expectActivityFailures } from '../helpers/quiet-runtime';

expectActivityFailures();

describe('with an SMS provider and the default fallback', () => {
  let bench: DisputeBench;
  beforeAll(async () => {
    bench = await DisputeBench.start({ sms: true });
  });
  afterAll(() => bench?.stop());

  test('an SMS customer gets her acknowledgement as a text, recorded by the provider’s id', async () => {
    const customer = await bench.newCustomer('sms-sam', undefined, undefined, 'sms');
    const { caseId, handle } = await bench.open({ customer });
    const texts = bench.sms!.received('15550100').filter((m) => m.text.includes(caseId));
    expect(texts).toHaveLength(1);
    expect(texts[0].text).toMatch(/we received your dispute of \$14\.99/);
    expect(texts[0].text).not.toContain('Test sms-sam');
    const row = await bench.db.notification.findFirstOrThrow({ where: { caseId, template: 'acknowledgement' } });
    expect(row).toMatchObject({ channel: 'sms', fallbackFrom: null, status: 'sent', providerMessageId: texts[0].id });
    expect(texts[0].clientRef).toBe(`<${row.id}@disputes.bank.example>`);
    expect(bench.mail.received('sms-sam@example.com')).toHaveLength(0);
    const ack = (await handle.query(getCaseQuery)).clocks.find((c) => c.id === REG_Z_ACKNOWLEDGEMENT);
    expect(ack?.status).toBe('met');
    await bench.finish(handle);
    await bench.keepHistory('sms-delivery', handle);
  });

  test('a push customer, with no push provider, is written to by email, and the record says so', async () => {
    const customer = await bench.newCustomer('push-pat', undefined, undefined, 'push');
    const { caseId, handle } = await bench.open({ customer });
    expect(bench.mail.received('push-pat@example.com').filter((m) => m.subject.includes(caseId))).toHaveLength(1);
    const row = await bench.db.notification.findFirstOrThrow({ where: { caseId, template: 'acknowledgement' } });
    expect(row).toMatchObject({ channel: 'email', fallbackFrom: 'push', status: 'sent' });
    const notified = (await bench.auditLog(caseId)).find((e) => e.type === 'customer_notified');
    expect(notified?.data).toMatchObject({ channel: 'email', fallbackFrom: 'push' });
    await bench.finish(handle);
  });
});

describe('with no SMS provider and falling back switched off', () => {
  let bench: DisputeBench;
  beforeAll(async () => {
    bench = await DisputeBench.start({ notifications: { fallbackChannel: null } });
  });
  afterAll(() => bench?.stop());

  test('the message is failed, not sent; staff are alerted; the acknowledgement clock is not met', async () => {
    const customer = await bench.newCustomer('sms-sue', undefined, undefined, 'sms');
    const { caseId, handle } = await bench.open({ customer, acknowledged: false });
    const timeline = async () => (await bench.auditLog(caseId)).map((e) => e.type);
    while (!(await timeline()).includes('notification_failed')) await new Promise((r) => setTimeout(r, 20));
    await bench.settled(caseId, handle);
    expect(await timeline()).not.toContain('customer_notified');
    const row = await bench.db.notification.findFirstOrThrow({ where: { caseId, template: 'acknowledgement' } });
    expect(row).toMatchObject({ channel: 'sms', status: 'failed', attempts: 0 });
    expect(row.lastError).toMatch(/no sms provider/);
    const alerts = await bench.db.staffAlert.findMany({ where: { caseId, kind: 'notification_failed' } });
    expect(alerts.length).toBeGreaterThan(0);
    const ack = (await handle.query(getCaseQuery)).clocks.find((c) => c.id === REG_Z_ACKNOWLEDGEMENT);
    expect(ack?.status).toBe('running');
    expect(bench.mail.received('sms-sue@example.com')).toHaveLength(0);
    await bench.finish(handle);
    await bench.keepHistory('notification-failed', handle);
  });
});
