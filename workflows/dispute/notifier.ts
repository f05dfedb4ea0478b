/**
 * What the customer is told about the case. Messages queue in the case state and a coroutine
 * sends them one at a time, in order, apart from staff actions, so a mail outage never holds up
 * the case. Status updates and the survey are scheduled and join the queue when they fall due.
 */
import { ActivityFailure, condition } from '@temporalio/workflow';
import { DAY_MS } from '../domain/time';
import { REG_Z_ACKNOWLEDGEMENT } from '../domain/regulations';
import { activities, notificationDelivery } from '../activity-options';
import type { DisputeCase } from './case';
import type { WakeUp } from './clocks';
import type { NotificationTemplate } from './messages';
import type { ScheduledTemplate } from './state';

export class Notifier {
  /** A message is being sent: the run must not continue as new under it. */
  busy = false;
  private stopping = false;

  constructor(private readonly c: DisputeCase) {}

  notify(template: NotificationTemplate, data: Record<string, unknown>, key: string): void {
    this.c.state.notices.push({ key, template, data });
  }

  /** The acknowledgement: the case is open, how often the customer will hear, and the resolve-by date. */
  notifyAcknowledgement(key: string): void {
    this.notify('acknowledgement', { intervalDays: this.intervalDays(), resolveBy: this.c.clocks.resolveBy() }, key);
  }

  /** Schedules a later message, replacing one of the same kind not yet due. */
  schedule(template: ScheduledTemplate, at: number, key: string, quietChecked = false): void {
    this.unschedule(template);
    this.c.state.scheduled.push({ key, template, at: new Date(at).toISOString(), quietChecked });
  }

  unschedule(template: ScheduledTemplate): void {
    this.c.state.scheduled = this.c.state.scheduled.filter((s) => s.template !== template);
  }

  intervalDays(): number {
    return this.c.state.context!.policy.statusUpdateDays;
  }

  wakeUps(): WakeUp[] {
    return this.c.state.scheduled.map((item) => ({
      at: Date.parse(item.at),
      summary: `Customer message due: ${item.template}`,
    }));
  }

  /** Messages about the closing (a withdrawal, say) still go out; nothing is queued after that. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Sends queued messages until stopped. The activity's attempts are bounded by policy; a message
   * that still fails is marked failed and becomes a staff alert, never silently dropped.
   */
  async run(): Promise<void> {
    const { c } = this;
    const { state } = c;
    const { sendNotification } = notificationDelivery(state.context!.policy.notificationAttempts);
    for (;;) {
      await condition(() => state.notices.length > 0 || this.stopping);
      if (state.notices.length === 0) return;
      this.busy = true;
      const notice = state.notices[0];
      // The customer hears from us at least every interval while the case is open; the send
      // activity also moves that next update out of the customer's quiet hours.
      const statusKey = `${state.caseId}:status_update:${state.statusUpdates + 1}`;
      let followUpAt = c.isOpen() ? c.now() + this.intervalDays() * DAY_MS : null;
      try {
        const sent = await sendNotification({
          key: notice.key,
          caseId: state.caseId,
          template: notice.template,
          data: notice.data,
          followUpAt: followUpAt === null ? undefined : new Date(followUpAt).toISOString(),
        });
        c.record('customer_notified', 'system:notifications', {
          template: notice.template,
          key: notice.key,
          channel: sent.channel,
          ...(sent.fallbackFrom ? { fallbackFrom: sent.fallbackFrom } : {}),
          reconciled: sent.reconciled,
        });
        if (notice.template === 'acknowledgement') this.acknowledged();
        // The customer has been told of the reversal: its notice period runs from now.
        if (state.heldReversal?.noticeKey === notice.key)
          state.heldReversal.noticeSentAt = new Date(c.now()).toISOString();
        if (c.isOpen() && sent.followUpAt) this.schedule('status_update', Date.parse(sent.followUpAt), statusKey, true);
        followUpAt = null;
      } catch (error) {
        const reason = error instanceof ActivityFailure && error.cause ? error.cause.message : (error as Error).message;
        const event = c.record('notification_failed', 'system:notifications', {
          template: notice.template,
          key: notice.key,
          error: reason,
        });
        await activities.markNotificationFailed({ key: notice.key, error: reason });
        await c.alert(
          event,
          'notification_failed',
          `The ${notice.template} message of case ${state.caseId} could not be delivered: ${reason}`,
          true,
        );
      }
      state.notices.shift();
      if (followUpAt !== null && c.isOpen()) this.schedule('status_update', followUpAt, statusKey);
      this.busy = false;
      await c.commit();
    }
  }

  /** Moves scheduled messages that are due into the queue, after the customer's quiet hours. */
  async releaseScheduled(): Promise<void> {
    const { c } = this;
    const { state } = c;
    for (const item of [...state.scheduled]) {
      if (c.now() < Date.parse(item.at)) continue;
      if (!item.quietChecked) {
        item.at = await activities.quietHoursEnd({ caseId: state.caseId, at: item.at });
        item.quietChecked = true;
        if (c.now() < Date.parse(item.at)) continue;
      }
      state.scheduled = state.scheduled.filter((s) => s !== item);
      this.whenDue[item.template](item.key);
    }
  }

  /** What each scheduled notification becomes when it falls due. */
  private readonly whenDue: { [T in ScheduledTemplate]: (key: string) => void } = {
    survey: (key) => this.notify('survey', {}, key),
    // Status updates are for open cases only; one that falls due after the closing is dropped.
    status_update: (key) => {
      const { c } = this;
      const { state } = c;
      if (!c.isOpen()) return;
      state.statusUpdates += 1;
      this.notify(
        'status_update',
        {
          stage: state.stage,
          provisionalCreditCents: state.provisionalCredit?.amountCents ?? null,
          resolveBy: c.clocks.resolveBy(),
          intervalDays: this.intervalDays(),
        },
        key,
      );
    },
  };

  private acknowledged(): void {
    this.c.state.acknowledged = true;
    this.c.clocks.meet(REG_Z_ACKNOWLEDGEMENT, this.c.now());
  }
}
