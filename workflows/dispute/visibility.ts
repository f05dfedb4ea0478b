/**
 * What engineers see of a case in the Temporal UI: typed search attributes to find it by, and
 * current details that read like the cover of a case file.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { DAY_MS } from '../domain/time';
import { formatMoney, toUnits } from '../domain/money';
import {
  AssignedAgent,
  AttritionRisk,
  CaseId,
  CaseStage,
  CustomerId,
  Department,
  DisputeAmount,
  NetworkPhase,
  NextNetworkDeadline,
  SlaBreached,
} from '../search-attributes';
import { isLiveOutreach } from '../domain/care';
import type { CaseView } from './messages';
import type { CaseState } from './state';

export class Visibility {
  private readonly published: Record<string, unknown> = {};

  /** Upserts the search attributes that changed, and the case cover. */
  publish(state: CaseState, view: CaseView): void {
    const attributes: SearchAttributeUpdatePair[] = [
      { key: CaseId, value: state.caseId },
      { key: CustomerId, value: state.customerId },
      { key: Department, value: state.departmentId },
      { key: CaseStage, value: state.stage },
      { key: DisputeAmount, value: toUnits(state.amountCents) },
      { key: SlaBreached, value: view.slaBreached },
      { key: AttritionRisk, value: state.attritionRisk },
      { key: AssignedAgent, value: state.assigneeId ?? `${state.departmentId}/${state.queue}` },
    ];
    // Cases that never met the card network (all before it was kept) never set its attributes.
    if (state.chargebacks.length > 0 || view.clocks.some((c) => c.kind === 'network')) {
      const deadline = view.clocks
        .filter((c) => c.kind === 'network' && c.deadline !== null)
        .map((c) => c.deadline!)
        .sort()[0];
      attributes.push({ key: NetworkPhase, value: state.networkPhase ?? 'none' });
      // Unset once no network clock runs.
      attributes.push({ key: NextNetworkDeadline, value: deadline ? new Date(deadline) : null });
    }
    const changed = attributes.filter((a) => !same(this.published[a.key.name], a.value));
    if (changed.length) upsertSearchAttributes(changed);
    for (const a of changed) this.published[a.key.name] = a.value;
    setCurrentDetails(caseCover(state, view));
  }
}

const same = (a: unknown, b: unknown) => (a instanceof Date || b instanceof Date ? String(a) === String(b) : a === b);

/** Markdown shown as the workflow's current details in the Temporal UI: the case file's cover. */
function caseCover(state: CaseState, view: CaseView): string {
  const money = (cents: number) => formatMoney(cents, state.currency);
  const phase = state.networkPhase && state.stage === 'awaiting_network' ? ` (${state.networkPhase})` : '';
  const lines = [
    `**Stage:** ${state.stage}${phase}`,
    `**Department:** ${state.departmentId}`,
    `**Assignee:** ${state.assigneeId ?? `unassigned (${state.queue} queue)`}${state.escalated ? ' · escalated' : ''}`,
    `**Disputed:** ${money(state.amountCents)} (${state.reasonCode})`,
  ];
  if (view.slaBreached) lines.push('**SLA breached**');
  if (state.priority === 'high') lines.push('**Priority:** high, a customer at risk of leaving waits on this case');
  for (const o of state.outreach.filter(isLiveOutreach)) {
    lines.push(
      `**Care outreach:** ${o.id}, ${o.assigneeId ? `claimed by ${o.assigneeId}` : 'unclaimed'}, due ${readableInstant(o.dueAt)}`,
    );
  }
  if (view.pendingApproval) {
    const p = view.pendingApproval;
    lines.push(`**Pending approval:** ${p.outcome}, ${money(p.amountCents)}, proposed by ${p.proposedBy}`);
  }
  if (state.provisionalCredit) {
    const credit = state.provisionalCredit;
    lines.push(`**Provisional credit:** ${money(credit.amountCents)} by ${credit.grantedBy}`);
  }
  for (const cb of state.chargebacks) {
    const window = cb.window
      ? `, ${cb.window.party === 'issuer' ? 'our' : 'the acquirer’s'} move by ${readableInstant(cb.window.endsAt)}`
      : '';
    lines.push(
      `**Chargeback:** ${cb.id} (${cb.code}, ${money(cb.amountCents)}) ${cb.status.replaceAll('_', ' ')}${window}`,
    );
  }
  if (state.resolution) lines.push(`**Outcome:** ${state.resolution.outcome}, ${money(state.resolution.amountCents)}`);
  if (state.reopenUntil && state.stage === 'resolved')
    lines.push(`**Reopen until:** ${readableInstant(state.reopenUntil)}`);
  const live = view.clocks.filter((c) => c.endedAt === null);
  return live.length ? `${lines.join('  \n')}\n\n${deadlineTable(live)}` : lines.join('  \n');
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** An instant as a person reads it on the cover, in UTC and saying so: `Tue 2026-12-15 14:00 UTC`. */
export function readableInstant(iso: string): string {
  return `${WEEKDAYS[new Date(iso).getUTCDay()]} ${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function deadlineTable(clocks: CaseView['clocks']): string {
  const rows = clocks.map((c) => {
    const deadline = c.deadline
      ? readableInstant(c.deadline)
      : `paused, ${(c.remainingMs! / DAY_MS).toFixed(1)} days left`;
    return `| ${c.label} | ${c.status} | ${deadline} |`;
  });
  return ['| Clock | Status | Deadline |', '| --- | --- | --- |', ...rows].join('\n');
}
