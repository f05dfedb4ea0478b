/**
 * The staff actions a person may take now, each a form that posts beside the API's own route
 * (`/console/cases/:id/<path>`, `/console/outreach/:id/<path>`) and is carried out by the API's
 * action protocol. Which are offered is asked of the same two tables that judge them: the access
 * table (role, department) and the action rules (stage, assignment, authority), with a probe
 * request; a field's value can still be refused, and the refusal is shown beside the field it names.
 */
import { randomUUID } from 'node:crypto';
import { html, type Html } from '../../web/html';
import { NETWORK_PHASES, OUTCOMES, type Actor } from '../../../workflows/domain/case';
import { CONCESSION_KINDS, OFFER_RESPONSES } from '../../../workflows/domain/care';
import { NETWORK_DECISIONS } from '../../../workflows/domain/chargeback';
import { rules, type ActionFacts, type Rejection } from '../../../workflows/domain/action-rules';
import { CONTACT_CHANNELS, type StaffActionName, type StaffRequest } from '../../../workflows/domain/staff-requests';
import { STAFF_ACTIONS, type CaseView } from '../../../workflows/dispute/messages';
import { reachOf } from '../access';
import type { FieldError } from '../problem';

interface Field {
  /** The API body's field; `offer.kind` is the field `kind` of the object `offer`. */
  name: string;
  label: string;
  /** `yesno` is a select whose answer the API takes as true or false; `list` is comma-separated. */
  kind: 'textarea' | 'select' | 'amount' | 'text' | 'yesno' | 'list';
  /** A select's options, fixed; or the name of a list the case file loads (`Choices`). */
  options?: readonly string[] | keyof Choices;
  optional?: boolean;
}

/** Options that depend on the bank's data: who may be assigned the case, where it may go. */
export interface Choices {
  assignees: string[];
  departments: string[];
  /** The network codes the dispute may be filed under. */
  networkCodes: string[];
  /** The case's chargebacks that wait on the bank's decision. */
  chargebacks: string[];
}

const reason: Field = { name: 'reason', label: 'Reason', kind: 'textarea' };
const resolution: Field[] = [
  { name: 'outcome', label: 'Outcome', kind: 'select', options: OUTCOMES },
  { name: 'amount', label: 'Amount to credit (blank: what the outcome gives)', kind: 'amount', optional: true },
  { name: 'rationale', label: 'Rationale', kind: 'textarea' },
];

const comment: Field = { name: 'comment', label: 'Comment', kind: 'textarea', optional: true };

