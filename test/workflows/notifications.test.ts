/**
 * What the customer is told, on the time-skipping server with the real activities, a real SMTP
 * channel and the embedded SMTP sink receiving over SMTP: the cadence of a 60-day case, exactly
 * once through a crash between send and record, and no loss through an SMTP outage.
 */
import type { DeliveryChannel } from '../../src/notifications/channels';
import { outsideQuietHours } from '../../src/notifications/quiet-hours';
import { DAY_MS, HOUR_MS } from '../../workflows/domain/time';
import {
  assignUpdate,
  customerPreferencesUpdate,
  getCaseQuery,
  requestInfoUpdate,
  resolveUpdate,
} from '../../workflows/dispute/messages';
import { DisputeBench, refusal } from '../helpers/disputes';
import { expectActivityFailures } from '../helpers/quiet-runtime';

// SMTP outages, crashes and undeliverable messages are staged here on purpose.
expectActivityFailures();

const JANE = 'jane.morgan@example.com';
const QUIET = { start: 21, end: 8 };

/** Faults the SMTP channel can be told to show. */
const faults = { crashAfterSend: 0 };

function faultyEmail(smtp: DeliveryChannel): DeliveryChannel {
  return {
    name: 'email',
    delivered: (messageId) => smtp.delivered(messageId),
    close: () => smtp.close(),
    async send(message) {
      const result = await smtp.send(message);
      if (faults.crashAfterSend > 0) {
        faults.crashAfterSend -= 1;
        // The server has the message; the worker dies before it can record that.
        throw new Error('worker crashed after handing the message to the SMTP server');
      }
      return result;
    },
  };
}

let bench: DisputeBench;
beforeAll(async () => {
  bench = await DisputeBench.start({ email: faultyEmail, policy: { notificationAttempts: 3 } });
});
afterAll(() => bench?.stop());
beforeEach(() => bench.toMondayMorning());

const forCase = (caseId: string) =>
  bench.mail.received(JANE).filter((m) => m.subject.includes(caseId) || m.text.includes(caseId));
const localHour = (t: number) =>
  Number(
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', hourCycle: 'h23' }).format(t),
  );

async function notified(caseId: string) {
  return (await bench.auditLog(caseId))
    .filter((e) => e.type === 'customer_notified')
    .map((e) => ({ at: e.at, template: e.data.template as string, reconciled: e.data.reconciled }));
}

test('she asks for news every 14 days and her own quiet hours: the schedule follows from then on', async () => {
  const { caseId, handle } = await bench.open();
  await bench.settled(caseId, handle);
  const [ack] = await notified(caseId);
  expect(ack.template).toBe('acknowledgement');
  await bench.env.sleep(DAY_MS);
  // As her case page does: her record first (read when a message goes), then her case.
  const quietHours = { start: 12, end: 18 };
  const before = await bench.db.customer.findFirstOrThrow({ where: { email: JANE } });
  await bench.db.customer.update({
    where: { id: before.id },
    data: { statusUpdateIntervalDays: 14, quietHoursStart: 12, quietHoursEnd: 18 },
  });
  try {
    const changed = (await bench.auditLog(caseId)).length;
    const request = { customerId: before.id, statusUpdateDays: 14, channel: 'email', quietHours };
    expect(
      await refusal(handle.executeUpdate(customerPreferencesUpdate, { args: [{ ...request, statusUpdateDays: 0 }] })),
    ).toEqual({
      type: 'InvalidArgument',
      message: 'must be a whole number of days from 1 to 31',
    });
    await handle.executeUpdate(customerPreferencesUpdate, { args: [request] });
    const changedAt = (await bench.auditLog(caseId)).slice(changed).find((e) => e.type === 'preferences_changed')!;
    expect(changedAt).toMatchObject({
      actor: `customer:${before.id}`,
      data: { statusUpdateDays: 14, channel: 'email', quietHours },
    });

    await bench.env.sleep(20 * DAY_MS);
    await bench.settled(caseId, handle);
    const updates = (await notified(caseId)).filter((n) => n.template === 'status_update');
    // Her old interval (3 days) would have sent six by now; the new one sends one, 14 days after
    // she asked, and after her own quiet hours (noon to six in the evening, her time).
    expect(updates).toHaveLength(1);
    const due = outsideQuietHours(changedAt.at + 14 * DAY_MS, 'America/Chicago', quietHours);
    expect(Math.abs(updates[0].at - due)).toBeLessThan(60_000);
    expect(localHour(updates[0].at) < 12 || localHour(updates[0].at) >= 18).toBe(true);
  } finally {
    await bench.db.customer.update({
      where: { id: before.id },
      data: { statusUpdateIntervalDays: before.statusUpdateIntervalDays, quietHoursStart: null, quietHoursEnd: null },
    });
  }
  await bench.finish(handle);
  await bench.keepHistory('customer-preferences', handle);
});

