/**
 * Customer messages with an outbox: a message's row is written before it is sent and marked
 * sent after, keyed by an idempotency key derived from the case and the event. A retried
 * activity finds the row and sends nothing twice; an attempt that died between handing the
 * message over and marking it is reconciled by its Message-ID before anything is resent.
 * Names and addresses are read here, never carried in workflow history.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../src/db/client';
import type { ChannelName, DeliveryChannels } from '../src/notifications/channels';
import { outsideQuietHours, quietHoursOf } from '../src/notifications/quiet-hours';
import { heartbeating } from './heartbeat';
import { notifications as notificationsCounted } from '../src/metrics/registry';
import { renderMessage, type NotificationTemplate } from '../src/notifications/render';
import { messageIdFor, type NotificationSettings } from '../src/notifications/settings';
import { issueCaseLink, type CustomerLinkSettings } from '../src/self-service/links';

export interface NotificationDeps {
  db: Db;
  channels: DeliveryChannels;
  settings: NotificationSettings;
  /** Each message carries a new link to the customer's case page. */
  links: CustomerLinkSettings;
}

/** The failure type of a message no channel can carry: not retried, the workflow alerts staff. */
const NO_CHANNEL = 'NoDeliveryChannel';

export interface SendNotificationInput {
  /** One logical message: `<caseId>:<what>:<sequence>`. */
  key: string;
  caseId: string;
  template: NotificationTemplate;
  /** Facts of the case the template shows: amounts, stage, dates. No personal data. */
  data: Record<string, unknown>;
  /** When the next scheduled message would be due; the answer moves it out of quiet hours. */
  followUpAt?: string;
}

export interface SendNotificationResult {
  /** The channel that delivered it. */
  channel: string;
  /** The customer's preferred channel when it had no provider and the message went by email. */
  fallbackFrom?: string;
  providerMessageId: string;
  /** True when an earlier attempt had delivered it and this one only recorded that. */
  reconciled: boolean;
  /** `followUpAt` after the customer's quiet hours, or null when none was asked for. */
  followUpAt: string | null;
}

export function notificationActivities({ db, channels, settings, links }: NotificationDeps) {
  async function send({
    key,
    caseId,
    template,
    data,
    followUpAt,
  }: SendNotificationInput): Promise<SendNotificationResult> {
    const found = await db.case.findUniqueOrThrow({
      where: { id: caseId },
      include: { customer: true, transaction: true },
    });
    const { customer, transaction } = found;
    const preferred: ChannelName = customer.preferredChannel;
    // A channel without a provider never counts as delivered: by policy the message goes by
    // email instead, or it is not sent at all and the workflow alerts staff.
    const fallback = channels[preferred] ? null : settings.fallbackChannel;
    const row = await db.notification.upsert({
      where: { idempotencyKey: key },
      update: {},
      create: {
        id: randomUUID(),
        idempotencyKey: key,
        caseId,
        customerId: customer.id,
        channel: fallback ?? preferred,
        fallbackFrom: fallback ? preferred : null,
        template,
      },
    });
    const channel = channels[row.channel];
    if (!channel) {
      throw ApplicationFailure.create({
        type: NO_CHANNEL,
        nonRetryable: true,
        message: `no ${row.channel} provider is configured and falling back to email is off`,
      });
    }
    const result = (providerMessageId: string, reconciled: boolean): SendNotificationResult => ({
      channel: row.channel,
      ...(row.fallbackFrom ? { fallbackFrom: row.fallbackFrom } : {}),
      providerMessageId,
      reconciled,
      followUpAt: followUpAt
        ? new Date(
            outsideQuietHours(Date.parse(followUpAt), customer.timezone, quietHoursOf(customer, settings.quietHours)),
          ).toISOString()
        : null,
    });
    if (row.status === 'sent') return result(row.providerMessageId ?? '', false);

    const messageId = messageIdFor(row.id, settings.messageIdDomain);
    // A link of its own for this attempt: only its hash is kept, so a retry cannot reuse one.
    const link = await issueCaseLink(db, links, { caseId, customerId: customer.id });
    const markSent = async (providerMessageId: string) => {
      await db.notification.update({
        where: { id: row.id },
        data: { status: 'sent', providerMessageId, sentAt: new Date(), lastError: null },
      });
      notificationsCounted.inc({ channel: row.channel, status: 'sent' });
    };
    const message = renderMessage(
      template,
      {
        ...data,
        caseId,
        amountCents: found.amountCents,
        currency: found.currency,
        merchant: transaction.merchant,
        transactionDate: transaction.postedAt.toISOString(),
        customer: { name: customer.name },
        bank: { name: settings.bankName, phone: settings.bankPhone },
        surveyUrl: settings.surveyUrl?.replace('{caseId}', encodeURIComponent(caseId)) ?? `${link.url}#survey`,
        caseUrl: link.url,
      },
      customer.timezone,
    );
    // One write per attempt before anything leaves: from here on the message may be out, as
    // rendered here (what staff read back as sent, without the link's secret).
    const sent = row.channel === 'sms' ? (message.sms ?? message.text) : message.text;
    await db.notification.update({
      where: { id: row.id },
      data: {
        status: 'sending',
        attempts: { increment: 1 },
        subject: message.subject,
        body: sent.replaceAll(link.token, '…'),
      },
    });
    try {
      // `sending` means an earlier attempt got as far as handing the message over: ask first.
      if (row.status === 'sending' && (await channel.delivered(messageId))) {
        await markSent(messageId);
        return result(messageId, true);
      }
      const { providerMessageId } = await channel.send({
        ...message,
        messageId,
        to: { name: customer.name, email: customer.email, phone: customer.phone },
      });
      await markSent(providerMessageId);
      return result(providerMessageId, false);
    } catch (error) {
      // The status stays `sending`: the server may have taken the message before failing.
      await db.notification.update({
        where: { id: row.id },
        data: { lastError: (error as Error).message.slice(0, 500) },
      });
      throw error;
    }
  }

  return {
    /** Sends one message once, heartbeating meanwhile: a provider call may take seconds. */
    sendNotification(input: SendNotificationInput): Promise<SendNotificationResult> {
      return heartbeating(() => send(input));
    },

    /** Gives a message up after the workflow's attempts ran out; the workflow raises a staff alert. */
    async markNotificationFailed({ key, error }: { key: string; error: string }): Promise<void> {
      const { count } = await db.notification.updateMany({
        where: { idempotencyKey: key, status: { notIn: ['sent', 'failed'] } },
        data: { status: 'failed', lastError: error.slice(0, 500) },
      });
      if (count === 0) return;
      const { channel } = await db.notification.findUniqueOrThrow({ where: { idempotencyKey: key } });
      notificationsCounted.inc({ channel, status: 'failed' });
    },

    /** When a message scheduled for `at` may go out: after the customer's quiet hours, in their time zone. */
    async quietHoursEnd({ caseId, at }: { caseId: string; at: string }): Promise<string> {
      const { customer } = await db.case.findUniqueOrThrow({
        where: { id: caseId },
        select: { customer: { select: { timezone: true, quietHoursStart: true, quietHoursEnd: true } } },
      });
      const quiet = quietHoursOf(customer, settings.quietHours);
      return new Date(outsideQuietHours(Date.parse(at), customer.timezone, quiet)).toISOString();
    },
  };
}