/** Each action's form: its title and fields, named as the API's body names them. */
const FORMS: { [Name in StaffActionName]: { title: string; fields: Field[] } } = {
  assign: {
    title: 'Assign',
    fields: [{ name: 'assigneeId', label: 'Assign to', kind: 'select', options: 'assignees' }],
  },
  transfer: {
    title: 'Transfer to another department',
    fields: [{ name: 'departmentId', label: 'Department', kind: 'select', options: 'departments' }, reason],
  },
  addNote: { title: 'Add a note', fields: [{ name: 'text', label: 'Note', kind: 'textarea' }] },
  requestInfo: {
    title: 'Ask the customer for information',
    fields: [
      { name: 'question', label: 'Question', kind: 'textarea' },
      { name: 'evidence', label: 'Network evidence it gives, comma-separated', kind: 'list', optional: true },
    ],
  },
  awaitParty: {
    title: 'Wait for the merchant or the network',
    fields: [
      { name: 'party', label: 'Waiting for', kind: 'select', options: ['merchant', 'network'] },
      { name: 'phase', label: 'Network phase', kind: 'select', options: NETWORK_PHASES, optional: true },
      { name: 'note', label: 'Note', kind: 'textarea', optional: true },
    ],
  },
  recordResponse: {
    title: 'Record an answer',
    fields: [
      { name: 'party', label: 'From', kind: 'select', options: ['customer', 'merchant', 'network'] },
      { name: 'summary', label: 'Summary', kind: 'textarea' },
    ],
  },
  proposeResolution: { title: 'Propose a resolution (for approval)', fields: resolution },
  approveResolution: { title: 'Approve the proposed resolution', fields: [comment] },
  rejectResolution: { title: 'Reject the proposed resolution', fields: [reason] },
  resolve: { title: 'Resolve', fields: resolution },
  reopen: { title: 'Reopen', fields: [reason] },
  withdraw: { title: 'Withdraw the dispute (the customer asked)', fields: [reason] },
  grantProvisionalCredit: {
    title: 'Grant provisional credit',
    fields: [{ name: 'amount', label: 'Amount (blank: the disputed amount)', kind: 'amount', optional: true }],
  },
  escalate: { title: 'Escalate to a supervisor', fields: [reason] },
  recordContact: {
    title: 'Record that the customer got in touch',
    fields: [
      { name: 'channel', label: 'Channel', kind: 'select', options: CONTACT_CHANNELS },
      { name: 'note', label: 'Note', kind: 'textarea', optional: true },
    ],
  },
  claimOutreach: { title: 'Claim this outreach', fields: [] },
  requestOffer: {
    title: 'Ask a care supervisor to approve an offer above your authority',
    fields: [
      { name: 'kind', label: 'Offer', kind: 'select', options: CONCESSION_KINDS },
      { name: 'amount', label: 'Worth', kind: 'amount' },
      reason,
    ],
  },
  approveOffer: { title: 'Approve the offer', fields: [comment] },
  rejectOffer: { title: 'Reject the offer', fields: [comment] },
  fileChargeback: {
    title: 'File a chargeback with the card network',
    fields: [
      { name: 'code', label: 'Reason code', kind: 'select', options: 'networkCodes' },
      { name: 'amount', label: 'Amount (blank: the disputed amount)', kind: 'amount', optional: true },
      {
        name: 'transactionId',
        label: 'Another transaction of the claim (blank: the disputed one)',
        kind: 'text',
        optional: true,
      },
      { name: 'expectedDeliveryAt', label: 'Expected delivery date (YYYY-MM-DD)', kind: 'text', optional: true },
      { name: 'evidence', label: 'Evidence sent, comma-separated', kind: 'list', optional: true },
      { name: 'note', label: 'Note', kind: 'textarea', optional: true },
    ],
  },
  decideChargeback: {
    title: 'Answer the merchant at the network',
    fields: [
      { name: 'chargebackId', label: 'Chargeback', kind: 'select', options: 'chargebacks' },
      { name: 'decision', label: 'Decision', kind: 'select', options: NETWORK_DECISIONS },
      { name: 'evidence', label: 'Further evidence, comma-separated', kind: 'list', optional: true },
      { name: 'note', label: 'Note', kind: 'textarea', optional: true },
    ],
  },
  recordOutreachOutcome: {
    title: 'Record the call',
    fields: [
      { name: 'reached', label: 'Was the customer reached?', kind: 'yesno' },
      { name: 'offer.kind', label: 'Offer made', kind: 'select', options: CONCESSION_KINDS, optional: true },
      { name: 'offer.amount', label: 'Offer worth', kind: 'amount', optional: true },
      { name: 'offer.response', label: 'Their answer', kind: 'select', options: OFFER_RESPONSES, optional: true },
      { name: 'note', label: 'Note', kind: 'textarea', optional: true },
    ],
  },
};

/** Where an action's form posts: the case, or one of its outreach. */
export type ActionTarget = { on: 'case'; caseId: string } | { on: 'outreach'; outreachId: string };

export const CASE_ACTIONS = (Object.keys(FORMS) as StaffActionName[]).filter((a) => STAFF_ACTIONS[a].on === 'case');
export const OUTREACH_ACTIONS = (Object.keys(FORMS) as StaffActionName[]).filter(
  (a) => STAFF_ACTIONS[a].on === 'outreach',
);

