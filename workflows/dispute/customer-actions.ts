/**
 * What the customer does herself, from her case page, as Updates: validated by the same stage
 * rules as the staff action that does the same, on her own case only. Each carries ids and
 * choices, never free text, so the history holds no personal data.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import { customerRules, type Rejection } from '../domain/action-rules';
import { DAY_MS } from '../domain/time';
import type { DisputeCase } from './case';
import {
  customerAnswerUpdate,
  customerPreferencesUpdate,
  customerWithdrawUpdate,
  stillUnhappyUpdate,
  type CaseView,
  type StillUnhappyRequest,
} from './messages';
import { refusal } from './refusal';

const REASON_TEXT: Record<StillUnhappyRequest['reason'], string> = {
  too_slow: 'it is taking too long',
  no_news: 'she has not heard from us',
  disagree: 'she disagrees with the outcome',
  other: 'something else',
};

export function handleCustomerActions(c: DisputeCase): void {
  const { state } = c;

  /**
   * Registers one of her actions: `check` is its validator (after the request names a customer),
   * `apply` what it does; the case then writes its read model and answers as it now is.
   */
  function customerAction<Request extends { customerId: string }>(
    update: UpdateDefinition<CaseView, [Request]>,
    check: (req: Request) => Rejection | null,
    apply: (req: Request) => void | Promise<void>,
  ): void {
    setHandler(
      update,
      async (req) => {
        await apply(req);
        await c.commit();
        return c.view();
      },
      {
        validator: (req) => {
          const rejection =
            !req || typeof req.customerId !== 'string'
              ? { code: 'InvalidArgument' as const, message: 'customerId: is required', field: 'customerId' }
              : check(req);
          if (rejection) throw refusal(rejection);
        },
      },
    );
  }

  // "Still unhappy": a customer contact, as the contact centre records one (the attrition watch
  // hears of it), and the case's assignee (or its supervisors) are alerted at once.
  customerAction(
    stillUnhappyUpdate,
    (req) =>
      Object.hasOwn(REASON_TEXT, req.reason)
        ? customerRules.stillUnhappy(state, req)
        : { code: 'InvalidArgument', message: 'reason: must be one of the listed reasons', field: 'reason' },
    async ({ customerId, reason }) => {
      const event = c.record('customer_contacted', `customer:${customerId}`, {
        channel: 'case page',
        unhappy: true,
        reason,
      });
      state.customerContacts += 1;
      await c.alert(
        event,
        'customer_unhappy',
        `The customer says on her case page that she is still unhappy with case ${state.caseId}: ${REASON_TEXT[reason]}.`,
        false,
      );
    },
  );

  // Withdrawing, as staff record it for her, with the same stage rule.
  customerAction(
    customerWithdrawUpdate,
    (req) => customerRules.withdraw(state, req),
    ({ customerId }) => c.withdraw(`customer:${customerId}`, 'withdrawn by the customer on her case page'),
  );

  // Her answer to the bank's question, recorded as staff record a customer response: the wait on
  // her is met and the investigation resumes. Her words and documents stay in the database.
  customerAction(
    customerAnswerUpdate,
    (req) =>
      typeof req.answerId === 'string'
        ? customerRules.answer(state, req)
        : { code: 'InvalidArgument', message: 'answerId: is required', field: 'answerId' },
    ({ customerId, answerId, documentIds }) =>
      c.responded('customer', `customer:${customerId}`, { summary: null, answerId, documentIds }),
  );

  // How she hears from us. Her channel and quiet hours are read from her record whenever a message
  // goes; the interval is the case's, so the next status update moves to the new interval from now.
  customerAction(
    customerPreferencesUpdate,
    (req) => customerRules.preferences(state, req),
    ({ customerId, statusUpdateDays, channel, quietHours }) => {
      c.record('preferences_changed', `customer:${customerId}`, { statusUpdateDays, channel, quietHours });
      const { policy } = state.context!;
      if (statusUpdateDays === policy.statusUpdateDays) return;
      policy.statusUpdateDays = statusUpdateDays;
      const next = state.scheduled.find((s) => s.template === 'status_update');
      if (next) c.notifier.schedule('status_update', c.now() + statusUpdateDays * DAY_MS, next.key);
    },
  );
}
