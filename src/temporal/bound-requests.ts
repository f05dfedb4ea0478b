/**
 * Binds every staff action a client of ours sends to what it is for. The request is sealed by
 * the payload codec, so the binding inside it (the case's workflow, the action, the Update's id)
 * cannot be changed in transit, and the case's validator refuses a request whose binding is not
 * this case, this action and this Update, or was applied before. A sealed request copied from
 * one history therefore acts nowhere else: not on another case, not as another action, not twice.
 */
import { randomUUID } from 'node:crypto';
import type { ClientInterceptors, WorkflowClientInterceptor } from '@temporalio/client';
import { networkEventUpdate, STAFF_ACTIONS } from '../../workflows/dispute/messages';
import type { RequestBinding, StaffMessage } from '../../workflows/domain/staff-requests';

// The network's answers from the inbound feed are bound the same way: each acts once.
const isStaffAction = (name: string): boolean => Object.hasOwn(STAFF_ACTIONS, name) || name === networkEventUpdate.name;

export const bindStaffRequests: WorkflowClientInterceptor = {
  async startUpdate(input, next) {
    const [request, ...rest] = input.args as [StaffMessage | undefined, ...unknown[]];
    if (!isStaffAction(input.updateName) || !request || typeof request !== 'object') return next(input);
    // The Update's id is fixed here, not below us, so the binding can name it.
    const requestId = input.options.updateId ?? randomUUID();
    const binding: RequestBinding = {
      workflowId: input.workflowExecution.workflowId,
      action: input.updateName,
      requestId,
    };
    return next({
      ...input,
      options: { ...input.options, updateId: requestId },
      args: [{ ...request, binding }, ...rest],
    });
  },
};

/** The interceptors of every client the product and its tools build. */
export const CLIENT_INTERCEPTORS: ClientInterceptors = { workflow: [bindStaffRequests] };
