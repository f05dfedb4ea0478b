/**
 * Who may do what to a case, and when. Pure functions of the case and the request: the
 * workflow runs them as Update validators, so a refused action never reaches the history.
 */
import { isLiveOutreach, type Concession, type Outreach } from './care';
import { answerableStatus, DECISION_APPLIES_IN, EVENT_APPLIES_IN, type Chargeback } from './chargeback';
import { applicableCodes, filingDeadline, networkRules, type CardNetwork } from './network-rules';
import {
  CARE_DEPARTMENT,
  OPEN_STAGES,
  INTAKE_DEPARTMENT,
  type Actor,
  type CaseStage,
  type Proposal,
  type ProvisionalCredit,
  type ReasonCode,
  type Resolution,
} from './case';
import type {
  NetworkEventRequest,
  OutreachRequest,
  RequestBinding,
  ResolutionRequest,
  StaffActionName,
  StaffRequest,
} from './staff-requests';
import { formatMoney as money } from './money';

/** What the rules read of a case. */
export interface ActionFacts {
  stage: CaseStage;
  departmentId: string;
  assigneeId: string | null;
  queue: 'agents' | 'supervisors';
  amountCents: number;
  proposal: Proposal | null;
  provisionalCredit: ProvisionalCredit | null;
  resolution: Resolution | null;
  reopenUntil: string | null;
  outreach: Outreach[];
  reasonCode: ReasonCode;
  transactionId: string;
  chargebacks: Chargeback[];
  /** The policy captured at intake; null until then. */
  context: {
    policy: { directResolveLimitCents: number };
    network?: { network: CardNetwork; rulesVersion: number };
  } | null;
}

/** The `type` of the ApplicationFailure a validator throws; the API maps it to a status. */
export type RejectionCode = 'StageConflict' | 'Forbidden' | 'InvalidArgument';

export interface Rejection {
  code: RejectionCode;
  message: string;
  /** The request field at fault, when there is one. */
  field?: string;
}

type Check = Rejection | null;

const stageConflict = (state: ActionFacts, action: string, allowed: readonly CaseStage[]): Check =>
  allowed.includes(state.stage)
    ? null
    : {
        code: 'StageConflict',
        message: `Cannot ${action} a case in stage ${state.stage}; allowed in: ${allowed.join(', ')}.`,
      };

const forbidden = (message: string): Rejection => ({ code: 'Forbidden', message });
const invalid = (field: string, message: string): Rejection => ({ code: 'InvalidArgument', field, message });

/** Admins anywhere; supervisors in the owning department; agents on cases assigned to them. */
function mayWork(actor: Actor, state: ActionFacts, action: string): Check {
  if (actor.role === 'admin') return null;
  if (actor.departmentId !== state.departmentId) {
    return forbidden(
      `${actor.id} is in department ${actor.departmentId}; only ${state.departmentId} may ${action} this case.`,
    );
  }
  if (actor.role === 'supervisor') return null;
  if (actor.role === 'agent' && state.assigneeId === actor.id) return null;
  const holder = state.assigneeId
    ? `it is assigned to ${state.assigneeId}`
    : `nobody has taken it yet (it waits in the ${state.queue} queue)`;
  return forbidden(`${actor.id} may not ${action} this case: ${holder}.`);
}

function withinAuthority(actor: Actor, amountCents: number, action: string): Check {
  return amountCents <= actor.authorityLimitCents
    ? null
    : forbidden(
        `${actor.id} may ${action} up to ${money(actor.authorityLimitCents)}; this needs ${money(amountCents)}.`,
      );
}

function amountFor(state: ActionFacts, req: ResolutionRequest): Check {
  if (req.outcome === 'partial') {
    if (req.amountCents === undefined) return invalid('amount', 'is required for a partial resolution');
    if (req.amountCents <= 0 || req.amountCents >= state.amountCents) {
      return invalid('amount', `must be above 0 and below the disputed ${money(state.amountCents)}`);
    }
  } else if (req.amountCents !== undefined) {
    return invalid('amount', `is set by the outcome ${req.outcome}; send it only for partial`);
  }
  return null;
}

/**
 * Whether a request is the one it says it is: sealed for this case's workflow, this action and
 * this Update, and not applied before. A sealed payload copied from another history, sent as
 * another action or sent again is refused here, before it is accepted.
 */
