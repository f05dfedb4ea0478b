/**
 * What staff do to a case: one Update handler per action, each behind its rule from
 * domain/action-rules.ts as the validator, so a refused action never reaches the history. An accepted
 * action records its events and returns the case as it now is; its read-model write follows in
 * order behind the answer.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, currentUpdateInfo, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { bindingRefusal, creditFor, networkEventRule, rules } from '../domain/action-rules';
import { CARE_DEPARTMENT } from '../domain/case';
import { activities } from '../activity-options';
import type { DisputeCase } from './case';
import { REMEMBERED_REQUESTS } from './state';
import { getCaseQuery, getTimelineQuery, networkEventUpdate, STAFF_ACTIONS, type CaseView } from './messages';
import type { StaffActionName, StaffRequest } from '../domain/staff-requests';
import { refusal } from './refusal';

/**
 * Since this change an action answers once the case changed, not once the read model caught up:
 * a round trip less per action. Cases that answered after the write keep doing so on replay.
 */
export const ANSWER_BEFORE_SYNC_PATCH = 'answer-before-sync';

export function handleStaffActions(c: DisputeCase): void {
  const { state, clocks, notifier } = c;

  function remember(requestId: string): void {
    state.requestIds.push(requestId);
    if (state.requestIds.length > REMEMBERED_REQUESTS) state.requestIds.shift();
  }

  /** Registers the Update of the action `name`, validated by the rule of the same name. */
  function action<Name extends StaffActionName>(
    name: Name,
    apply: (req: StaffRequest<Name>) => void | Promise<void>,
  ): void {
    const check = rules[name];
    const update: UpdateDefinition<CaseView, [StaffRequest<Name>]> = STAFF_ACTIONS[name].update;
    setHandler<CaseView, [StaffRequest<Name>], typeof update>(
      update,
      async (req) => {
        // Requests recorded before they carried a binding replay without one.
        if (req.binding) remember(req.binding.requestId);
        await apply(req);
        const written = c.commit();
        if (!patched(ANSWER_BEFORE_SYNC_PATCH)) await written;
        return c.view();
      },
      {
        validator: (req) => {
          if (!req || typeof req.actor?.id !== 'string') {
            throw ApplicationFailure.create({
              type: 'InvalidArgument',
              message: 'actor: is required',
              details: ['actor'],
            });
          }
          const expected = { workflowId: workflowInfo().workflowId, action: name, requestId: currentUpdateInfo()!.id };
          // Auditors read and change nothing; the API refuses them first, this is the second line.
          const rejection =
            bindingRefusal(req.binding, expected, state.requestIds) ??
            (req.actor.role === 'auditor'
              ? { code: 'Forbidden' as const, message: `${req.actor.id} is an auditor and changes nothing.` }
              : check(state, req, c.now()));
          if (rejection) throw refusal(rejection);
        },
      },
    );
  }

  /** What each action does once its rule allowed it: one entry per action, or this does not compile. */
  const effects: { [Name in StaffActionName]: (req: StaffRequest<Name>) => void | Promise<void> } = {
    assign: async ({ actor, assignee, reason }) => {
      const event = c.record('assigned', actor.id, { from: state.assigneeId, to: assignee.id, reason: reason ?? null });
      state.assigneeId = assignee.id;
      state.queue = assignee.role === 'supervisor' ? 'supervisors' : 'agents';
      // Whoever is handed a case hears about it; taking one yourself needs no alert.
      if (actor.id !== assignee.id) {
        await c.alert(event, 'assigned', `${actor.id} assigned case ${state.caseId} to you.`, false);
      }
    },
    transfer: ({ actor, departmentId, reason }) => {
      c.record('transferred', actor.id, { from: state.departmentId, to: departmentId, reason });
      clocks.endSla('investigation', 'transferred');
      state.departmentId = departmentId;
      state.assigneeId = null;
      state.queue = 'agents';
      state.escalated = false;
      clocks.startSla('investigation');
    },
    addNote: ({ actor, text }) => void c.record('note', actor.id, { text }),
    requestInfo: ({ actor, question, evidence }) => {
      const event = c.record('info_requested', actor.id, { question, ...(evidence?.length ? { evidence } : {}) });
      notifier.notify('info_requested', { question }, `${state.caseId}:info_requested:${event.seq}`);
      clocks.pauseInvestigation(true);
      state.stage = 'awaiting_customer';
      clocks.startSla('awaiting_customer');
    },
    awaitParty: ({ actor, party, phase, note }) => {
      state.networkPhase = party === 'network' ? (phase ?? 'chargeback') : null;
      c.record(`awaiting_${party}`, actor.id, { phase: state.networkPhase, note: note ?? null });
      clocks.pauseInvestigation(false);
      state.stage = `awaiting_${party}`;
      clocks.startSla(state.stage);
    },
    recordResponse: ({ actor, party, summary }) => c.responded(party, actor.id, { summary }),
    proposeResolution: (req) => {
      const amountCents = creditFor(state, req);
      const { outcome, rationale } = req;
      const event = c.record('resolution_proposed', req.actor.id, { outcome, amountCents, rationale });
      state.proposal = { outcome, amountCents, rationale, proposedBy: req.actor.id, at: event.at };
      clocks.pauseInvestigation(false);
      state.stage = 'pending_approval';
      clocks.startSla('pending_approval');
    },
    approveResolution: async ({ actor, comment }) => {
      const proposal = state.proposal!;
      c.record('resolution_approved', actor.id, { proposedBy: proposal.proposedBy, comment: comment ?? null });
      await c.resolve(proposal.outcome, proposal.amountCents, proposal.proposedBy, actor.id, proposal.rationale);
    },
    rejectResolution: ({ actor, reason }) => {
      const proposal = state.proposal!;
      c.record('resolution_rejected', actor.id, { proposedBy: proposal.proposedBy, outcome: proposal.outcome, reason });
      state.proposal = null;
      clocks.endSla('pending_approval', 'met');
      state.stage = 'investigation';
      clocks.resumeInvestigation();
    },
    resolve: (req) => c.resolve(req.outcome, creditFor(state, req), req.actor.id, null, req.rationale),
    reopen: ({ actor, reason }) => {
      const event = c.record('reopened', actor.id, { reason, previousOutcome: state.resolution?.outcome ?? null });
      c.cancelHeldReversal(actor.id, 'reopened');
      notifier.unschedule('survey');
      notifier.notify('reopened', { intervalDays: notifier.intervalDays() }, `${state.caseId}:reopened:${event.seq}`);
      state.stage = 'investigation';
      state.resolution = null;
      state.proposal = null;
      state.reopenUntil = null;
      clocks.startSla('investigation');
    },
    withdraw: ({ actor, reason }) => c.withdraw(actor.id, reason),
    grantProvisionalCredit: ({ actor, amountCents }) =>
      c.grantProvisionalCredit(amountCents ?? state.amountCents, actor.id),
    escalate: async ({ actor, reason }) => {
      const previous = state.assigneeId;
      const event = c.record('escalated', actor.id, { from: previous, reason });
      c.toSupervisorQueue();
      await c.alert(event, 'escalated', `Case ${state.caseId} was escalated by ${actor.id}: ${reason}`, true, previous);
    },
    recordContact: ({ actor, channel, note }) => {
      c.record('customer_contacted', actor.id, { channel, note: note ?? null });
      state.customerContacts += 1;
    },
    claimOutreach: ({ actor, outreachId }) => {
      const outreach = c.care.of(outreachId);
      c.record('outreach_claimed', actor.id, { outreachId, from: outreach.assigneeId });
      outreach.assigneeId = actor.id;
      outreach.status = 'claimed';
    },
    requestOffer: async ({ actor, outreachId, concession, reason }) => {
      const outreach = c.care.of(outreachId);
      const event = c.record('offer_requested', actor.id, { outreachId, ...concession, reason });
      outreach.offerRequest = {
        ...concession,
        requestedBy: actor.id,
        reason,
        status: 'pending',
        decidedBy: null,
        at: event.at,
      };
      await activities.alertStaff({
        key: `${state.caseId}:${event.seq}`,
        caseId: state.caseId,
        kind: 'offer_approval',
        message: `${actor.id} asks approval for an offer on outreach ${outreachId}: ${reason}`,
        staffIds: [],
        supervisorsOf: CARE_DEPARTMENT,
      });
    },
    approveOffer: ({ actor, outreachId, comment }) => {
      const request = c.care.of(outreachId).offerRequest!;
      c.record('offer_approved', actor.id, { outreachId, requestedBy: request.requestedBy, comment: comment ?? null });
      Object.assign(request, { status: 'approved', decidedBy: actor.id });
    },
    rejectOffer: ({ actor, outreachId, comment }) => {
      const request = c.care.of(outreachId).offerRequest!;
      c.record('offer_rejected', actor.id, { outreachId, requestedBy: request.requestedBy, comment: comment ?? null });
      Object.assign(request, { status: 'rejected', decidedBy: actor.id });
    },
    recordOutreachOutcome: (req) => c.care.complete(req),
    fileChargeback: (req) => c.network.file(req),
    decideChargeback: (req) => c.network.decide(req),
  };
  const register = <Name extends StaffActionName>(name: Name) => action(name, effects[name]);
  // In the order written, as the handlers were always registered.
  for (const name of Object.keys(effects) as StaffActionName[]) register(name);

  // The network's answers, from the inbound feed: bound like a staff request, so a repeat acts once.
  setHandler(
    networkEventUpdate,
    async (req) => {
      if (req.binding) remember(req.binding.requestId);
      await c.network.onEvent(req);
      void c.commit();
      return c.view();
    },
    {
      validator: (req) => {
        if (!req?.event || typeof req.actor?.id !== 'string') {
          throw refusal({
            code: 'InvalidArgument',
            field: 'event',
            message: 'is required, with the system that sends it',
          });
        }
        const expected = {
          workflowId: workflowInfo().workflowId,
          action: 'networkEvent',
          requestId: currentUpdateInfo()!.id,
        };
        const rejection = bindingRefusal(req?.binding, expected, state.requestIds) ?? networkEventRule(state, req);
        if (rejection) throw refusal(rejection);
      },
    },
  );

  setHandler(getCaseQuery, () => c.view());
  setHandler(getTimelineQuery, () => c.timeline);
}
