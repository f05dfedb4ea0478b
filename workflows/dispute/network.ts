/**
 * The case's side of the card network (domain/chargeback.ts draws the life of a chargeback).
 * Staff file a chargeback and decide on the merchant's answers; the network's answers arrive
 * through the inbound feed as `networkEvent` Updates; each window is a clock of the case. Filings
 * are made by a coroutine, apart from the staff action, the way the notifier sends messages: a
 * network adapter that is down delays the filing, never the action, and each filing is made once
 * under its key however often the adapter fails. When every chargeback is decided the case is
 * resolved by what the bank kept.
 */
import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import { networkFilings } from '../activity-options';
import {
  FILING_STATUSES,
  isDecided,
  networkOutcome,
  phaseOf,
  type Chargeback,
  type NetworkFiling,
  type NetworkWindow,
} from '../domain/chargeback';
import type { Clock } from '../domain/clocks';
import { applicableCodes, filingDeadline, networkRules, type NetworkRules } from '../domain/network-rules';
import { DAY_MS } from '../domain/time';
import type { FileChargebackRequest, NetworkDecisionRequest, NetworkEventRequest } from '../domain/staff-requests';
import type { DisputeCase } from './case';

/** Cases opened since this patch hold the network's filing limit as a clock and may be written off at intake. */
export const NETWORK_LIFECYCLE_PATCH = 'network-lifecycle';

/** The clock of the time limit for filing a chargeback, started at intake. */
export const FILING_LIMIT_CLOCK = 'network:filing-limit';

const SYSTEM = 'system:network';

export const windowClockId = (chargebackId: string, step: NetworkWindow['step']): string =>
  `network:${chargebackId}:${step}`;

const STEP_LABELS: Record<NetworkWindow['step'], string> = {
  acquirer_response: 'Acquirer response',
  pre_arbitration_filing: 'Pre-arbitration filing',
  pre_arbitration_response: 'Acquirer pre-arbitration response',
  arbitration_filing: 'Arbitration filing',
};

export class NetworkDesk {
  /** A filing is being made: the run must not continue as new under it. */
  busy = false;
  private stopping = false;

  constructor(private readonly c: DisputeCase) {}

  private rules(): NetworkRules {
    const network = this.c.state.context!.network!;
    return networkRules(network.network, network.rulesVersion);
  }

  /**
   * At intake: the time limit of the first code that serves the dispute, as a clock that warns and
   * escalates like an SLA, unless it has passed already. Filing the chargeback meets it.
   */
  startFilingLimit(processedAt: number, cardPresent: boolean): void {
    const { c } = this;
    const network = c.state.context?.network;
    if (!network) return;
    const rules = this.rules();
    const [code] = applicableCodes(rules, c.state.reasonCode, { cardPresent });
    if (!code) return;
    const deadline = filingDeadline(code, { processedAt });
    // A charge disputed after its time limit is the bank's to decide: the case file shows the limit passed.
    if (deadline <= c.now()) return;
    c.clocks.startNetwork({
      id: FILING_LIMIT_CLOCK,
      label: `${networkName(rules)} ${code.code} chargeback filing limit`,
      deadline,
      warnBeforeMs: rules.lifecycle.warnDaysBefore * DAY_MS,
      action: null,
    });
  }

  /** Staff file a chargeback: the case waits on the network, and the desk files it. */
  file(req: FileChargebackRequest): void {
    const { c } = this;
    const { state } = c;
    const chargeback: Chargeback = {
      id: `${state.caseId}-CB${state.chargebacks.length + 1}`,
      code: req.code,
      transactionId: req.transaction.id,
      amountCents: req.amountCents,
      evidence: req.evidence,
      status: 'filing',
      pending: 'chargeback',
      networkCaseId: null,
      filedBy: req.actor.id,
      window: null,
      contestedCents: null,
      wonCents: null,
      refusal: null,
    };
    state.chargebacks.push(chargeback);
    c.record('chargeback_requested', req.actor.id, {
      chargebackId: chargeback.id,
      network: state.context!.network!.network,
      code: req.code,
      transactionId: req.transaction.id,
      amountCents: req.amountCents,
      evidence: req.evidence,
      note: req.note ?? null,
    });
    c.clocks.meet(FILING_LIMIT_CLOCK, c.now());
    if (state.stage === 'investigation') {
      c.clocks.pauseInvestigation(false);
      state.stage = 'awaiting_network';
      c.clocks.startSla('awaiting_network');
    }
    this.showPhase();
  }

  /** The bank's answer to a representment or a declined pre-arbitration. */
  async decide({ actor, chargebackId, decision, evidence, note }: NetworkDecisionRequest): Promise<void> {
    const { c } = this;
    const chargeback = this.of(chargebackId);
    this.closeWindow(chargeback, 'met');
    c.record('chargeback_answered', actor.id, {
      chargebackId,
      decision,
      evidence: evidence ?? [],
      note: note ?? null,
    });
    if (decision === 'accept') {
      this.decided(chargeback, 'lost', uncontested(chargeback));
    } else {
      chargeback.pending = decision;
      if (evidence) chargeback.evidence = [...new Set([...chargeback.evidence, ...evidence])];
    }
    await this.settleWhenDecided();
  }

