/**
 * How the customer hears from the bank: her channel, how often a status update comes while a case
 * is open, and her quiet hours. Kept on her record (read whenever a message goes) and sent to each
 * of her open cases as an Update, whose schedule of status updates follows the new interval.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../db/client';
import type { ChannelName, DeliveryChannels } from '../notifications/channels';
import type { QuietHours } from '../notifications/quiet-hours';
import { customerPreferencesUpdate } from '../../workflows/dispute/messages';
import { OPEN_STAGES } from '../../workflows/domain/case';
import { statusUpdateDays, type CaseSettings } from '../../workflows/domain/case-policy';
import { sendToCase } from './customer-actions';
import type { CaseVisitor } from './sessions';

/** The intervals offered, in days, as far as the bank's longest allows. */
export const UPDATE_INTERVALS = [3, 7, 14] as const;

const hour = (what: string) =>
  z.coerce
    .number({ error: `choose the hour ${what}` })
    .int({ error: `choose the hour ${what}` })
    .min(0, { error: `choose the hour ${what}` })
    .max(23, { error: `choose the hour ${what}` });

/** Her choices, checked against the channels the bank can use. */
export function preferencesForm(channels: DeliveryChannels) {
  const usable = (['email', 'sms'] as const).filter((c) => channels[c]);
  return z
    .object({
      channel: z.enum(usable, { error: 'choose how we should reach you' }),
      every: z.coerce
        .number({ error: 'choose how often you want to hear from us' })
        .refine((days) => (UPDATE_INTERVALS as readonly number[]).includes(days), {
          error: 'choose how often you want to hear from us',
        }),
      quiet: z.enum(['bank', 'own'], { error: 'choose whose quiet hours to use' }),
      quietFrom: hour('your quiet hours start').optional(),
      quietTo: hour('your quiet hours end').optional(),
      requestId: z.uuid({ error: 'reload the page and send it again' }),
    })
    .superRefine((form, ctx) => {
      if (form.quiet !== 'own') return;
      if (form.quietFrom === undefined)
        ctx.addIssue({ code: 'custom', path: ['quietFrom'], message: 'choose the hour your quiet hours start' });
      if (form.quietTo === undefined)
        ctx.addIssue({ code: 'custom', path: ['quietTo'], message: 'choose the hour your quiet hours end' });
      if (form.quietFrom !== undefined && form.quietFrom === form.quietTo) {
        ctx.addIssue({
          code: 'custom',
          path: ['quietTo'],
          message: 'your quiet hours must end at another hour than they start',
        });
      }
    });
}
export type PreferencesForm = z.infer<ReturnType<typeof preferencesForm>>;

/** What the page shows as her current choices. */
export interface Preferences {
  channel: ChannelName;
  statusUpdateDays: number;
  /** Her own quiet hours, or null for the bank's. */
  quietHours: QuietHours | null;
}

/** Her current choices, from her record's columns (the case page reads them with her case). */
export function preferencesOf(
  customer: {
    preferredChannel: ChannelName;
    statusUpdateIntervalDays: number | null;
    quietHoursStart: number | null;
    quietHoursEnd: number | null;
  },
  settings: CaseSettings,
): Preferences {
  const { quietHoursStart: start, quietHoursEnd: end } = customer;
  return {
    channel: customer.preferredChannel,
    statusUpdateDays: statusUpdateDays(customer.statusUpdateIntervalDays, settings),
    quietHours: start !== null && end !== null ? { start, end } : null,
  };
}

/**
 * Keeps her choices and tells each of her open cases. A case that closed meanwhile refuses, which
 * is fine: it sends her nothing more.
 */
export async function changePreferences(
  db: Db,
  temporal: Client,
  visitor: CaseVisitor,
  form: PreferencesForm,
  settings: CaseSettings,
): Promise<void> {
  const quietHours = form.quiet === 'own' ? { start: form.quietFrom!, end: form.quietTo! } : null;
  await db.customer.update({
    where: { id: visitor.customerId },
    data: {
      preferredChannel: form.channel,
      statusUpdateIntervalDays: form.every,
      quietHoursStart: quietHours?.start ?? null,
      quietHoursEnd: quietHours?.end ?? null,
    },
  });
  const open = await db.case.findMany({
    where: { customerId: visitor.customerId, stage: { in: [...OPEN_STAGES] } },
    select: { workflowId: true },
  });
  for (const { workflowId } of open) {
    await sendToCase(
      temporal,
      workflowId,
      customerPreferencesUpdate,
      {
        customerId: visitor.customerId,
        statusUpdateDays: statusUpdateDays(form.every, settings),
        channel: form.channel,
        quietHours,
      },
      // One Update per case under one request id: each case has its own Update ids.
      { requestId: form.requestId, field: 'channel', tooLate: '' },
    );
  }
}
