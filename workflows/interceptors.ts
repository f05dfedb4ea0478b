/**
 * Refuses what reached the workflow without being sealed with a known key (the worker's codec
 * puts a REFUSED marker in place of such a payload): an Update is rejected before it is accepted,
 * a signal is dropped with a warning, a query fails, and a workflow started that way fails at
 * once. Forged input never reaches a handler, and never stalls the case it was aimed at.
 */
import {
  ApplicationFailure,
  log,
  type Next as NextOf,
  type QueryInput,
  type SignalInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';

/** Mirrors src/temporal/codec.ts, which the sandbox cannot import. */
const REFUSED = 'refusedPayload';

function refusal(args: unknown[]): string | null {
  for (const arg of args) {
    if (arg && typeof arg === 'object' && REFUSED in arg) return String((arg as Record<string, unknown>)[REFUSED]);
  }
  return null;
}

type Next<Method extends keyof WorkflowInboundCallsInterceptor> = NextOf<WorkflowInboundCallsInterceptor, Method>;

const refused = (reason: string) => ApplicationFailure.nonRetryable(reason, 'PayloadRefused');

class RefuseUnsealedInput implements WorkflowInboundCallsInterceptor {
  // Async, so the refusal fails the workflow: thrown synchronously from the start it failed the
  // workflow task instead, which Temporal retried for ever.
  async execute(input: WorkflowExecuteInput, next: Next<'execute'>) {
    const reason = refusal(input.args);
    if (reason) throw refused(reason);
    return next(input);
  }

  validateUpdate(input: UpdateInput, next: Next<'validateUpdate'>) {
    const reason = refusal(input.args);
    if (reason) throw refused(reason);
    next(input);
  }

  handleUpdate(input: UpdateInput, next: Next<'handleUpdate'>) {
    const reason = refusal(input.args);
    if (reason) throw refused(reason);
    return next(input);
  }

  async handleSignal(input: SignalInput, next: Next<'handleSignal'>) {
    const reason = refusal(input.args);
    if (reason) {
      log.warn(`Dropped signal ${input.signalName}: ${reason}`);
      return;
    }
    return next(input);
  }

  handleQuery(input: QueryInput, next: Next<'handleQuery'>) {
    const reason = refusal(input.args);
    if (reason) throw refused(reason);
    return next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new RefuseUnsealedInput()] });
