import { ApplicationFailure } from '@temporalio/workflow';
import type { Rejection } from '../domain/action-rules';

/**
 * A validator's refusal, as the API reads it: the rule's code as the failure's type, the field at
 * fault in its details. Never retried: the same request would be refused again.
 */
export function refusal(rejection: Rejection): ApplicationFailure {
  return ApplicationFailure.create({
    type: rejection.code,
    message: rejection.message,
    details: [rejection.field ?? null],
    nonRetryable: true,
  });
}
