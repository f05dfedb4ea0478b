/**
 * What the customer does herself, from her case page, as Updates: validated by the same stage
 * rules as the staff action that does the same, on her own case only. Each carries ids and
 * choices, never free text, so the history holds no personal data.
 */
import { setHandler } from '@temporalio/workflow';
import { customerRules } from '../domain/action-rules';
import type { DisputeCase } from './case';
import { customerWithdrawUpdate, stillUnhappyUpdate, type StillUnhappyRequest } from './messages';
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
}
