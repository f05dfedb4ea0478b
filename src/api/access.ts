/**
 * Who may do what through the admin API, and on which department's cases: one table, role ×
 * operation → reach, that every handler asks through `authorize`. It is the first line; the
 * workflow's validators are the second (stage, assignment, authority limits, four-eyes), so the
 * table says who may *attempt* an action, and the case decides whether it may happen now.
 */
import {
  CARD_NETWORK_SYSTEM,
  CARD_PROCESSOR_SYSTEM,
  CARE_DEPARTMENT,
  INTAKE_DEPARTMENT,
  type Actor,
  type StaffRole,
} from '../../workflows/domain/case';
import type { StaffActionName } from '../../workflows/domain/staff-requests';
import { Problem } from './problem';

/**
 * How far a role reaches:
 * - `all`: any case;
 * - `department`: cases of the caller's own department (intake and care staff reach every
 *   department: intake opens cases for all of them, care looks after the customer);
 * - `care`: only staff of the care department, on any case;
 * - `only:<staff id>`: that one member (a system speaking for a partner: the card processor, the
 *   card network), so one system cannot speak for another;
 * - `no`: never.
 */
export type Reach = 'all' | 'department' | 'care' | `only:${string}` | 'no';

/** What the API lets staff do besides the staff actions (which are named by STAFF_ACTIONS). */
export type ApiOperation =
  | 'openCase'
  | 'readCases'
  | 'readCustomers'
  | 'readOutreach'
  | 'runBulkOperations'
  | 'readBulkOperations'
  | 'revokeCustomerLinks'
  | 'readCustomerDocuments'
  | 'readCxFigures'
  | 'readOwnAlerts'
  | 'manageTokens'
  | 'readAudit'
  | 'feedUsage'
  | 'feedNetwork'
  | 'decodePayloads'
  | 'encodePayloads';
export type Operation = ApiOperation | StaffActionName;

/** Departments whose staff reach every case under `department`. */
const SEES_ALL_DEPARTMENTS: readonly string[] = [INTAKE_DEPARTMENT, CARE_DEPARTMENT];

type Row = Record<StaffRole, Reach>;
/** A row of the table: staff roles in order, and `system` (machine callers) last, `no` unless said. */
const row = (
  agent: Reach,
  supervisor: Reach,
  care_agent: Reach,
  auditor: Reach,
  admin: Reach,
  system: Reach = 'no',
): Row => ({ agent, supervisor, care_agent, auditor, admin, system });

/** Casework: the case's own department works it; admins anywhere. */
const CASEWORK = row('department', 'department', 'no', 'no', 'all');
/** Decisions above an agent: supervisors of the department, admins. */
const SUPERVISION = row('no', 'department', 'no', 'no', 'all');
/** What the care team may also do on any case while looking after the customer. */
const CARE_TOO = row('department', 'department', 'all', 'no', 'all');
/** Working an outreach: care agents and care supervisors. */
const OUTREACH = row('no', 'care', 'all', 'no', 'all');
/** Deciding on an offer above a care agent's authority: care supervisors. */
const OFFER_DECISION = row('no', 'care', 'no', 'no', 'all');

export const ACCESS: Record<Operation, Row> = {
  openCase: row('all', 'all', 'no', 'no', 'all'),
  readCases: row('department', 'department', 'all', 'all', 'all'),
  // A customer's profile and transactions: what staff need to open a dispute or call them back.
  readCustomers: row('all', 'all', 'all', 'all', 'all'),
  readOutreach: row('care', 'care', 'all', 'all', 'all'),
  // Moving many cases at once is a supervisor's; each case is still judged as its own action.
  runBulkOperations: row('no', 'department', 'no', 'no', 'all'),
  readBulkOperations: row('no', 'department', 'no', 'all', 'all'),
  // A link in a message that reached the wrong hands: the case's supervisors and admins stop them all.
  revokeCustomerLinks: SUPERVISION,
  // What a customer sent (receipts, statements): those who work her case, and auditors.
  readCustomerDocuments: row('department', 'department', 'no', 'all', 'all'),
  // The customer-experience figures: a supervisor's own department, care supervisors', auditors' and admins' all.
  readCxFigures: row('no', 'department', 'no', 'all', 'all'),
  readOwnAlerts: row('all', 'all', 'all', 'all', 'all'),
  manageTokens: row('no', 'no', 'no', 'no', 'all'),
  readAudit: row('no', 'no', 'no', 'all', 'all'),
  // The card processor feeds usage; nobody else but an admin (a backfill, say).
  feedUsage: row('no', 'no', 'no', 'no', 'all', `only:${CARD_PROCESSOR_SYSTEM}`),
  // The card network's answers (representments, rulings) come from the network's system; an admin
  // records one that came another way (the processor's portal, a letter).
  feedNetwork: row('no', 'no', 'no', 'no', 'all', `only:${CARD_NETWORK_SYSTEM}`),
  // Reading sealed histories in the Temporal UI; sealing a payload is forging an action, so admins only.
  decodePayloads: row('no', 'no', 'no', 'all', 'all'),
  encodePayloads: row('no', 'no', 'no', 'no', 'all'),
  assign: CASEWORK,
  transfer: CASEWORK,
  addNote: CARE_TOO,
  requestInfo: CASEWORK,
  awaitParty: CASEWORK,
  recordResponse: CASEWORK,
  proposeResolution: CASEWORK,
  approveResolution: SUPERVISION,
  rejectResolution: SUPERVISION,
  resolve: CASEWORK,
  reopen: CASEWORK,
  withdraw: CASEWORK,
  grantProvisionalCredit: CASEWORK,
  escalate: CARE_TOO,
  recordContact: CARE_TOO,
  claimOutreach: OUTREACH,
  requestOffer: OUTREACH,
  approveOffer: OFFER_DECISION,
  rejectOffer: OFFER_DECISION,
  recordOutreachOutcome: OUTREACH,
  fileChargeback: CASEWORK,
  decideChargeback: CASEWORK,
};

