/**
 * The attrition watch, one per case (id `attrition-watch-<caseId>`), started by the dispute at
 * intake and left running when the dispute closes or continues as new. Every poll it reads the
 * customer's usage facts through an activity and judges them with the risk rules; each change
 * of level goes to the dispute by its workflow id. After the resolution it keeps watching for a
 * while, then says whether the customer stayed.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { watchActivities as activities } from '../activity-options';
import { attritionRiskSignal } from '../dispute/messages';
import { assessRisk, RULE_SET_V1 } from '../domain/risk-rules';
import { DAY_MS, HOUR_MS } from '../domain/time';
import { AttritionRisk } from '../search-attributes';
import {
  BOUND_SIGNALS_PATCH,
  disputeProgressSignal,
  RISK_IN_ACTIVITY_PATCH,
  getWatchQuery,
  type DisputeProgress,
  type RiskReport,
  type WatchInput,
  type WatchView,
} from './messages';
import type { RetentionOutcome } from '../domain/care';

/** A run hands over to a new one after this many polls, so its history stays small. */
const POLLS_PER_RUN = 60;

/** What the watch carries across continue-as-new. */
export interface WatchState {
  schemaVersion: 2;
  progress: DisputeProgress;
  /** The case's version when it sent the progress the watch took: older or copied progress is dropped. */
  progressVersion: number;
  latest: RiskReport | null;
  polls: number;
}

/** Version 1: before progress was bound to its case and numbered. */
type WatchStateV1 = Omit<WatchState, 'schemaVersion' | 'progressVersion'> & { schemaVersion: 1 };

export interface WatchRun extends WatchInput {
  resume?: WatchState | WatchStateV1;
}

function resumeWatch(carried: WatchState | WatchStateV1): WatchState {
  return carried.schemaVersion === 2 ? carried : { ...carried, schemaVersion: 2, progressVersion: 0 };
}

export async function attritionWatchWorkflow(run: WatchRun): Promise<WatchView> {
  const state: WatchState = run.resume
    ? resumeWatch(run.resume)
    : {
        schemaVersion: 2,
        progress: run.progress ?? { resolvedAt: null, closed: false, slaBreaches: 0, customerContacts: 0 },
        progressVersion: 0,
        latest: null,
        polls: 0,
      };
  let outcome: RetentionOutcome | null = null;
  let heard = 0;
  setHandler(disputeProgressSignal, ({ caseId, version, ...progress }) => {
    const taken =
      caseId === undefined
        ? !patched(BOUND_SIGNALS_PATCH)
        : caseId === run.caseId && typeof version === 'number' && version > state.progressVersion;
    if (!taken) {
      log.warn(`Dropped progress that is not the latest from case ${run.caseId}`);
      return;
    }
    state.progress = progress;
    if (version !== undefined) state.progressVersion = version;
    heard += 1;
  });
  const view = (): WatchView => ({
    caseId: run.caseId,
    level: state.latest?.level ?? 'none',
    latest: state.latest,
    progress: state.progress,
    outcome,
    polls: state.polls,
  });
  setHandler(getWatchQuery, view);

  const settings = await activities.watchSettings();
  const pollMs = settings.pollHours * HOUR_MS;
  const polledAtStart = state.polls;
  for (;;) {
    await assess(run, state);
    const { resolvedAt } = state.progress;
    const observedUntil = resolvedAt ? Date.parse(resolvedAt) + settings.observeDays * DAY_MS : null;
    if (observedUntil !== null && Date.now() >= observedUntil) break;

    const seen = heard;
    const nextPoll = Math.min(pollMs, observedUntil === null ? pollMs : observedUntil - Date.now());
    await condition(() => heard !== seen, nextPoll, { summary: 'Next look at the customer’s card usage' });

    if (workflowInfo().continueAsNewSuggested || state.polls - polledAtStart >= POLLS_PER_RUN) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof attritionWatchWorkflow>({ ...run, resume: state });
    }
  }

  outcome = await activities.settleRetention({
    caseId: run.caseId,
    customerId: run.customerId,
    openedAt: run.openedAt,
    progress: state.progress,
    asOf: new Date().toISOString(),
  });
  setCurrentDetails(details(state, outcome));
  return view();
}

/** One look at the customer: the activity reads the facts and judges them with the worker's rule set. */
async function assess(run: WatchRun, state: WatchState): Promise<void> {
  const assessedAt = new Date().toISOString();
  const query = { customerId: run.customerId, openedAt: run.openedAt, progress: state.progress, asOf: assessedAt };
  let report: RiskReport;
  if (patched(RISK_IN_ACTIVITY_PATCH)) {
    const { ruleSet, ...risk } = await activities.assessAttritionRisk(query);
    report = { caseId: run.caseId, ruleSet, ...risk, assessedAt };
  } else {
    // As recorded before the patch: the facts from the activity, judged here by the first rule set.
    const facts = await activities.usageRiskFacts(query);
    const risk = facts
      ? await assessRisk(facts, RULE_SET_V1)
      : { level: 'none' as const, recommendation: null, rules: [] };
    report = { caseId: run.caseId, ...risk, facts, assessedAt };
  }
  const changed = report.level !== (state.latest?.level ?? 'none');
  state.latest = report;
  state.polls += 1;
  if (changed) {
    upsertSearchAttributes([{ key: AttritionRisk, value: report.level }]);
    // A closed dispute has nobody left to tell; the read model keeps what it was told.
    if (!state.progress.closed) await tellDispute(run, report);
  }
  setCurrentDetails(details(state, null));
}

async function tellDispute(run: WatchRun, report: RiskReport): Promise<void> {
  try {
    await getExternalWorkflowHandle(run.disputeWorkflowId).signal(attritionRiskSignal, report);
  } catch {
    // The dispute finished between its last word and ours.
  }
}

/** The watch as the Temporal UI shows it: baseline, recent usage, risk and the rules behind it. */
function details(state: WatchState, outcome: RetentionOutcome | null): string {
  const latest = state.latest;
  const f = latest?.facts;
  const lines = [
    `**Attrition risk:** ${latest?.level ?? 'none'}${latest?.recommendation ? ` (${latest.recommendation})` : ''}` +
      (latest?.ruleSet ? `, rule set v${latest.ruleSet}` : ''),
    f
      ? `**Usage:** ${f.recentCount} transactions in the last 14 days, ${f.recentExpected} expected ` +
        `(baseline ${f.baselinePerWeek} a week); ${f.daysSinceLastTransaction} days since the last; ${f.shape}`
      : '**Usage:** no baseline yet (under four weeks of history before the dispute)',
    `**Dispute:** ${state.progress.closed ? 'closed' : state.progress.resolvedAt ? `resolved ${state.progress.resolvedAt}` : 'open'}` +
      `, ${state.progress.slaBreaches} SLA breaches, ${state.progress.customerContacts} customer contacts`,
  ];
  if (outcome) lines.push(`**Retention:** ${outcome}`);
  const rules = latest?.rules ?? [];
  if (rules.length) lines.push('', ...rules.map((r) => `- ${r.level}: ${r.name}`));
  lines.push('', `Last looked ${latest?.assessedAt ?? 'never'}, ${state.polls} looks so far.`);
  return lines.join('  \n');
}