test('a 60-day case: acknowledgement, an update every 3 days outside quiet hours, the outcome, a survey, then silence', async () => {
  const { caseId, handle } = await bench.open();
  const agent = await bench.actor('merchant-disputes-agent-1');
  await handle.executeUpdate(assignUpdate, {
    args: [{ actor: agent, assignee: { id: agent.id, role: agent.role, departmentId: agent.departmentId } }],
  });
  await bench.env.sleep(60 * DAY_MS);
  await bench.settled(caseId, handle);
  const supervisor = await bench.actor('merchant-disputes-supervisor');
  await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: supervisor, outcome: 'customer_favour', rationale: 'No proof from the merchant' }],
  });
  const resolvedAt = (await bench.auditLog(caseId)).find((e) => e.type === 'resolved')!.at;
  // Past the survey and the whole reopen window: the case closes.
  await bench.env.sleep(61 * DAY_MS);
  expect((await handle.result()).stage).toBe('closed');

  const sent = await notified(caseId);
  const [ack, ...rest] = sent;
  expect(ack.template).toBe('acknowledgement');
  const updates = rest.filter((n) => n.template === 'status_update');
  // Jane asked for an update every 3 days (America/Chicago, quiet 21:00 to 08:00): each is due
  // 3 days after the last message and waits for the morning when that falls in the night.
  let last = ack.at;
  const expected: number[] = [];
  for (;;) {
    const due = outsideQuietHours(last + 3 * DAY_MS, 'America/Chicago', QUIET);
    if (due >= resolvedAt) break;
    expected.push(due);
    last = updates[expected.length - 1]?.at ?? due;
  }
  expect(updates.length).toBe(expected.length);
  expect(updates.length).toBeGreaterThanOrEqual(18);
  updates.forEach((u, i) => expect(Math.abs(u.at - expected[i])).toBeLessThan(60_000));
  for (const u of updates) expect(localHour(u.at)).toBeGreaterThanOrEqual(8);
  for (const u of updates) expect(localHour(u.at)).toBeLessThan(21);

  // After resolution: the outcome at once, the survey a day later in daytime, nothing else.
  const after = sent.filter((n) => n.at >= resolvedAt);
  expect(after.map((n) => n.template)).toEqual(['resolved', 'survey']);
  expect(after[1].at - after[0].at).toBeGreaterThanOrEqual(24 * HOUR_MS);
  expect(localHour(after[1].at)).toBeGreaterThanOrEqual(8);

  // The sink got exactly these messages, each once, with a Message-ID of its own.
  const received = forCase(caseId);
  expect(received.map((m) => m.subject)).toEqual([
    `We have opened your dispute ${caseId}`,
    ...updates.map(() => `Your dispute ${caseId}: being investigated`),
    `Your dispute ${caseId} is resolved`,
    `How did we handle your dispute ${caseId}?`,
  ]);
  expect(new Set(received.map((m) => m.messageId)).size).toBe(received.length);
  const outbox = await bench.db.notification.findMany({ where: { caseId } });
  expect(outbox.every((n) => n.status === 'sent' && n.attempts === 1)).toBe(true);
  expect(outbox).toHaveLength(received.length);
  expect(received.at(-2)!.text).toContain('Credited to you:  $14.99');
});

