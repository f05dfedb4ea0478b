/**
 * Care outreach on the dispute's side: when the attrition watch says a customer is at high risk
 * of leaving, the case opens one outreach for the care team per episode of high risk, puts
 * itself first in its department's queue, and then takes the care team's actions on it: claim,
 * offers above authority and their approval, and the outcome of the call. A concession the
 * customer accepts is booked on their card like a credit.
 */
import { patched } from '@temporalio/workflow';
import type { RiskReport } from '../attrition-watch/messages';
import { activities, deliveries } from '../activity-options';
import type { DisputeCase } from './case';
import { isLiveOutreach, type Concession, type Outreach } from '../domain/care';
import type { OutreachOutcomeRequest } from '../domain/staff-requests';

/** Cases whose histories predate care outreach took high risk without opening one. */
export const OUTREACH_PATCH = 'care-outreach';
/**
 * Since this patch a resolved case that may still be reopened opens an outreach too: a customer
 * whose usage falls away soon after the resolution is still leaving over the dispute. Before it,
 * only open cases did.
 */
export const OUTREACH_AFTER_RESOLUTION_PATCH = 'outreach-after-resolution';

const SYSTEM = 'system:attrition-watch';

export const outreachId = (caseId: string, episode: number): string => `${caseId}-care-${episode}`;

/** The case's care outreach, held by the case like its clocks and notifier. */
export class CareOutreach {
  constructor(private readonly c: DisputeCase) {}

  /** Opens an outreach for a new episode of high risk, unless one is still being worked. */
  async open(report: RiskReport): Promise<void> {
    const { c } = this;
    const { state } = c;
    const reachable = c.isOpen() || (state.stage === 'resolved' && patched(OUTREACH_AFTER_RESOLUTION_PATCH));
    if (!reachable || state.outreach.some(isLiveOutreach)) return;
    const episode = state.outreach.length + 1;
    const id = outreachId(state.caseId, episode);
    const openedAt = new Date(c.now()).toISOString();
    const opened = await deliveries.openOutreach({
      outreachId: id,
      episode,
      caseId: state.caseId,
      customerId: state.customerId,
      report,
      resolveBy: c.clocks.resolveBy(),
      delays: c.clocks
        .views()
        .filter((clock) => clock.breachedAt !== null || clock.status === 'warned')
        .map(({ label, status, breachedAt }) => ({ label, status, breachedAt })),
      openedAt,
    });
    const outreach: Outreach = {
      id,
      episode,
      openedAt,
      dueAt: opened.dueAt,
      status: 'open',
      assigneeId: null,
      recommendation: opened.recommendation,
      offerRequest: null,
      outcome: null,
    };
    state.outreach.push(outreach);
    c.record('outreach_opened', SYSTEM, {
      outreachId: id,
      dueAt: outreach.dueAt,
      recommendation: outreach.recommendation,
    });
    if (state.priority !== 'high') {
      state.priority = 'high';
      c.record('priority_raised', SYSTEM, { to: 'high', reason: `customer at high risk of leaving (outreach ${id})` });
    }
  }

  /** The outreach an accepted request names; its validator made sure it exists. */
  of(id: string): Outreach {
    return this.c.state.outreach.find((o) => o.id === id)!;
  }

  /** Records the call and, when the customer accepted goodwill, books it on their card. */
  async complete(req: OutreachOutcomeRequest): Promise<void> {
    const { c } = this;
    const outreach = this.of(req.outreachId);
    const at = new Date(c.now()).toISOString();
    const offer = req.offer ?? null;
    outreach.outcome = { reached: req.reached, offer, note: req.note ?? null, by: req.actor.id, at };
    outreach.status = 'done';
    c.record('outreach_completed', req.actor.id, { outreachId: outreach.id, ...outreach.outcome });
    if (offer?.response === 'accepted') await this.grantConcession(outreach, offer, req.actor.id);
  }

  /** A closing case leaves nobody to act on its outreach: whatever is still open expires. */
  expireAll(at: number): void {
    for (const outreach of this.c.state.outreach) {
      if (!isLiveOutreach(outreach)) continue;
      outreach.status = 'expired';
      this.c.record('outreach_expired', 'system:case-closed', { outreachId: outreach.id }, at);
    }
  }

  private async grantConcession(outreach: Outreach, concession: Concession, actor: string): Promise<void> {
    const { c } = this;
    const { state } = c;
    const event = c.record('concession_granted', actor, {
      outreachId: outreach.id,
      kind: concession.kind,
      valueCents: concession.valueCents,
      approvedBy: outreach.offerRequest?.status === 'approved' ? outreach.offerRequest.decidedBy : null,
    });
    await activities.postAdjustment({
      key: `${state.caseId}:${event.seq}`,
      cardId: state.cardId,
      creditCents: concession.valueCents,
      description: `GOODWILL ${concession.kind.replace('_', ' ').toUpperCase()} ${state.caseId}`,
      at: event.at,
    });
  }
}