export function bindingRefusal(
  binding: RequestBinding | undefined,
  expected: RequestBinding,
  applied: readonly string[],
): Rejection | null {
  if (!binding || typeof binding !== 'object') {
    return {
      code: 'Forbidden',
      field: 'binding',
      message: 'is required: a staff request names the case, the action and the request it is for',
    };
  }
  const { workflowId, action, requestId } = expected;
  if (binding.workflowId !== workflowId)
    return forbidden(`This request was made for ${binding.workflowId}, not ${workflowId}.`);
  if (binding.action !== action) return forbidden(`This request was made for ${binding.action}, not ${action}.`);
  if (binding.requestId !== requestId)
    return forbidden(`This request was made as request ${binding.requestId}, not ${requestId}.`);
  if (applied.includes(requestId)) return forbidden(`Request ${requestId} was applied already; it acts once.`);
  return null;
}

const isCareSupervisor = (actor: Actor) =>
  actor.role === 'admin' || (actor.role === 'supervisor' && actor.departmentId === CARE_DEPARTMENT);

/**
 * Outreach checks run in order and stop at the first refusal: the outreach must exist and be
 * live, and the actor must be on the care team (or an admin). Care agents see every case.
 */
function outreachCheck(state: ActionFacts, { actor, outreachId }: OutreachRequest, action: string) {
  const outreach = state.outreach.find((o) => o.id === outreachId);
  const check = (...more: ((o: Outreach) => Check)[]): Check =>
    first(
      () => (outreach ? null : invalid('outreachId', `no outreach ${outreachId} on this case`)),
      () =>
        !isLiveOutreach(outreach!)
          ? {
              code: 'StageConflict',
              message: `Outreach ${outreachId} is ${outreach!.status}; it takes no more actions.`,
            }
          : null,
      () =>
        actor.role === 'care_agent' || isCareSupervisor(actor)
          ? null
          : forbidden(`${actor.id} is not on the care team; only care staff may ${action}.`),
      ...more.map((m) => () => m(outreach!)),
    );
  return check;
}

/** Only whoever claimed the outreach works it; care supervisors and admins may step in. */
const holds = (actor: Actor) => (o: Outreach) =>
  o.assigneeId === actor.id || (o.assigneeId !== null && isCareSupervisor(actor))
    ? null
    : forbidden(
        o.assigneeId === null
          ? `Outreach ${o.id} is not claimed yet: claim it first.`
          : `Outreach ${o.id} is claimed by ${o.assigneeId}.`,
      );

/** A concession binds the bank: within the offerer's authority, or as a supervisor approved it. */
function offerAllowed(actor: Actor, o: Outreach, offer: Concession): Check {
  if (offer.valueCents <= actor.authorityLimitCents) return null;
  const approved = o.offerRequest?.status === 'approved' ? o.offerRequest : null;
  if (approved && approved.kind === offer.kind && offer.valueCents <= approved.valueCents) return null;
  return forbidden(
    `${actor.id} may offer up to ${money(actor.authorityLimitCents)}; ${money(offer.valueCents)} ` +
      `needs a care supervisor's approval: request it at /outreach/${o.id}/offer-request.`,
  );
}

const pendingOffer = (o: Outreach): Check =>
  o.offerRequest?.status === 'pending'
    ? null
    : { code: 'StageConflict', message: `Outreach ${o.id} has no offer waiting for approval.` };

const offerDecider = (actor: Actor, action: string) => (o: Outreach) =>
  first(
    () => (isCareSupervisor(actor) ? null : forbidden(`${actor.id} is not a care supervisor; only they ${action}.`)),
    () =>
      o.offerRequest!.requestedBy === actor.id
        ? forbidden(`${actor.id} requested this offer; a different person must decide on it (four-eyes).`)
        : null,
  );

/** What the customer is credited in the end for an outcome. */
export function creditFor(
  state: Pick<ActionFacts, 'amountCents'>,
  req: Pick<ResolutionRequest, 'outcome' | 'amountCents'>,
): number {
  switch (req.outcome) {
    case 'customer_favour':
    case 'write_off':
      return state.amountCents;
    case 'partial':
      return req.amountCents ?? 0;
    case 'merchant_favour':
      return 0;
  }
}

const first = (...checks: (() => Check)[]): Check => {
  for (const check of checks) {
    const rejection = check();
    if (rejection) return rejection;
  }
  return null;
};

