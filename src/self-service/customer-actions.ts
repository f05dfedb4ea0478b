/**
 * What the customer does from her case page reaches her case as an Update (`workflows/dispute/
 * customer-actions.ts`), validated there by the same stage rules as the staff action that does
 * the same. The form's request id is the Update's id, so a double submit acts once. A refusal
 * comes back as a sentence she understands.
 */
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { ACTION_DEADLINE_MS, withinDeadline } from '../api/deadlines';
import type { FieldError } from '../api/problem';
import { UNHAPPY_REASONS, type CaseView } from '../../workflows/dispute/messages';

const requestId = z.uuid({ error: 'reload the page and send it again' });

export const StillUnhappyForm = z.object({
  reason: z.enum(UNHAPPY_REASONS, { error: 'choose what is wrong' }),
  requestId,
});

export const WithdrawForm = z.object({
  confirm: z.literal('yes', { error: 'tick the box to confirm that you want to withdraw' }),
  requestId,
});

/**
 * Sends her request to her case. Null when the case took it; the sentence for `field` when its
 * rules refused it because of where the case is (or it has ended). Anything else is a failure.
 */
export async function sendToCase<Request>(
  temporal: Client,
  workflowId: string,
  update: UpdateDefinition<CaseView, [Request]>,
  request: Request,
  form: { requestId: string; field: string; tooLate: string },
): Promise<FieldError | null> {
  try {
    await withinDeadline(temporal, ACTION_DEADLINE_MS, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(update, {
        args: [request],
        updateId: `case-page:${form.requestId}`,
      }),
    );
    return null;
  } catch (error) {
    const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
    const stage = refused && (error.cause as ApplicationFailure).type === 'StageConflict';
    if (stage || error instanceof WorkflowNotFoundError) return { field: form.field, message: form.tooLate };
    throw error;
  }
}
