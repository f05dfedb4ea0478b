/**
 * What the customer does herself, from her case page, as Updates: validated by the same stage
 * rules as the staff action that does the same, on her own case only. Each carries ids and
 * choices, never free text, so the history holds no personal data.
 */
import { setHandler } from '@temporalio/workflow';
import { customerRules } from '../domain/action-rules';
import { DAY_MS } from '../domain/time';
import type { DisputeCase } from './case';
import {
  customerAnswerUpdate,
  customerPreferencesUpdate,
  customerWithdrawUpdate,
  stillUnhappyUpdate,
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

  // "Still unhappy": a customer contact, as the contact centre records one (the attrition watch
  // hears of it), and the case's assignee (or its supervisors) are alerted at once.
  setHandler(
    stillUnhappyUpdate,
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
      await c.commit();
      return c.view();
    },
    {
      validator: (req) => {
        const rejection =
          !req || typeof req.customerId !== 'string' || !Object.hasOwn(REASON_TEXT, req.reason)
            ? {
                code: 'InvalidArgument' as const,
                message: 'reason: must be one of the listed reasons',
                field: 'reason',
              }
            : customerRules.stillUnhappy(state, req);
        if (rejection) throw refusal(rejection);
      },
    },
  );

  // Withdrawing, as staff record it for her, with the same stage rule.
  setHandler(
    customerWithdrawUpdate,
    async ({ customerId }) => {
      await c.withdraw(`customer:${customerId}`, 'withdrawn by the customer on her case page');
      await c.commit();
      return c.view();
    },
    {
      validator: (req) => {
        const rejection =
          !req || typeof req.customerId !== 'string'
            ? { code: 'InvalidArgument' as const, message: 'customerId: is required', field: 'customerId' }
            : customerRules.withdraw(state, req);
        if (rejection) throw refusal(rejection);
      },
    },
  );

  // Her answer to the bank's question, recorded as staff record a customer response: the wait on
  // her is met and the investigation resumes. Her words and documents stay in the database.
  setHandler(
    customerAnswerUpdate,
    async ({ customerId, answerId, documentIds }) => {
      c.responded('customer', `customer:${customerId}`, { summary: null, answerId, documentIds });
      await c.commit();
      return c.view();
    },
    {
      validator: (req) => {
        const rejection =
          !req || typeof req.customerId !== 'string' || typeof req.answerId !== 'string'
            ? { code: 'InvalidArgument' as const, message: 'answerId: is required', field: 'answerId' }
            : customerRules.answer(state, req);
        if (rejection) throw refusal(rejection);
      },
    },
  );

  // How she hears from us. Her channel and quiet hours are read from her record whenever a message
  // goes; the interval is the case's, so the next status update moves to the new interval from now.
  setHandler(
    customerPreferencesUpdate,
    async ({ customerId, statusUpdateDays, channel, quietHours }) => {
      c.record('preferences_changed', `customer:${customerId}`, { statusUpdateDays, channel, quietHours });
      const { policy } = state.context!;
      if (statusUpdateDays !== policy.statusUpdateDays) {
        policy.statusUpdateDays = statusUpdateDays;
        const next = state.scheduled.find((s) => s.template === 'status_update');
        if (next) c.notifier.schedule('status_update', c.now() + statusUpdateDays * DAY_MS, next.key);
      }
      await c.commit();
      return c.view();
    },
    {
      validator: (req) => {
        const rejection =
          !req || typeof req.customerId !== 'string'
            ? { code: 'InvalidArgument' as const, message: 'customerId: is required', field: 'customerId' }
            : customerRules.preferences(state, req);
        if (rejection) throw refusal(rejection);
      },
    },
  );
}