  /** What the network sent, through the feed. */
  async onEvent({ actor, event }: NetworkEventRequest): Promise<void> {
    const { c } = this;
    const chargeback = this.of(event.chargebackId);
    const lifecycle = this.rules().lifecycle;
    c.record('network_event', actor.id, {
      chargebackId: chargeback.id,
      eventId: event.eventId,
      type: event.type,
      amountCents: event.amountCents ?? null,
      winner: event.winner ?? null,
      evidence: event.evidence ?? [],
      note: event.note ?? null,
    });
    // The network answered a filing before the adapter's reply reached us: it has the filing.
    if (chargeback.pending) this.networkHas(chargeback, chargeback.pending);
    this.closeWindow(chargeback, 'met');
    switch (event.type) {
      case 'accepted':
      case 'pre_arbitration_accepted':
        this.decided(chargeback, 'won', chargeback.amountCents);
        break;
      case 'represented':
        chargeback.status = 'represented';
        chargeback.contestedCents = event.amountCents ?? chargeback.amountCents;
        this.openWindow(chargeback, 'issuer', 'pre_arbitration_filing', lifecycle.preArbitrationFilingDays);
        c.notifier.notify(
          'network_update',
          { step: 'represented', chargebackCents: chargeback.amountCents },
          `${c.state.caseId}:network:${chargeback.id}:represented`,
        );
        await this.tellStaff(
          `The merchant represented chargeback ${chargeback.id}: accept it or file pre-arbitration.`,
        );
        break;
      case 'pre_arbitration_declined':
        chargeback.status = 'pre_arbitration_declined';
        this.openWindow(chargeback, 'issuer', 'arbitration_filing', lifecycle.arbitrationFilingDays);
        await this.tellStaff(
          `The acquirer declined pre-arbitration on ${chargeback.id}: accept it or take it to arbitration.`,
        );
        break;
      case 'ruling':
        if (event.winner === 'issuer') this.decided(chargeback, 'won', chargeback.amountCents);
        else this.decided(chargeback, 'lost', uncontested(chargeback));
        break;
    }
    this.showPhase();
    await this.settleWhenDecided();
  }

  /** The acquirer let its window pass without an answer: the chargeback stands. */
  async acquirerSilent(clock: Clock, at: number): Promise<void> {
    const { c } = this;
    const chargeback = c.state.chargebacks.find((cb) => clock.id.startsWith(`network:${cb.id}:`));
    if (!chargeback || isDecided(chargeback)) return;
    c.record('network_window_passed', SYSTEM, { chargebackId: chargeback.id, window: chargeback.window }, at);
    chargeback.window = null;
    this.decided(chargeback, 'won', chargeback.amountCents);
    await this.settleWhenDecided();
  }

  stop(): void {
    this.stopping = true;
  }

