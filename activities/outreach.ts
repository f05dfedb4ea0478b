/**
 * Care outreach's side effects: the task in the care queue with its brief, an alert for each
 * member of the care team, and one email to the care queue. Idempotent: the task and alerts are
 * keyed by the outreach id, and the email is sent once (a retry asks the mail store first).
 */
import { outreachEmail, type OutreachBrief } from '../src/care/outreach-brief';
import { DEFAULT_CARE_POLICY, recommendOutreach, type CarePolicy } from '../src/care/offer-policy';
import type { Db } from '../src/db/client';
import type { DeliveryChannel } from '../src/notifications/channels';
import { messageIdFor } from '../src/notifications/settings';
import type { RiskReport } from '../workflows/attrition-watch/messages';
import { CARE_DEPARTMENT } from '../workflows/domain/case';
import { DAY_MS } from '../workflows/domain/time';
import type { OutreachRecommendation } from '../workflows/domain/care';
import { putAlerts } from './cases';
import { heartbeating } from './heartbeat';

export interface OutreachDeps {
  db: Db;
  email: DeliveryChannel;
  care?: Partial<CarePolicy>;
  messageIdDomain: string;
}

export interface OpenOutreachInput {
  outreachId: string;
  episode: number;
  caseId: string;
  customerId: string;
  report: RiskReport;
  resolveBy: string | null;
  delays: OutreachBrief['dispute']['delays'];
  openedAt: string;
}

export interface OpenedOutreach {
  dueAt: string;
  recommendation: OutreachRecommendation;
}

export function outreachActivities({ db, email, care = {}, messageIdDomain }: OutreachDeps) {
  const policy: CarePolicy = { ...DEFAULT_CARE_POLICY, ...care };
  return {
    /** Puts the outreach in the care queue with its brief, and tells the care team. */
    async openOutreach(input: OpenOutreachInput): Promise<OpenedOutreach> {
      const row = await db.case.findUniqueOrThrow({
        where: { id: input.caseId },
        include: { customer: { include: { cards: true } } },
      });
      const { customer } = row;
      const { dueAt, recommendation } = recommendOutreach(
        { lifetimeValueCents: customer.lifetimeValueCents, resolveBy: input.resolveBy, at: input.openedAt },
        policy,
      );
      const facts = input.report.facts;
      const brief: OutreachBrief = {
        profile: {
          name: customer.name,
          phone: customer.phone,
          email: customer.email,
          preferredChannel: customer.preferredChannel,
          tier: customer.tier,
          lifetimeValueCents: customer.lifetimeValueCents,
          customerSince: new Date(Math.min(...customer.cards.map((card) => card.openedAt.getTime()))).toISOString(),
          cards: customer.cards.map(({ last4, product }) => ({ last4, product })),
        },
        dispute: {
          caseId: row.id,
          stage: row.stage,
          departmentId: row.departmentId,
          amountCents: row.amountCents,
          currency: row.currency,
          reasonCode: row.reasonCode,
          openedAt: row.openedAt.toISOString(),
          daysOpen: Math.floor((Date.parse(input.openedAt) - row.openedAt.getTime()) / DAY_MS),
          customerContacts: facts?.customerContacts ?? 0,
          delays: input.delays,
        },
        usage: facts && {
          baselinePerWeek: facts.baselinePerWeek,
          recentCount: facts.recentCount,
          recentExpected: facts.recentExpected,
          daysSinceLastTransaction: facts.daysSinceLastTransaction,
          shape: facts.shape,
          weekOnWeek: facts.weekOnWeek,
        },
        rules: input.report.rules,
      };
      const task = await db.outreachTask.upsert({
        where: { id: input.outreachId },
        update: {},
        create: {
          id: input.outreachId,
          idempotencyKey: input.outreachId,
          caseId: input.caseId,
          customerId: input.customerId,
          episode: input.episode,
          riskLevel: input.report.level,
          recommendation: JSON.stringify(recommendation),
          brief: JSON.stringify(brief),
          dueAt: new Date(dueAt),
          createdAt: new Date(input.openedAt),
        },
      });

      const team = await db.staff.findMany({
        where: { departmentId: CARE_DEPARTMENT, active: true },
        select: { id: true },
      });
      await putAlerts(
        db,
        {
          key: input.outreachId,
          caseId: input.caseId,
          kind: 'care_outreach',
          message: `Customer at risk of leaving on case ${input.caseId}: call by ${dueAt} (outreach ${input.outreachId}).`,
        },
        team.map((member) => member.id),
      );

      if (!task.emailedAt) {
        const messageId = messageIdFor(input.outreachId, messageIdDomain);
        // An attempt that died after handing the email over must not send it again.
        await heartbeating(async () => {
          if ((await email.delivered(messageId)) !== true) {
            await email.send({
              ...outreachEmail(input.outreachId, dueAt, brief, recommendation),
              messageId,
              to: { name: 'Care queue', email: policy.careQueueEmail, phone: '' },
            });
          }
        });
        await db.outreachTask.update({ where: { id: input.outreachId }, data: { emailedAt: new Date() } });
      }
      return { dueAt, recommendation };
    },
  };
}