/** The department whose cases the actor reaches for `operation`, or null for every department. */
export function reachOf(actor: Actor, operation: Operation): { department: string | null } | null {
  const reach = ACCESS[operation][actor.role];
  if (reach === 'no' || (reach === 'care' && actor.departmentId !== CARE_DEPARTMENT)) return null;
  if (reach.startsWith('only:')) return actor.id === reach.slice('only:'.length) ? { department: null } : null;
  if (reach === 'department' && !SEES_ALL_DEPARTMENTS.includes(actor.departmentId)) {
    return { department: actor.departmentId };
  }
  return { department: null };
}

/** Each operation as a refusal says it: "… may not <this>". */
const OPERATION_TEXT: Record<Operation, string> = {
  openCase: 'open cases',
  readCases: 'read cases',
  readCustomers: 'read customers',
  readOutreach: 'read the care queue',
  runBulkOperations: 'run bulk operations',
  readBulkOperations: 'read bulk operations',
  revokeCustomerLinks: 'revoke customers’ links',
  readCustomerDocuments: 'read what customers sent',
  readCxFigures: 'read the customer-experience figures',
  readOwnAlerts: 'read alerts',
  manageTokens: 'manage staff tokens',
  readAudit: 'read the audit log',
  feedUsage: 'feed card usage',
  feedNetwork: 'send the card network’s answers',
  decodePayloads: 'decode payloads',
  encodePayloads: 'encode payloads',
  assign: 'assign cases',
  transfer: 'transfer cases',
  addNote: 'add notes to cases',
  requestInfo: 'ask customers for information',
  awaitParty: 'put cases on hold for the merchant or the network',
  recordResponse: 'record answers on cases',
  proposeResolution: 'propose resolutions',
  approveResolution: 'approve resolutions',
  rejectResolution: 'reject resolutions',
  resolve: 'resolve cases',
  reopen: 'reopen cases',
  withdraw: 'withdraw cases',
  grantProvisionalCredit: 'grant provisional credit',
  escalate: 'escalate cases',
  recordContact: 'record customer contacts',
  claimOutreach: 'claim outreach',
  requestOffer: 'request offers',
  approveOffer: 'approve offers',
  rejectOffer: 'reject offers',
  recordOutreachOutcome: 'record outreach outcomes',
  fileChargeback: 'file chargebacks',
  decideChargeback: 'decide on the merchant’s answers to chargebacks',
};

/** A role as a sentence names it, with its article, and its plural. */
const ROLE_TEXT: Record<StaffRole, [one: string, many: string]> = {
  agent: ['an agent', 'agents'],
  supervisor: ['a supervisor', 'supervisors'],
  care_agent: ['a care agent', 'care agents'],
  auditor: ['an auditor', 'auditors'],
  admin: ['an admin', 'admins'],
  system: ['a system', 'systems'],
};

/**
 * Refuses what the table does not allow: `403` when the role may not do it at all, `404` when
 * the case lies outside the caller's reach (a case one may not see is not acknowledged to exist).
 */
export function authorize(actor: Actor, operation: Operation, target?: { caseId: string; departmentId: string }): void {
  const reach = reachOf(actor, operation);
  if (!reach) {
    const [one, many] = ROLE_TEXT[actor.role];
    const what = OPERATION_TEXT[operation];
    const reachOfRole = ACCESS[operation][actor.role];
    const why =
      reachOfRole === 'care'
        ? `${one} outside the ${CARE_DEPARTMENT} department; only the care team's ${many} may ${what}`
        : reachOfRole.startsWith('only:')
          ? `${one}; only ${reachOfRole.slice('only:'.length)} may ${what}`
          : `${one}; ${many} may not ${what}`;
    throw new Problem(403, 'Forbidden', `${actor.id} is ${why}.`, {
      code: 'PolicyDenied',
    });
  }
  if (target && reach.department !== null && reach.department !== target.departmentId) {
    throw Problem.notFound(`No case ${target.caseId}.`);
  }
}