/** A validator: null accepts the request, a rejection refuses it and says why. */
export type Rule<Req> = (state: ActionFacts, req: Req, now: number) => Check;

/** One rule per staff action, under the action's name. */
/** Where a customer contact may be recorded: by staff, or by the customer on her case page. */
const CONTACT_STAGES: readonly CaseStage[] = [...OPEN_STAGES, 'resolved'];

/**
 * What the customer may do herself, from her case page: the same stage rules as the staff
 * action that does the same, and only on her own case.
 */
export const customerRules = {
  stillUnhappy(state: ActionFacts & { customerId: string }, req: { customerId: string }): Check {
    return first(
      () => (req.customerId === state.customerId ? null : forbidden('This is not your case.')),
      () => stageConflict(state, 'record a customer contact on', CONTACT_STAGES),
    );
  },
  withdraw(state: ActionFacts & { customerId: string }, req: { customerId: string }): Check {
    return first(
      () => (req.customerId === state.customerId ? null : forbidden('This is not your case.')),
      () => stageConflict(state, 'withdraw', OPEN_STAGES),
    );
  },
  /** Her answer: as staff record a customer response, only while the case waits on her. */
  answer(state: ActionFacts & { customerId: string }, req: { customerId: string; documentIds: unknown }): Check {
    return first(
      () => (req.customerId === state.customerId ? null : forbidden('This is not your case.')),
      () => stageConflict(state, 'record a customer response on', ['awaiting_customer']),
      () =>
        Array.isArray(req.documentIds) && req.documentIds.every((id) => typeof id === 'string')
          ? null
          : invalid('documentIds', 'must be a list of document ids'),
    );
  },
  preferences(
    state: ActionFacts & { customerId: string },
    req: { customerId: string; statusUpdateDays: number; channel: string; quietHours: unknown },
  ): Check {
    const hour = (h: unknown) => Number.isInteger(h) && (h as number) >= 0 && (h as number) <= 23;
    const quiet = req.quietHours as { start?: unknown; end?: unknown } | null;
    return first(
      () => (req.customerId === state.customerId ? null : forbidden('This is not your case.')),
      () => stageConflict(state, 'change how the customer hears about', OPEN_STAGES),
      () =>
        Number.isInteger(req.statusUpdateDays) && req.statusUpdateDays >= 1 && req.statusUpdateDays <= 31
          ? null
          : invalid('statusUpdateDays', 'must be a whole number of days from 1 to 31'),
      () => (CHANNELS.includes(req.channel) ? null : invalid('channel', `must be one of ${CHANNELS.join(', ')}`)),
      () =>
        quiet === null || (quiet && hour(quiet.start) && hour(quiet.end) && quiet.start !== quiet.end)
          ? null
          : invalid('quietHours', 'must be null or two different hours from 0 to 23'),
    );
  },
};

/** The channels a customer's messages may take. */
const CHANNELS: readonly string[] = ['email', 'sms', 'push'];

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

function chargebackOf(state: ActionFacts, chargebackId: string): Chargeback | Rejection {
  return (
    state.chargebacks.find((cb) => cb.id === chargebackId) ??
    invalid('chargebackId', `no chargeback ${chargebackId} on this case`)
  );
}

/** What the network sent: from the inbound feed only, for a chargeback in the step it answers. */
export function networkEventRule(state: ActionFacts, { actor, event }: NetworkEventRequest): Check {
  if (actor.role !== 'system') return forbidden(`${actor.id} is not a system; network events come from the feed.`);
  const cb = chargebackOf(state, event.chargebackId);
  if (!('id' in cb)) return cb;
  const expected = EVENT_APPLIES_IN[event.type];
  const status = answerableStatus(cb);
  return first(
    () =>
      status === expected
        ? null
        : {
            code: 'StageConflict',
            message: `Chargeback ${cb.id} is ${status}; a ${event.type} event answers one that is ${expected}.`,
          },
    () =>
      event.type === 'represented' &&
      event.amountCents !== undefined &&
      (event.amountCents <= 0 || event.amountCents > cb.amountCents)
        ? invalid('amount', `must be above 0 and at most the chargeback's ${money(cb.amountCents)}`)
        : null,
    () =>
      event.type === 'ruling' && event.winner !== 'issuer' && event.winner !== 'acquirer'
        ? invalid('winner', 'is required for a ruling: issuer or acquirer')
        : null,
  );
}