/** A request the rule can judge before the person fills the form: who acts, and plausible fields. */
function probe(name: StaffActionName, actor: Actor, outreachId: string, view: CaseView): StaffRequest<StaffActionName> {
  const self = { id: actor.id, role: actor.role, departmentId: actor.departmentId };
  // An offer the person would need approval for, and so may ask for.
  const aboveAuthority = { kind: 'fee_waiver' as const, valueCents: actor.authorityLimitCents + 1 };
  const requests: { [Name in StaffActionName]: StaffRequest<Name> } = {
    assign: { actor, assignee: self },
    transfer: { actor, departmentId: '', reason: '' },
    addNote: { actor, text: '' },
    requestInfo: { actor, question: '' },
    awaitParty: { actor, party: 'merchant' },
    recordResponse: { actor, party: 'customer', summary: '' },
    proposeResolution: { actor, outcome: 'customer_favour', rationale: '' },
    approveResolution: { actor },
    rejectResolution: { actor, reason: '' },
    resolve: { actor, outcome: 'customer_favour', rationale: '' },
    reopen: { actor, reason: '' },
    withdraw: { actor, reason: '' },
    grantProvisionalCredit: { actor },
    escalate: { actor, reason: '' },
    recordContact: { actor, channel: 'phone' },
    claimOutreach: { actor, outreachId },
    requestOffer: { actor, outreachId, concession: aboveAuthority, reason: '' },
    approveOffer: { actor, outreachId },
    rejectOffer: { actor, outreachId },
    recordOutreachOutcome: { actor, outreachId, reached: true },
    fileChargeback: {
      actor,
      code: '',
      transaction: { id: '', postedAt: view.openedAt, amountCents: view.amountCents, cardPresent: false },
      amountCents: view.amountCents,
      evidence: [],
    },
    decideChargeback: { actor, chargebackId: awaitingDecision(view)[0] ?? '', decision: 'accept' },
  };
  return requests[name];
}

/** The case's chargebacks on which the merchant answered and the bank must decide. */
export const awaitingDecision = (view: CaseView): string[] =>
  (view.chargebacks ?? [])
    .filter((cb) => cb.status === 'represented' || cb.status === 'pre_arbitration_declined')
    .map((cb) => cb.id);

/** What the rules read of the case, from the case as the workflow shows it. */
function factsOf(view: CaseView): ActionFacts {
  return {
    stage: view.stage,
    departmentId: view.departmentId,
    assigneeId: view.assigneeId,
    queue: view.queue,
    amountCents: view.amountCents,
    proposal: view.pendingApproval,
    provisionalCredit: view.provisionalCredit,
    resolution: view.resolution,
    reopenUntil: view.reopenUntil,
    outreach: view.outreach,
    reasonCode: view.reasonCode,
    transactionId: '',
    chargebacks: view.chargebacks ?? [],
    // The four-eyes limit is the case's own; the case refuses a resolution above it, with why.
    context: {
      policy: { directResolveLimitCents: Number.MAX_SAFE_INTEGER },
      network: view.network ?? undefined,
    },
  };
}

/**
 * The actions the person may take now on the target. A rule's refusal of the probe for the stage
 * or the person hides the action; one for a field the form asks does not (the form supplies it).
 */
export function availableActions(actor: Actor, view: CaseView, target: ActionTarget): StaffActionName[] {
  const facts = factsOf(view);
  const outreachId = target.on === 'outreach' ? target.outreachId : '';
  const judge = (name: StaffActionName, req: StaffRequest<StaffActionName>) =>
    (rules[name] as (facts: ActionFacts, req: StaffRequest<StaffActionName>, now: number) => Rejection | null)(
      facts,
      req,
      Date.now(),
    );
  const actions = target.on === 'case' ? CASE_ACTIONS : OUTREACH_ACTIONS;
  return actions.filter((name) => {
    const reach = reachOf(actor, name);
    if (!reach || (reach.department !== null && reach.department !== view.departmentId)) return false;
    // Assigning is offered when the person may give the case to themselves or to a colleague.
    if (name === 'assign') {
      const colleague = { id: `${actor.id}-colleague`, role: 'agent' as const, departmentId: view.departmentId };
      return [probe('assign', actor, '', view), { actor, assignee: colleague }].some(
        (req) => judge(name, req) === null,
      );
    }
    // Deciding is offered only when a chargeback waits on the bank's answer.
    if (name === 'decideChargeback' && awaitingDecision(view).length === 0) return false;
    const rejection = judge(name, probe(name, actor, outreachId, view));
    if (rejection === null) return true;
    const asked = FORMS[name].fields.map((field) => field.name.split('.')[0]);
    return rejection.code === 'InvalidArgument' && (rejection.field === undefined || asked.includes(rejection.field));
  });
}