  /** Makes the filings staff asked for, one at a time, until stopped. */
  async run(): Promise<void> {
    const { c } = this;
    const { state } = c;
    const next = () => state.chargebacks.find((cb) => cb.pending !== null);
    for (;;) {
      await condition(() => next() !== undefined || this.stopping);
      // A closed case (withdrawn, say) files nothing more.
      const chargeback = next();
      if (this.stopping || !chargeback) return;
      const filing = chargeback.pending!;
      this.busy = true;
      try {
        const filed = await networkFilings.fileWithNetwork({
          key: `${chargeback.id}:${filing}`,
          caseId: state.caseId,
          chargebackId: chargeback.id,
          filing,
          network: state.context!.network!.network,
          code: chargeback.code,
          transactionId: chargeback.transactionId,
          amountCents: chargeback.amountCents,
          currency: state.currency,
          evidence: chargeback.evidence,
          networkCaseId: chargeback.networkCaseId,
        });
        this.filed(chargeback, filing, filed.networkCaseId);
      } catch (error) {
        if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) throw error;
        await this.refused(chargeback, filing, error.cause.message);
      }
      chargeback.pending = null;
      this.busy = false;
      await c.commit();
    }
  }

  /** The adapter's reply: the network has the filing, under its case number. */
  private filed(chargeback: Chargeback, filing: NetworkFiling, networkCaseId: string): void {
    chargeback.networkCaseId ??= networkCaseId;
    this.c.record('network_filed', SYSTEM, { chargebackId: chargeback.id, filing, networkCaseId });
    // Unless its answer came first, the filing now waits on the acquirer.
    if (chargeback.status === FILING_STATUSES[filing].before) this.networkHas(chargeback, filing);
  }

  /** The network has the filing: its status moves on, the acquirer's window opens, the customer is told. */
  private networkHas(chargeback: Chargeback, filing: NetworkFiling): void {
    const { c } = this;
    const lifecycle = this.rules().lifecycle;
    chargeback.status = FILING_STATUSES[filing].after;
    if (filing === 'chargeback') {
      this.openWindow(chargeback, 'acquirer', 'acquirer_response', lifecycle.acquirerResponseDays);
    } else if (filing === 'pre_arbitration') {
      this.openWindow(chargeback, 'acquirer', 'pre_arbitration_response', lifecycle.preArbitrationResponseDays);
    }
    c.notifier.notify(
      'network_update',
      { step: filing, chargebackCents: chargeback.amountCents, answerBy: chargeback.window?.endsAt ?? null },
      `${c.state.caseId}:network:${chargeback.id}:${filing}`,
    );
    this.showPhase();
  }

  /** The network refused a filing (its time limit, a code it does not take): staff decide again. */
  private async refused(chargeback: Chargeback, filing: NetworkFiling, reason: string): Promise<void> {
    const { c } = this;
    const { state } = c;
    c.record('network_filing_refused', SYSTEM, { chargebackId: chargeback.id, filing, reason });
    if (filing === 'chargeback') {
      chargeback.status = 'refused';
      chargeback.refusal = reason;
    }
    if (state.chargebacks.every(isDecided) && state.stage === 'awaiting_network') {
      c.clocks.endSla('awaiting_network', 'refused');
      state.stage = 'investigation';
      c.clocks.resumeInvestigation();
    }
    this.showPhase();
    await this.tellStaff(`The network refused the ${filing.replace('_', '-')} of ${chargeback.id}: ${reason}`);
  }

  private decided(chargeback: Chargeback, status: 'won' | 'lost', wonCents: number): void {
    chargeback.status = status;
    chargeback.wonCents = wonCents;
    chargeback.window = null;
    this.c.record('chargeback_decided', SYSTEM, { chargebackId: chargeback.id, status, wonCents });
    this.showPhase();
  }

  /** Every chargeback decided: the case is resolved by what the bank kept. */
  private async settleWhenDecided(): Promise<void> {
    const { c } = this;
    const result = networkOutcome(c.state.chargebacks);
    if (!result || c.state.stage !== 'awaiting_network') return;
    const won = c.state.chargebacks.filter((cb) => cb.status === 'won').map((cb) => cb.id);
    await c.resolve(
      result.outcome,
      result.creditCents,
      SYSTEM,
      null,
      won.length
        ? `The card network decided: chargebacks ${won.join(', ')} stand.`
        : 'The card network decided for the merchant.',
    );
  }

  private openWindow(
    chargeback: Chargeback,
    party: NetworkWindow['party'],
    step: NetworkWindow['step'],
    days: number,
  ): void {
    const { c } = this;
    const deadline = c.now() + days * DAY_MS;
    chargeback.window = { party, step, endsAt: new Date(deadline).toISOString() };
    c.clocks.startNetwork({
      id: windowClockId(chargeback.id, step),
      label: `${STEP_LABELS[step]} (${chargeback.id})`,
      deadline,
      // The bank's own windows warn and escalate; the acquirer's silence is the bank's win.
      warnBeforeMs: party === 'issuer' ? this.rules().lifecycle.warnDaysBefore * DAY_MS : null,
      action: party === 'acquirer' ? 'acquirer_silent' : null,
    });
  }

  private closeWindow(chargeback: Chargeback, reason: string): void {
    if (!chargeback.window) return;
    this.c.clocks.end(windowClockId(chargeback.id, chargeback.window.step), reason);
    chargeback.window = null;
  }

  /** The case's network phase: the furthest a live chargeback has gone. */
  private showPhase(): void {
    const order = ['chargeback', 'representment', 'pre_arbitration', 'arbitration'] as const;
    const phases = this.c.state.chargebacks.map((cb) => phaseOf(cb.status)).filter((p) => p !== null);
    const furthest = Math.max(-1, ...phases.map((p) => order.indexOf(p)));
    this.c.state.networkPhase = furthest < 0 ? null : order[furthest];
  }

  private async tellStaff(message: string): Promise<void> {
    const { c } = this;
    const event = c.timeline.at(-1)!;
    await c.alert(event, 'network', `Case ${c.state.caseId}: ${message}`, false);
  }

  private of(chargebackId: string): Chargeback {
    return this.c.state.chargebacks.find((cb) => cb.id === chargebackId)!;
  }
}

/** What the bank keeps of a chargeback it lost: the part the merchant did not contest. */
const uncontested = (cb: Chargeback) => cb.amountCents - (cb.contestedCents ?? cb.amountCents);

const networkName = (rules: NetworkRules) => (rules.network === 'visa' ? 'Visa' : 'Mastercard');
