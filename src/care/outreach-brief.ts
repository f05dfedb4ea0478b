/**
 * What a care agent reads before calling a customer at risk: who they are, how their dispute has
 * gone, how their card usage fell, and what to do. Written into the outreach task and the care
 * queue's email; it never enters workflow history (it holds the customer's name and number).
 */
import Handlebars from 'handlebars';
import type { FiredRule } from '../../workflows/domain/risk-rules';
import type { RiskFacts } from '../../workflows/domain/usage-facts';
import type { OutreachRecommendation } from '../../workflows/domain/care';
import { formatMoney } from '../../workflows/domain/money';
import type { RenderedMessage } from '../notifications/render';

export interface OutreachBrief {
  profile: {
    name: string;
    phone: string;
    email: string;
    preferredChannel: string;
    tier: string;
    lifetimeValueCents: number;
    customerSince: string;
    cards: { last4: string; product: string }[];
  };
  dispute: {
    caseId: string;
    stage: string;
    departmentId: string;
    amountCents: number;
    currency: string;
    reasonCode: string;
    openedAt: string;
    daysOpen: number;
    customerContacts: number;
    /** Clocks that warned or were breached: where the bank kept the customer waiting. */
    delays: { label: string; status: string; breachedAt: string | null }[];
  };
  usage: Pick<
    RiskFacts,
    'baselinePerWeek' | 'recentCount' | 'recentExpected' | 'daysSinceLastTransaction' | 'shape' | 'weekOnWeek'
  > | null;
  /** The rules that fired, with the facts each read. */
  rules: FiredRule[];
}

const day = (iso: string) => iso.slice(0, 10);

const CONCESSION_LABELS = {
  reward_points: 'reward points',
  fee_waiver: 'fee waiver',
  interest_refund: 'interest refund',
};

export function describeRecommendation(r: OutreachRecommendation, currency = 'USD'): string[] {
  const lines = ['Call the customer back today.'];
  if (r.resolveBy) lines.push(`Commit to resolving the dispute by ${day(r.resolveBy)}.`);
  if (r.concession) {
    const { kind, valueCents } = r.concession;
    lines.push(`Offer ${CONCESSION_LABELS[kind]} worth ${formatMoney(valueCents, currency)} (pre-approved).`);
  }
  return lines;
}

/** The care queue's email about a new outreach. */
export function outreachEmail(
  outreachId: string,
  dueAt: string,
  brief: OutreachBrief,
  recommendation: OutreachRecommendation,
): RenderedMessage {
  const { profile: p, dispute: d, usage: u } = brief;
  const money = (cents: number) => formatMoney(cents, d.currency);
  const lines = [
    `${p.name} (${p.tier}, lifetime value ${money(p.lifetimeValueCents)}, customer since ${day(p.customerSince)})`,
    `Phone ${p.phone} · email ${p.email} · prefers ${p.preferredChannel}`,
    '',
    `Dispute ${d.caseId}: ${money(d.amountCents)} (${d.reasonCode}), open ${d.daysOpen} days, ` +
      `now ${d.stage} in ${d.departmentId}; the customer chased us ${d.customerContacts} times.`,
    ...d.delays.map(
      (delay) => `  - ${delay.label}: ${delay.status}${delay.breachedAt ? ` since ${day(delay.breachedAt)}` : ''}`,
    ),
    '',
    u
      ? `Card usage: ${u.recentCount} transactions in the last 14 days against ${u.recentExpected} expected ` +
        `(usually ${u.baselinePerWeek} a week); none for ${u.daysSinceLastTransaction} days; fall: ${u.shape}.`
      : 'Card usage: no baseline.',
    ...brief.rules.map((rule) => `  - ${rule.level}: ${rule.name}`),
    '',
    'What to do:',
    ...describeRecommendation(recommendation, d.currency).map((line) => `  - ${line}`),
    '',
    `Call by ${dueAt}. Claim it: POST /outreach/${outreachId}/claim`,
  ];
  const text = lines.join('\n');
  return {
    subject: `Care outreach ${outreachId}: ${p.name} may leave, call by ${dueAt}`,
    text,
    html: `<pre style="font-family: inherit">${Handlebars.escapeExpression(text)}</pre>`,
  };
}