export const rules: { [Name in StaffActionName]: Rule<StaffRequest<Name>> } = {
  assign(state, { actor, assignee }) {
    return first(
      () => stageConflict(state, 'assign', OPEN_STAGES),
      () =>
        assignee.departmentId === state.departmentId
          ? null
          : invalid('assigneeId', `${assignee.id} is not in department ${state.departmentId}`),
      () =>
        assignee.role === 'agent' || assignee.role === 'supervisor'
          ? null
          : invalid('assigneeId', `${assignee.id} is a ${assignee.role}, not an agent or supervisor`),
      () =>
        assignee.id === state.assigneeId
          ? invalid('assigneeId', `the case is already assigned to ${assignee.id}`)
          : null,
      () => {
        if (actor.role === 'admin' || (actor.role === 'supervisor' && actor.departmentId === state.departmentId))
          return null;
        // Agents take unassigned work from their own department's queue, and nothing else.
        const takesFromQueue =
          actor.role === 'agent' &&
          assignee.id === actor.id &&
          actor.departmentId === state.departmentId &&
          state.assigneeId === null &&
          state.queue === 'agents';
        return takesFromQueue
          ? null
          : forbidden(
              `${actor.id} may only take unassigned cases of their own department's agent queue; supervisors assign.`,
            );
      },
    );
  },

  transfer(state, { actor, departmentId }) {
    return first(
      () => stageConflict(state, 'transfer', ['investigation']),
      () =>
        departmentId === state.departmentId ? invalid('departmentId', `the case is already in ${departmentId}`) : null,
      () => mayWork(actor, state, 'transfer'),
    );
  },

  addNote(state, { actor }) {
    return first(
      () => stageConflict(state, 'add a note to', [...OPEN_STAGES, 'resolved']),
      () =>
        actor.role === 'admin' || actor.role === 'care_agent' || actor.departmentId === state.departmentId
          ? null
          : forbidden(`${actor.id} is not in department ${state.departmentId} or the care team.`),
    );
  },

  requestInfo(state, { actor }) {
    return first(
      () => stageConflict(state, 'request information on', ['investigation']),
      () => mayWork(actor, state, 'request information on'),
    );
  },

  awaitParty(state, { actor, party, phase }) {
    return first(
      () => stageConflict(state, `wait on the ${party} for`, ['investigation']),
      () => (party === 'merchant' && phase !== undefined ? invalid('phase', 'applies only to the card network') : null),
      () => mayWork(actor, state, `wait on the ${party} for`),
    );
  },

  recordResponse(state, { actor, party }) {
    return first(
      () => stageConflict(state, `record a ${party} response on`, [`awaiting_${party}`]),
      () => mayWork(actor, state, `record a response on`),
    );
  },

  proposeResolution(state, req) {
    return first(
      () => stageConflict(state, 'propose a resolution for', ['investigation']),
      () => amountFor(state, req),
      () => mayWork(req.actor, state, 'propose a resolution for'),
    );
  },

  approveResolution(state, { actor }) {
    return first(
      () => stageConflict(state, 'approve a resolution for', ['pending_approval']),
      () =>
        state.proposal?.proposedBy === actor.id
          ? forbidden(`${actor.id} proposed this resolution; a different person must approve it (four-eyes).`)
          : null,
      () =>
        actor.role === 'supervisor' || actor.role === 'admin'
          ? null
          : forbidden(`${actor.id} is a ${actor.role}; approvals need a supervisor or admin.`),
      () =>
        actor.role === 'admin' || actor.departmentId === state.departmentId
          ? null
          : forbidden(`${actor.id} is not a supervisor of ${state.departmentId}.`),
      () => withinAuthority(actor, state.proposal!.amountCents, 'approve'),
    );
  },

  rejectResolution(state, { actor }) {
    return first(
      () => stageConflict(state, 'reject a resolution for', ['pending_approval']),
      () =>
        state.proposal?.proposedBy === actor.id
          ? forbidden(`${actor.id} proposed this resolution; a different person must decide on it (four-eyes).`)
          : null,
      () =>
        actor.role === 'supervisor' || actor.role === 'admin'
          ? null
          : forbidden(`${actor.id} is a ${actor.role}; decisions on resolutions need a supervisor or admin.`),
      () =>
        actor.role === 'admin' || actor.departmentId === state.departmentId
          ? null
          : forbidden(`${actor.id} is not a supervisor of ${state.departmentId}.`),
    );
  },

  resolve(state, req) {
    const limit = state.context?.policy.directResolveLimitCents ?? 0;
    return first(
      () => stageConflict(state, 'resolve', ['investigation']),
      () => amountFor(state, req),
      () => mayWork(req.actor, state, 'resolve'),
      () => {
        const credit = creditFor(state, req);
        if (credit > limit)
          return forbidden(`Resolutions above ${money(limit)} need a second person's approval: propose it instead.`);
        return withinAuthority(req.actor, credit, 'resolve');
      },
    );
  },

  reopen(state, { actor }, now) {
    return first(
      () => stageConflict(state, 'reopen', ['resolved']),
      () =>
        state.resolution?.outcome === 'withdrawn'
          ? { code: 'StageConflict', message: 'A withdrawn case cannot be reopened.' }
          : null,
      () =>
        state.reopenUntil && now > Date.parse(state.reopenUntil)
          ? { code: 'StageConflict', message: `The reopen window closed at ${state.reopenUntil}.` }
          : null,
      () =>
        actor.role === 'admin' || actor.departmentId === state.departmentId
          ? null
          : forbidden(`${actor.id} is not in department ${state.departmentId}.`),
      () =>
        actor.role === 'care_agent'
          ? forbidden(`${actor.id} is a care agent; reopening needs an agent or supervisor.`)
          : null,
    );
  },

  withdraw(state, { actor }) {
    return first(
      () => stageConflict(state, 'withdraw', OPEN_STAGES),
      () => mayWork(actor, state, 'record a withdrawal on'),
    );
  },

  grantProvisionalCredit(state, { actor, amountCents }) {
    const amount = amountCents ?? state.amountCents;
    return first(
      () => stageConflict(state, 'grant provisional credit on', OPEN_STAGES),
      () =>
        state.provisionalCredit
          ? {
              code: 'StageConflict',
              message: `Provisional credit of ${money(state.provisionalCredit.amountCents)} was already granted at ${state.provisionalCredit.at}.`,
            }
          : null,
      () =>
        amount > 0 && amount <= state.amountCents
          ? null
          : invalid('amount', `must be above 0 and at most the disputed ${money(state.amountCents)}`),
      () => mayWork(actor, state, 'grant provisional credit on'),
      () => withinAuthority(actor, amount, 'grant credit'),
    );
  },

  recordContact(state, { actor }) {
    return first(
      () => stageConflict(state, 'record a customer contact on', CONTACT_STAGES),
      () =>
        actor.role === 'admin' ||
        actor.role === 'care_agent' ||
        actor.departmentId === state.departmentId ||
        actor.departmentId === INTAKE_DEPARTMENT
          ? null
          : forbidden(`${actor.id} is not in department ${state.departmentId}, the contact centre or the care team.`),
    );
  },

  claimOutreach(state, req) {
    return outreachCheck(
      state,
      req,
      'claim outreach',
    )((o) => {
      if (o.assigneeId === req.actor.id) return invalid('outreachId', `${o.id} is already claimed by you`);
      return o.assigneeId === null || isCareSupervisor(req.actor)
        ? null
        : { code: 'StageConflict', message: `Outreach ${o.id} is claimed by ${o.assigneeId}.` };
    });
  },

  requestOffer(state, req) {
    const { actor, concession } = req;
    return outreachCheck(state, req, 'request an offer')(
      holds(actor),
      (o) =>
        o.offerRequest?.status === 'pending'
          ? { code: 'StageConflict', message: `An offer on ${o.id} is already waiting for approval.` }
          : null,
      () =>
        concession.valueCents > actor.authorityLimitCents
          ? null
          : invalid(
              'amount',
              `${money(concession.valueCents)} is within your authority of ${money(actor.authorityLimitCents)}: ` +
                'make the offer and record it with the outcome',
            ),
    );
  },

  approveOffer(state, req) {
    return outreachCheck(state, req, 'approve an offer')(pendingOffer, offerDecider(req.actor, 'approve offers'), (o) =>
      withinAuthority(req.actor, o.offerRequest!.valueCents, 'approve offers'),
    );
  },

  rejectOffer(state, req) {
    return outreachCheck(state, req, 'reject an offer')(pendingOffer, offerDecider(req.actor, 'reject offers'));
  },

  recordOutreachOutcome(state, req) {
    const { actor, offer, reached } = req;
    return outreachCheck(state, req, 'record an outreach outcome')(
      holds(actor),
      () => (offer && !reached ? invalid('offer', 'can only be made to a customer who was reached') : null),
      (o) => (offer ? offerAllowed(actor, o, offer) : null),
    );
  },

  fileChargeback(state, req, now) {
    const { actor, code, transaction, amountCents } = req;
    const network = state.context?.network;
    const rules = network ? networkRules(network.network, network.rulesVersion) : null;
    const codes = rules ? applicableCodes(rules, state.reasonCode, transaction) : [];
    const chosen = codes.find((c) => c.code === code);
    const limit =
      transaction.id === state.transactionId
        ? Math.min(state.amountCents, transaction.amountCents)
        : transaction.amountCents;
    return first(
      () => stageConflict(state, 'file a chargeback for', ['investigation', 'awaiting_network']),
      () => mayWork(actor, state, 'file a chargeback for'),
      () =>
        rules
          ? null
          : { code: 'StageConflict', message: 'This case opened before card networks were kept; file it by hand.' },
      () =>
        chosen
          ? null
          : invalid(
              'code',
              codes.length
                ? `${rules!.network} code ${code} does not serve a ${state.reasonCode} dispute; use ${codes.map((c) => c.code).join(' or ')}`
                : `no ${rules!.network} code serves a ${state.reasonCode} dispute of this transaction`,
            ),
      () =>
        state.chargebacks.some((cb) => cb.transactionId === transaction.id && cb.status !== 'refused')
          ? invalid('transactionId', `transaction ${transaction.id} has a chargeback already; the network takes one`)
          : null,
      () =>
        amountCents > 0 && amountCents <= limit
          ? null
          : invalid('amount', `must be above 0 and at most ${money(limit)}`),
      () => {
        const processedAt = Date.parse(transaction.postedAt);
        const expectedDeliveryAt = req.expectedDeliveryAt ? Date.parse(req.expectedDeliveryAt) : null;
        const deadline = filingDeadline(chosen!, { processedAt, expectedDeliveryAt });
        if (now <= deadline) return null;
        const { days, from } = chosen!.timeLimit;
        const counted =
          from === 'expected_delivery' && expectedDeliveryAt !== null
            ? 'the expected delivery date'
            : 'the processing date';
        return {
          code: 'StageConflict',
          message:
            `The time limit to file ${rules!.network} ${code} for transaction ${transaction.id} passed on ${day(deadline)} ` +
            `(${days} days from ${counted}); the network would refuse it.`,
        };
      },
    );
  },

  decideChargeback(state, { actor, chargebackId, decision }, now) {
    const cb = chargebackOf(state, chargebackId);
    if (!('id' in cb)) return cb;
    return first(
      () => mayWork(actor, state, 'decide a chargeback of'),
      () => {
        const allowed =
          decision === 'accept' ? ['represented', 'pre_arbitration_declined'] : [DECISION_APPLIES_IN[decision]];
        return allowed.includes(cb.status)
          ? null
          : {
              code: 'StageConflict',
              message: `Chargeback ${cb.id} is ${cb.status}; ${decision} is for one that is ${allowed.join(' or ')}.`,
            };
      },
      () =>
        decision !== 'accept' && cb.window && now > Date.parse(cb.window.endsAt)
          ? {
              code: 'StageConflict',
              message: `The window for ${decision.replace('_', '-')} on ${cb.id} closed at ${cb.window.endsAt}; the network would refuse it.`,
            }
          : null,
    );
  },

  escalate(state, { actor }) {
    return first(
      () => stageConflict(state, 'escalate', OPEN_STAGES),
      () =>
        state.queue === 'supervisors' && state.assigneeId === null
          ? { code: 'StageConflict', message: 'The case is already waiting in the supervisor queue.' }
          : null,
      () =>
        actor.role === 'admin' || actor.departmentId === state.departmentId || actor.role === 'care_agent'
          ? null
          : forbidden(`${actor.id} is not in department ${state.departmentId} or the care team.`),
    );
  },
};
