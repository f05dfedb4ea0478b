/**
 * The dispute process, one workflow per case (id `dispute-<caseId>`): intake routes the case and
 * starts its clocks; then it waits for staff actions and fires its clocks until it closes, after
 * the reopen window or at once on a withdrawal. Long cases continue as new with bounded state.
 */
import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { activities } from '../activity-options';
import { WATCH_PATCH } from './attrition';
import { DisputeCase } from './case';
import type { WakeUp } from './clocks';
import type { CaseView, DisputeWorkflow } from './messages';
import { handleCustomerActions } from './customer-actions';
import { handleStaffActions } from './staff-actions';
import { NETWORK_LIFECYCLE_PATCH } from './network';
import { STEADY_WAKE_PATCH, WakeTimer } from './wake-timer';
import { newCase, resumeCase, type DisputeRun } from './state';

export async function disputeWorkflow(run: DisputeRun): Promise<CaseView> {
  const c = new DisputeCase(run.resume ? resumeCase(run.resume) : newCase(run, workflowInfo().startTime));
  handleStaffActions(c);
  handleCustomerActions(c);
  c.watch.handleRiskReports();
  if (run.resume) c.publish();
  else await intake(c);
  const watched = c.state.context?.policy.attritionWatch !== false;
  if (watched && !c.state.watching && !c.isClosed() && patched(WATCH_PATCH)) {
    await c.watch.start();
    if (c.watch.commitsAfterStart()) await c.commit();
  }
  const notifying = c.notifier.run();
  const filing = c.network.run();
  const timer = new WakeTimer();

  while (!c.isClosed()) {
    await actionOrWakeUp(c, timer);
    if (c.isClosed()) break;

    let changed = false;
    for (const due of c.clocks.dueEvents()) {
      await c.clocks.fire(due);
      changed = true;
    }
    await c.notifier.releaseScheduled();
    if (await c.bookHeldReversal()) changed = true;
    const windowEnd = reopenWindowEnded(c);
    if (windowEnd !== null) {
      c.close('system:reopen-window', windowEnd);
      changed = true;
    }
    if (changed) await c.commit();

    if (workflowInfo().continueAsNewSuggested && !c.isClosed()) await continueAsNewWhenIdle(c, run);
  }

  timer.stop();
  // Messages about the closing (a withdrawal, say) still go out; nothing is sent after that.
  c.notifier.stop();
  c.network.stop();
  await Promise.all([notifying, filing]);
  await condition(allHandlersFinished);
  await c.synced();
  return c.view();
}
// Callers start it by its public signature; the run's own argument only adds what it carries over.
disputeWorkflow satisfies DisputeWorkflow;

/** Opens the case: loads what it is held to, starts the regulatory clocks, routes it, tells the customer. */
async function intake(c: DisputeCase): Promise<void> {
  const { state } = c;
  c.record('opened', state.openedBy, {
    amountCents: state.amountCents,
    currency: state.currency,
    reasonCode: state.reasonCode,
  });
  const context = await activities.loadCaseContext({
    caseId: state.caseId,
    customerId: state.customerId,
    cardId: state.cardId,
    transactionId: state.transactionId,
    reasonCode: state.reasonCode,
    amountCents: state.amountCents,
    openedAt: state.openedAt,
  });
  state.context = context;
  c.clocks.startRegulatory(context, Date.parse(state.openedAt));
  c.record('regulatory_clocks_started', 'system:regulation', {
    clocks: c.clocks.views().map(({ id, label, deadline }) => ({ id, label, deadline })),
  });
  const { route } = context;
  c.record('routed', 'system:routing', {
    from: state.departmentId,
    to: route.departmentId,
    ruleId: route.ruleId,
    rule: route.description,
  });
  state.departmentId = route.departmentId;
  state.stage = 'investigation';
  c.clocks.startSla('investigation');
  const lifecycle = patched(NETWORK_LIFECYCLE_PATCH);
  if (lifecycle) {
    const network = context.network;
    if (network?.processedAt) c.network.startFilingLimit(Date.parse(network.processedAt), network.cardPresent ?? false);
  }
  c.notifier.notifyAcknowledgement(`${state.caseId}:acknowledgement`);
  // Too small to charge back: refunded at once, by the rule that says so.
  if (lifecycle && context.writeOff) await writeOff(c, context.writeOff);
  await c.commit();
}

/** Settles the dispute in the customer's favour at intake, without a network filing, and says by which rule. */
async function writeOff(c: DisputeCase, rule: { ruleId: number; description: string }): Promise<void> {
  const { state } = c;
  c.record('written_off', 'system:write-off', {
    ruleId: rule.ruleId,
    rule: rule.description,
    amountCents: state.amountCents,
  });
  await c.resolve(
    'write_off',
    state.amountCents,
    'system:write-off',
    null,
    `Written off by rule ${rule.ruleId}: ${rule.description}`,
  );
}

/** When a resolved case's reopen window ended, if it has. */
function reopenWindowEnded(c: DisputeCase): number | null {
  const { stage, reopenUntil } = c.state;
  if (stage !== 'resolved' || !reopenUntil) return null;
  const end = Date.parse(reopenUntil);
  return c.now() >= end ? end : null;
}

/**
 * Hands the case to a new run, so its history stays bounded. Idle first: no handler running, no
 * message being sent and the read model written; an update may slip in while we wait for the
 * write, so check again before leaving.
 */
async function continueAsNewWhenIdle(c: DisputeCase, run: DisputeRun): Promise<never> {
  const idle = () => allHandlersFinished() && !c.notifier.busy && !c.network.busy;
  do {
    await condition(idle);
    await c.synced();
  } while (!idle());
  return continueAsNew<typeof disputeWorkflow>({ ...run, resume: c.state });
}

/** Waits for a staff action, or until the case must do something by itself. */
function actionOrWakeUp(c: DisputeCase, timer: WakeTimer): Promise<unknown> {
  const seen = c.state.version;
  const changed = () => c.state.version !== seen || c.isClosed();
  const wake = nextWakeUp(c);
  if (patched(STEADY_WAKE_PATCH)) {
    timer.arm(wake, c.now());
    return condition(() => changed() || timer.rang);
  }
  return wake ? condition(changed, Math.max(0, wake.at - c.now()), { summary: wake.summary }) : condition(changed);
}

/** The earliest thing the case must do by itself: a clock, the end of the reopen window, a message due. */
function nextWakeUp(c: DisputeCase): WakeUp | null {
  const wakes = c.clocks.wakeUps();
  const { reopenUntil } = c.state;
  if (reopenUntil) wakes.push({ at: Date.parse(reopenUntil), summary: 'Reopen window ends: close the case' });
  wakes.push(...c.notifier.wakeUps());
  const reversal = c.reversalDueAt();
  if (reversal !== null) wakes.push({ at: reversal, summary: 'Take back the provisional credit, the customer told' });
  return wakes.sort((a, b) => a.at - b.at)[0] ?? null;
}