/** The form's fields as the API's body: blank optional fields left out, `offer.kind` nested. */
export function bodyOf(name: StaffActionName, form: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of FORMS[name].fields) {
    const raw = form[field.name];
    const blank = !(typeof raw === 'string' && raw.trim() !== '');
    if (blank && field.optional) continue;
    const value =
      field.kind === 'yesno' && (raw === 'yes' || raw === 'no')
        ? raw === 'yes'
        : field.kind === 'list' && typeof raw === 'string'
          ? raw
              .split(',')
              .map((item) => item.trim())
              .filter((item) => item !== '')
          : (raw ?? '');
    const [head, tail] = field.name.split('.');
    if (tail === undefined) body[head] = value;
    else body[head] = { ...(body[head] as object | undefined), [tail]: value };
  }
  return body;
}

/** A failed try of one form: its values back, and the errors beside the fields they name. */
export interface FormAttempt {
  action: StaffActionName;
  values: Record<string, unknown>;
  errors: FieldError[];
  /** A refusal that names no field (the stage, the person). */
  refusal: string | null;
}

function fieldHtml(action: StaffActionName, field: Field, attempt: FormAttempt | null, choices: Choices): Html {
  const options = typeof field.options === 'string' ? choices[field.options] : (field.options ?? []);
  const id = `${action}-${field.name.replace('.', '-')}`;
  const error = attempt?.errors.find((e) => e.field === field.name);
  const value = typeof attempt?.values[field.name] === 'string' ? (attempt.values[field.name] as string) : '';
  const described = error ? html`aria-invalid="true" aria-describedby="${id}-error"` : null;
  const required = field.optional ? null : html`required`;
  const control =
    field.kind === 'textarea'
      ? html`<textarea id="${id}" name="${field.name}" rows="2" ${required} ${described}>${value}</textarea>`
      : field.kind === 'select' || field.kind === 'yesno'
        ? html`<select id="${id}" name="${field.name}" ${required} ${described}>
            ${field.optional ? html`<option value="">none</option>` : null}
            ${(field.kind === 'yesno' ? ['yes', 'no'] : options).map(
              (option) =>
                html`<option value="${option}" ${option === value ? html`selected` : null}>
                  ${option.replaceAll('_', ' ')}
                </option>`,
            )}
          </select>`
        : html`<input
            id="${id}"
            name="${field.name}"
            ${field.kind === 'amount' ? html`inputmode="decimal"` : null}
            value="${value}"
            ${required}
            ${described}
          />`;
  return html`<label for="${id}">${field.label}${field.optional ? ' (optional)' : ''}</label> ${control}
    ${error ? html`<p class="error" id="${id}-error">${error.message}</p>` : null}`;
}

const formAction = (target: ActionTarget, action: StaffActionName) =>
  target.on === 'case'
    ? `/console/cases/${target.caseId}/${STAFF_ACTIONS[action].path}`
    : `/console/outreach/${target.outreachId}/${STAFF_ACTIONS[action].path}`;

/** The forms of the actions offered, the one that failed open with its values and errors. */
export function actionForms(
  target: ActionTarget,
  actions: StaffActionName[],
  choices: Choices,
  csrf: string,
  attempt: FormAttempt | null,
): Html {
  if (actions.length === 0) return html`<p>There is nothing you may do on this case now.</p>`;
  return html`${actions.map((action) => {
    const { title, fields } = FORMS[action];
    const failed = attempt?.action === action ? attempt : null;
    return html`<details class="action" ${failed ? html`open` : null}>
      <summary>${title}</summary>
      <form method="post" action="${formAction(target, action)}">
        <input type="hidden" name="_csrf" value="${csrf}" />
        <input type="hidden" name="requestId" value="${randomUUID()}" />
        ${failed?.refusal ? html`<p class="error" role="alert">${failed.refusal}</p>` : null}
        ${fields.map((field) => fieldHtml(action, field, failed, choices))}
        <button type="submit">${title}</button>
      </form>
    </details>`;
  })}`;
}