test('a send that dies after the SMTP server took the message is reconciled, and the message arrives once', async () => {
  faults.crashAfterSend = 1;
  const { caseId, handle } = await bench.open({ acknowledged: false });
  // The retry comes 30 seconds later: it finds the message at the server by its Message-ID.
  await bench.env.sleep('2 minutes');
  await bench.settled(caseId, handle);
  expect(faults.crashAfterSend).toBe(0);

  const received = forCase(caseId);
  expect(received.map((m) => m.subject)).toEqual([`We have opened your dispute ${caseId}`]);
  const [row] = await bench.db.notification.findMany({ where: { caseId } });
  // Two attempts: the one that died, and the one that found the message delivered.
  expect(row).toMatchObject({ template: 'acknowledgement', status: 'sent', attempts: 2 });
  expect(received[0].messageId).toBe(row.providerMessageId);
  expect(await notified(caseId)).toEqual([expect.objectContaining({ template: 'acknowledgement', reconciled: true })]);
  await bench.finish(handle);
});

test('an SMTP outage delays the message; it is delivered once the server is back', async () => {
  await bench.mail.down();
  const { caseId, handle } = await bench.open({ acknowledged: false });
  // Attempts at 0 s and 5 s fail; the third is due at 15 s.
  await bench.env.sleep('10 seconds');
  const waiting = await bench.db.notification.findFirstOrThrow({ where: { caseId } });
  expect(waiting).toMatchObject({ template: 'acknowledgement', status: 'sending', attempts: 2 });
  // The first attempt could not connect; later ones cannot even ask whether it arrived.
  expect(waiting.lastError).toMatch(/ECONNREFUSED|connect|fetch failed/i);

  await bench.mail.up();
  await bench.env.sleep('5 minutes');
  await bench.settled(caseId, handle);
  expect(forCase(caseId).map((m) => m.subject)).toEqual([`We have opened your dispute ${caseId}`]);
  expect(await bench.db.notification.findFirstOrThrow({ where: { caseId } })).toMatchObject({
    status: 'sent',
    attempts: 3,
    lastError: null,
  });
  expect((await handle.query(getCaseQuery)).clocks.find((c) => c.id === 'reg-z:acknowledgement')?.status).toBe('met');
  await bench.finish(handle);
});

test('a message that cannot be delivered is marked failed and raises a staff alert; the case goes on', async () => {
  await bench.mail.down();
  const { caseId, handle } = await bench.open({ acknowledged: false });
  await bench.env.sleep('10 minutes');
  await bench.settled(caseId, handle);
  expect(await bench.db.notification.findFirstOrThrow({ where: { caseId } })).toMatchObject({
    template: 'acknowledgement',
    status: 'failed',
    attempts: 3,
  });
  const failure = (await bench.auditLog(caseId)).find((e) => e.type === 'notification_failed')!;
  expect(failure.data).toMatchObject({ template: 'acknowledgement' });
  const alerts = await bench.db.staffAlert.findMany({ where: { caseId, kind: 'notification_failed' } });
  expect(alerts.map((a) => a.staffId)).toEqual(['merchant-disputes-supervisor']);
  expect(alerts[0].message).toContain(`The acknowledgement message of case ${caseId} could not be delivered`);

  // The case carries on, and the next message goes out once mail works again.
  await bench.mail.up();
  const agent = await bench.actor('merchant-disputes-agent-1');
  await handle.executeUpdate(assignUpdate, {
    args: [{ actor: agent, assignee: { id: agent.id, role: agent.role, departmentId: agent.departmentId } }],
  });
  await handle.executeUpdate(requestInfoUpdate, {
    args: [{ actor: agent, question: 'Did you sign up for a free trial?' }],
  });
  await bench.settled(caseId, handle);
  expect(forCase(caseId).map((m) => m.subject)).toEqual([
    `We need a little more information about your dispute ${caseId}`,
  ]);
  // Reg Z still wants an acknowledgement: the clock sends it again before its deadline.
  await bench.env.sleep('30 days');
  await bench.settled(caseId, handle);
  expect(forCase(caseId).map((m) => m.subject)).toContain(`We have opened your dispute ${caseId}`);
  expect((await handle.query(getCaseQuery)).clocks.find((c) => c.id === 'reg-z:acknowledgement')?.status).toBe('met');
  expect(
    await refusal(handle.executeUpdate(requestInfoUpdate, { args: [{ actor: agent, question: 'again?' }] })),
  ).toMatchObject({ type: 'StageConflict' });
  await bench.finish(handle);
});
