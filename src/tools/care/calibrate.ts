/**
 * Proposes a rule set from the bank's own history: tries the current rules' error rates and a
 * grid around them on the resolved cases with a decided outcome (as `care:backtest` reads them),
 * keeps the one that finds the most leavers at the precision asked for (else the best balance of
 * the two), and writes it as the next rule-set version for a person to review. It never changes
 * the running rules: releasing the proposal is copying it to `workflows/domain/risk-rules/` and
 * adding it to `RULE_SETS`, a code change like any other.
 *
 * `npm run care:calibrate -- [--precision 0.8] [--out .data/risk-rules-proposed.json]`
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CURRENT_RULE_SET, type RuleSet } from '../../../workflows/domain/risk-rules';
import { loadConfig } from '../../config';
import { createDb } from '../../db/client';
import { bankHistory } from './backtest';
import type { Cohort } from './cohort';
import { alertsOver, lookFacts, naiveAlertsFor, score, type Scores } from './evaluate';
import { buildRuleSet, paramsOf, type RuleSetParams } from './rule-set-builder';

export interface Candidate {
  params: RuleSetParams;
  scores: Scores;
}

/** The error rates tried: the current ones scaled, and the wait before a fall counts. */
export interface Grid {
  scales: number[];
  minFallDays: number[];
}
export const GRID: Grid = { scales: [0.2, 0.5, 1, 2, 4], minFallDays: [5, 7, 10] };

function candidates(base: RuleSetParams, grid: Grid): RuleSetParams[] {
  const capped = (alpha: number) => Math.min(0.5, Math.round(alpha * 10_000) / 10_000);
  return grid.scales.flatMap((scale) =>
    grid.minFallDays.map((minFallDays) => ({
      ...base,
      minFallDays,
      falseAlarm: {
        high: capped(base.falseAlarm.high * scale),
        highWithFriction: capped(base.falseAlarm.highWithFriction * scale),
        highAfterChasing: capped(base.falseAlarm.highAfterChasing * scale),
        watch: base.falseAlarm.watch,
      },
    })),
  );
}

/** Scores every candidate on the cohort; the facts of each look are computed once. */
export async function tryCandidates(cohort: Cohort, base: RuleSetParams, grid: Grid = GRID): Promise<Candidate[]> {
  const looks = cohort.customers.map((c) => ({ id: c.id, looks: lookFacts(c) }));
  const tried: Candidate[] = [];
  for (const params of candidates(base, grid)) {
    const ruleSet = buildRuleSet(params);
    const alerts = [];
    for (const { id, looks: l } of looks) alerts.push(...(await alertsOver(id, l, ruleSet)));
    tried.push({ params, scores: score(cohort, alerts) });
  }
  return tried;
}

/** The most leavers found at the precision asked for, then the longest lead; failing that, the best F1. Ties keep `current`. */
export function choose(tried: Candidate[], precision: number, current?: Candidate): Candidate {
  const f1 = ({ scores: s }: Candidate) =>
    s.precision && s.recall ? (2 * s.precision * s.recall) / (s.precision + s.recall) : 0;
  const good = tried.filter((c) => (c.scores.precision ?? 0) >= precision);
  const by = (key: (c: Candidate) => number) => (a: Candidate, b: Candidate) =>
    key(b) - key(a) || (b === current ? 1 : 0) - (a === current ? 1 : 0);
  if (good.length) {
    return [...good].sort(by((c) => (c.scores.recall ?? 0) * 1000 + (c.scores.medianLeadDays ?? 0)))[0];
  }
  return [...tried].sort(by(f1))[0];
}

/** The grid must hold the current rates (scale 1, their wait), so the proposal is compared with them. */
export async function calibrate(cohort: Cohort, current: RuleSet, precision: number, effective: string, grid = GRID) {
  const base = paramsOf(current);
  const tried = await tryCandidates(cohort, base, grid);
  const now = tried.find(
    (c) =>
      JSON.stringify(c.params.falseAlarm) === JSON.stringify(base.falseAlarm) &&
      c.params.minFallDays === base.minFallDays,
  )!;
  const best = choose(tried, precision, now);
  const s = best.scores;
  const proposal = buildRuleSet({
    ...best.params,
    version: current.version + 1,
    effective,
    about:
      `${base.about} Proposed by care:calibrate on ${effective} from ${cohort.customers.length} resolved cases ` +
      `(${s.leavers} lost): precision ${s.precision}, recall ${s.recall}, median lead ${s.medianLeadDays} days ` +
      `against ${now.scores.precision} / ${now.scores.recall} / ${now.scores.medianLeadDays} for v${current.version}. ` +
      'To be reviewed before release.',
  });
  return {
    proposal,
    unchanged: best === now,
    current: now.scores,
    proposed: s,
    naive: score(cohort, cohort.customers.flatMap(naiveAlertsFor)),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      precision: { type: 'string', default: '0.8' },
      out: { type: 'string', default: path.join(process.env.DATA_DIR ?? '.data', 'risk-rules-proposed.json') },
    },
  });
  const precision = Number(values.precision);
  if (!(precision > 0 && precision <= 1)) {
    console.error(
      'usage: npm run care:calibrate -- [--precision 0.8] [--out file.json]; --precision is between 0 and 1',
    );
    process.exit(2);
  }
  const db = createDb(loadConfig().databaseUrl);
  try {
    const { cohort, undecided } = await bankHistory(db);
    if (!cohort.customers.some((c) => c.leftDay !== undefined)) {
      console.log('No resolved case was recorded lost yet: there is nothing to calibrate on.');
      return;
    }
    const effective = new Date().toISOString().slice(0, 10);
    const result = await calibrate(cohort, CURRENT_RULE_SET, precision, effective);
    mkdirSync(path.dirname(values.out), { recursive: true });
    writeFileSync(values.out, `${JSON.stringify(result.proposal, null, 2)}\n`);
    const line = (name: string, s: Scores) =>
      `  ${name.padEnd(14)} precision ${s.precision ?? '–'}, recall ${s.recall ?? '–'}, median lead ${s.medianLeadDays ?? '–'} days`;
    const { errorRates } = result.proposal;
    console.log(
      [
        `Calibrated on ${cohort.customers.length} resolved cases with a decided outcome (${undecided} not yet decided or unknown).`,
        line(`v${CURRENT_RULE_SET.version} (now)`, result.current),
        line(`v${result.proposal.version} proposed`, result.proposed),
        line('naive rule', result.naive),
        result.unchanged
          ? `No rates tried did better on this history than v${CURRENT_RULE_SET.version}'s: the proposal repeats them.`
          : `Proposed false-alarm rates ${JSON.stringify(errorRates!.falseAlarm)}, a fall counts after ${errorRates!.minFallDays} days.`,
        `Written to ${values.out} for review; the running rules are unchanged. To release it, copy it to ` +
          `workflows/domain/risk-rules/v${result.proposal.version}.json and add it to RULE_SETS in workflows/domain/risk-rules/index.ts.`,
      ].join('\n'),
    );
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) void main();
