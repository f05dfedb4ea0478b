/**
 * The case file's actions: exactly those the person may take now, each a form that posts to
 * `/console/cases/:id/<path>` and is carried out by the API's own action protocol. Which are
 * offered is asked of the same two tables that judge them: the access table (role, department)
 * and the action rules (stage, assignment, authority), with a probe request; a field's value can
 * still be refused, and the refusal is shown beside the field it names.
 */
import { randomUUID } from 'node:crypto';
import { html, type Html } from '../../web/html';
import { NETWORK_PHASES, OUTCOMES, type Actor } from '../../../workflows/domain/case';
import { rules, type ActionFacts } from '../../../workflows/domain/action-rules';
import { CONTACT_CHANNELS, type StaffActionName, type StaffRequest } from '../../../workflows/domain/staff-requests';
import { STAFF_ACTIONS, type CaseView } from '../../../workflows/dispute/messages';
import { reachOf } from '../access';
import type { FieldError } from '../problem';

interface Field {
  name: string;
  label: string;
  kind: 'textarea' | 'select' | 'amount' | 'text';
  /** A select's options, fixed; or the name of a list the case file loads (`Choices`). */
  options?: readonly string[] | keyof Choices;
  optional?: boolean;
}

/** Options that depend on the bank's data: who may be assigned the case, where it may go. */
export interface Choices {
  assignees: string[];
  departments: string[];
}

const reason: Field = { name: 'reason', label: 'Reason', kind: 'textarea' };
const resolution: Field[] = [
  { name: 'outcome', label: 'Outcome', kind: 'select', options: OUTCOMES },
  { name: 'amount', label: 'Amount to credit (blank: what the outcome gives)', kind: 'amount', optional: true },
  { name: 'rationale', label: 'Rationale', kind: 'textarea' },
];

type CaseAction = Exclude<
  StaffActionName,
  'claimOutreach' | 'requestOffer' | 'approveOffer' | 'rejectOffer' | 'recordOutreachOutcome'
>;

/** Each case action's form: its title and fields, named as the API's body names them. */
const FORMS: { [Name in CaseAction]: { title: string; fields: Field[] } } = {
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
    fields: [{ name: 'question', label: 'Question', kind: 'textarea' }],
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
  approveResolution: {
    title: 'Approve the proposed resolution',
    fields: [{ name: 'comment', label: 'Comment', kind: 'textarea', optional: true }],
  },
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
};

export const CASE_ACTIONS = Object.keys(FORMS) as CaseAction[];

/** A request the rule can judge before the person fills the form: who acts, and plausible fields. */
function probe(name: CaseAction, actor: Actor): StaffRequest<CaseAction> {
  const self = { id: actor.id, role: actor.role, departmentId: actor.departmentId };
  const requests: { [Name in CaseAction]: StaffRequest<Name> } = {
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
  };
  return requests[name];
}

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
    // The four-eyes limit is the case's own; the case refuses a resolution above it, with why.
    context: { policy: { directResolveLimitCents: Number.MAX_SAFE_INTEGER } },
  };
}

/**
 * The actions the person may take on the case now. A rule's refusal of the probe for the stage or
 * the person hides the action; one for a field's value does not (the form supplies the value).
 */
export function availableActions(actor: Actor, view: CaseView): CaseAction[] {
  const facts = factsOf(view);
  const judge = (name: CaseAction, req: StaffRequest<CaseAction>) =>
    (rules[name] as (facts: ActionFacts, req: StaffRequest<CaseAction>, now: number) => { code: string } | null)(
      facts,
      req,
      Date.now(),
    );
  return CASE_ACTIONS.filter((name) => {
    const reach = reachOf(actor, name);
    if (!reach || (reach.department !== null && reach.department !== view.departmentId)) return false;
    // Assigning is offered when the person may give the case to themselves or to a colleague.
    if (name === 'assign') {
      const colleague = { id: `${actor.id}-colleague`, role: 'agent' as const, departmentId: view.departmentId };
      return [probe('assign', actor), { actor, assignee: colleague }].some((req) => judge(name, req) === null);
    }
    const rejection = judge(name, probe(name, actor));
    return rejection === null || rejection.code === 'InvalidArgument';
  });
}

/** The form's fields as the API's body: blank optional fields left out. */
export function bodyOf(name: CaseAction, form: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of FORMS[name].fields) {
    const value = form[field.name];
    if (typeof value === 'string' && value.trim() !== '') body[field.name] = value;
    else if (!field.optional) body[field.name] = value ?? '';
  }
  return body;
}

/** A failed try of one form: its values back, and the errors beside the fields they name. */
export interface FormAttempt {
  action: CaseAction;
  values: Record<string, unknown>;
  errors: FieldError[];
  /** A refusal that names no field (the stage, the person). */
  refusal: string | null;
}

function fieldHtml(action: CaseAction, field: Field, attempt: FormAttempt | null, choices: Choices): Html {
  const options = typeof field.options === 'string' ? choices[field.options] : (field.options ?? []);
  const id = `${action}-${field.name}`;
  const error = attempt?.errors.find((e) => e.field === field.name);
  const value = typeof attempt?.values[field.name] === 'string' ? (attempt.values[field.name] as string) : '';
  const described = error ? html`aria-invalid="true" aria-describedby="${id}-error"` : null;
  const required = field.optional ? null : html`required`;
  const control =
    field.kind === 'textarea'
      ? html`<textarea id="${id}" name="${field.name}" rows="2" ${required} ${described}>${value}</textarea>`
      : field.kind === 'select'
        ? html`<select id="${id}" name="${field.name}" ${required} ${described}>
            ${field.optional ? html`<option value="">none</option>` : null}
            ${options.map(
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

/** The forms of the actions offered, the one that failed open with its values and errors. */
export function actionForms(
  caseId: string,
  actions: CaseAction[],
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
      <form method="post" action="/console/cases/${caseId}/${STAFF_ACTIONS[action].path}">
        <input type="hidden" name="_csrf" value="${csrf}" />
        <input type="hidden" name="requestId" value="${randomUUID()}" />
        ${failed?.refusal ? html`<p class="error" role="alert">${failed.refusal}</p>` : null}
        ${fields.map((field) => fieldHtml(action, field, failed, choices))}
        <button type="submit">${title}</button>
      </form>
    </details>`;
  })}`;
}
