/**
 * What the customer does from her case page reaches her case as an Update (`workflows/dispute/
 * customer-actions.ts`), validated there by the same stage rules as the staff action that does
 * the same. A refusal comes back as a sentence she understands.
 */
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { ACTION_DEADLINE_MS, withinDeadline } from '../api/deadlines';
import type { FieldError } from '../api/problem';
import { stillUnhappyUpdate, UNHAPPY_REASONS } from '../../workflows/dispute/messages';
import type { CaseVisitor } from './sessions';

export const StillUnhappyForm = z.object({
  reason: z.enum(UNHAPPY_REASONS, { error: 'choose what is wrong' }),
  requestId: z.uuid({ error: 'reload the page and send it again' }),
});
export type StillUnhappyForm = z.infer<typeof StillUnhappyForm>;

/** Tells her case she is still unhappy; a refusal is returned as the sentence her page shows. */
export async function tellStillUnhappy(
  temporal: Client,
  workflowId: string,
  visitor: CaseVisitor,
  form: StillUnhappyForm,
): Promise<FieldError | null> {
  try {
    await withinDeadline(temporal, ACTION_DEADLINE_MS, () =>
      temporal.workflow.getHandle(workflowId).executeUpdate(stillUnhappyUpdate, {
        args: [{ customerId: visitor.customerId, reason: form.reason }],
        // The form's id: a second submit of the same form is the same Update, applied once.
        updateId: `case-page:${form.requestId}`,
      }),
    );
    return null;
  } catch (error) {
    // The case's rules said no (its stage), or it has ended (a closed case's workflow completes).
    // Anything else is a failure.
    const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure;
    if (
      (refused && (error.cause as ApplicationFailure).type === 'StageConflict') ||
      error instanceof WorkflowNotFoundError
    ) {
      return { field: 'reason', message: 'Your case is closed, so we cannot take this here. Please call us.' };
    }
    throw error;
  }
}
