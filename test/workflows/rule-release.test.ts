/**
 * A new attrition rule set is a release that running watches take safely: each look judges in
 * an activity with the rule set the worker runs, so a watch takes the new rules at its next look,
 * the looks before keep the version they were made with, and the history replays whatever the
 * rules are now (the decision is recorded, not made again). Here the worker's rule set is swapped
 * under a running watch, as a deploy would.
 */
import { attritionWatchWorkflowId, getWatchQuery } from '../../workflows/attrition-watch/messages';
import { CURRENT_RULE_SET, type RuleSet } from '../../workflows/domain/risk-rules';
import { DAY_MS } from '../../workflows/domain/time';
import { DisputeBench } from '../helpers/disputes';

// See attrition-watch.test.ts: the time-skipping server sometimes strands a run.
jest.retryTimes(6, { logErrorsBeforeRetry: true });
jest.setTimeout(45_000);

/** A release that watches everyone, so its looks are told apart from the current rules'. */
const NEXT: RuleSet = {
  version: CURRENT_RULE_SET.version + 1,
  effective: '2027-01-01',
  about: 'A test release: every customer is watched.',
  rules: [
    {
      name: 'every customer is watched (test release)',
      conditions: { all: [{ fact: 'disputeOpen', operator: 'equal', value: true }] },
      event: { type: 'attrition-risk', params: { level: 'watch', recommendation: 'status_update' } },
    },
  ],
};

let bench: DisputeBench;
let released = CURRENT_RULE_SET;
beforeEach(async () => {
  released = CURRENT_RULE_SET;
  bench = await DisputeBench.start({ policy: { attritionWatch: true }, ruleSet: () => released });
});
afterEach(() => bench?.stop());

test('a running watch takes a new rule set at its next look; the looks before keep theirs', async () => {
  const customer = await bench.newCustomer('steady');
  const { caseId, handle } = await bench.open({ customer });
  const watch = bench.env.client.workflow.getHandle(attritionWatchWorkflowId(caseId));
  await bench.env.sleep(2 * DAY_MS);
  expect((await watch.query(getWatchQuery)).latest).toMatchObject({ level: 'none', ruleSet: CURRENT_RULE_SET.version });

  released = NEXT;
  await bench.env.sleep(DAY_MS);
  expect((await watch.query(getWatchQuery)).latest).toMatchObject({ level: 'watch', ruleSet: NEXT.version });
  await bench.settled(caseId, handle);
  const changes = (await bench.auditLog(caseId)).filter((e) => e.type === 'attrition_risk_changed');
  expect(changes.map((e) => [e.data.to, e.data.ruleSet])).toEqual([['watch', NEXT.version]]);
});
