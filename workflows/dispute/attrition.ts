/**
 * The dispute's side of the attrition watch: it starts the watch, tells it how the case is
 * going, and takes its word on the customer's risk. Parent and child talk by workflow id, so
 * either may continue as new, and the watch outlives the case to see whether the customer stayed.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { getExternalWorkflowHandle, log, patched, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import {
  attritionWatchWorkflowId,
  BOUND_SIGNALS_PATCH,
  disputeProgressSignal,
  type DisputeProgress,
  type RiskReport,
} from '../attrition-watch/messages';
import { attritionWatchWorkflow } from '../attrition-watch/workflow';
import { AttritionRisk, CaseId, CustomerId } from '../search-attributes';
import type { DisputeCase } from './case';
import { attritionRiskSignal } from './messages';
import { OUTREACH_PATCH } from './outreach';

/** Cases started before this code have no watch; `patched` keeps their histories replaying. */
export const WATCH_PATCH = 'attrition-watch';
/**
 * Since this patch the watch starts knowing the case's progress. Before, the case committed
 * after starting it, which wrote an unchanged read model again and told the watch what it knew.
 */
export const WATCH_KNOWS_PROGRESS_PATCH = 'watch-knows-progress';

/** The case's link to its attrition watch, held by the case like its clocks and notifier. */
export class AttritionWatchLink {
  constructor(private readonly c: DisputeCase) {}

  async start(): Promise<void> {
    const { state } = this.c;
    const told = patched(WATCH_KNOWS_PROGRESS_PATCH);
    const progress = this.progress();
    try {
      await startChild(attritionWatchWorkflow, {
        workflowId: attritionWatchWorkflowId(state.caseId),
        args: [
          {
            caseId: state.caseId,
            customerId: state.customerId,
            disputeWorkflowId: workflowInfo().workflowId,
            openedAt: state.openedAt,
            ...(told ? { progress } : {}),
          },
        ],
        // The watch must outlive this run (continue-as-new) and the case itself, to see whether
        // the customer stayed: it is abandoned, not cancelled, when its parent closes.
        parentClosePolicy: 'ABANDON',
        typedSearchAttributes: [
          { key: CaseId, value: state.caseId },
          { key: CustomerId, value: state.customerId },
          { key: AttritionRisk, value: 'none' },
        ],
        staticSummary: `Attrition watch for dispute ${state.caseId}`,
      });
      // It knows the progress it started with; nothing to tell it until that changes.
      if (told) state.progressSent = JSON.stringify(progress);
    } catch (error) {
      // A watch of this case runs already: the one we would have started (told at the next commit).
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    state.watching = true;
  }

  /** Whether the case commits after starting its watch: runs from before the watch knew its progress did. */
  commitsAfterStart(): boolean {
    return !patched(WATCH_KNOWS_PROGRESS_PATCH);
  }

  /**
   * Each change of the watch's level is recorded and shown; a closed case takes no more. Reaching
   * `high` while the case is open starts an episode of risk, and with it a care outreach.
   */
  handleRiskReports(): void {
    const { c } = this;
    setHandler(attritionRiskSignal, async (report) => {
      const { state } = c;
      if (!this.takesReport(report)) {
        log.warn(`Dropped a risk report that is not the latest for case ${state.caseId}`);
        return;
      }
      state.riskAssessedAt = report.assessedAt;
      if (c.isClosed() || report.level === state.attritionRisk) return;
      c.record('attrition_risk_changed', 'system:attrition-watch', {
        from: state.attritionRisk,
        to: report.level,
        recommendation: report.recommendation,
        rules: report.rules.map((r) => r.name),
        ...(report.ruleSet === undefined ? {} : { ruleSet: report.ruleSet }),
        facts: report.facts,
        assessedAt: report.assessedAt,
      });
      state.attritionRisk = report.level;
      if (report.level === 'high' && patched(OUTREACH_PATCH)) await c.care.open(report);
      await c.commit();
    });
  }

  /** Tells the watch of what changed in the case that it weighs: the resolution, breaches, contacts. */
  tell(): void {
    const { state } = this.c;
    if (!state.watching) return;
    const progress = this.progress();
    const json = JSON.stringify(progress);
    if (json === state.progressSent) return;
    state.progressSent = json;
    const watch = getExternalWorkflowHandle(attritionWatchWorkflowId(state.caseId));
    // The watch may have finished already (a reopened case long after); nothing is lost then.
    const report = { ...progress, caseId: state.caseId, version: state.version };
    void watch.signal(disputeProgressSignal, report).catch(() => undefined);
  }

  /** A report about this case, newer than the last one taken; unbound only in histories from before the patch. */
  private takesReport(report: RiskReport): boolean {
    const { state } = this.c;
    if (report.caseId === undefined) return !patched(BOUND_SIGNALS_PATCH);
    const newer = state.riskAssessedAt === null || report.assessedAt > state.riskAssessedAt;
    return report.caseId === state.caseId && newer;
  }

  private progress(): DisputeProgress {
    const { state } = this.c;
    return {
      resolvedAt: state.resolution?.at ?? null,
      closed: state.stage === 'closed',
      slaBreaches: state.clocks.filter((clock) => clock.kind === 'sla' && clock.breachedAt !== null).length,
      customerContacts: state.customerContacts,
    };
  }
}
