/**
 * Changing the workflows while cases run: the attrition watch came after the first cases, behind
 * `patched(WATCH_PATCH)`. A history recorded before it (no patch marker, no child) and one after
 * it (the marker, then the watch started) both replay on today's code: the old case goes on
 * without a watch, the new one with it. The README's rule says when a change needs this.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dataConverter } from '../../src/temporal/encryption';
import { fromFiles, replay } from '../../src/tools/replay';
import { RISK_IN_ACTIVITY_PATCH } from '../../workflows/attrition-watch/messages';
import { WATCH_PATCH } from '../../workflows/dispute/attrition';
import { CURRENT_RULE_SET, RULE_SET_V1 } from '../../workflows/domain/risk-rules';
import { HISTORIES } from '../helpers/disputes';
import { TEST_PAYLOAD_KEYS, testWorkflowBundle } from '../helpers/temporal';

interface Event {
  markerRecordedEventAttributes?: { markerName: string; details: Record<string, { payloads: { data: string }[] }> };
  startChildWorkflowExecutionInitiatedEventAttributes?: { workflowType: { name: string } };
  activityTaskScheduledEventAttributes?: { activityType: { name: string } };
}

function changes(file: string) {
  const { events } = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')) as { events: Event[] };
  return {
    patches: events
      .map((e) => e.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === 'core_patch')
      .map(
        (m) =>
          (JSON.parse(Buffer.from(m!.details['patch-data'].payloads[0].data, 'base64').toString()) as { id: string })
            .id,
      ),
    children: events
      .map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType.name)
      .filter(Boolean),
    activities: new Set(events.map((e) => e.activityTaskScheduledEventAttributes?.activityType.name).filter(Boolean)),
  };
}

const replayAll = async (...files: string[]) =>
  (
    await replay(
      files.flatMap((file) => fromFiles(path.join(HISTORIES, file))),
      { bundlePath: (await testWorkflowBundle()).codePath, dataConverter: dataConverter(TEST_PAYLOAD_KEYS, 'accept') },
    )
  ).map((l) => [l.source.workflowId, l.ok]);

test('a case recorded before the watch existed and one after both replay on today’s code', async () => {
  expect(changes('straight-resolution.json')).toMatchObject({ patches: [], children: [] });
  expect(changes('attrition-high.json')).toMatchObject({
    patches: expect.arrayContaining([WATCH_PATCH]),
    children: ['attritionWatchWorkflow'],
  });
  expect(await replayAll('straight-resolution.json', 'attrition-high.json')).toEqual([
    ['straight-resolution', true],
    ['attrition-high', true],
  ]);
});

test('a watch recorded with rule set 1 judged in workflow code, and one judged in an activity, both replay on today’s code', async () => {
  // Recorded before the rules moved: the facts from an activity, the judgement in workflow code.
  const before = changes('attrition-watch-high.json');
  expect(before.patches).not.toContain(RISK_IN_ACTIVITY_PATCH);
  expect([...before.activities]).toContain('usageRiskFacts');
  // Recorded after: each look is one activity whose answer, rule-set version included, is history.
  const after = changes('attrition-watch-stop.json');
  expect(after.patches).toContain(RISK_IN_ACTIVITY_PATCH);
  expect([...after.activities]).toContain('assessAttritionRisk');
  expect([...after.activities]).not.toContain('usageRiskFacts');
  // Today's rules are not version 1, which judged the first: both replay all the same.
  expect(CURRENT_RULE_SET.version).toBeGreaterThan(RULE_SET_V1.version);
  expect(await replayAll('attrition-watch-high.json', 'attrition-watch-stop.json')).toEqual([
    [expect.stringMatching(/^attrition-watch-/), true],
    [expect.stringMatching(/^attrition-watch-/), true],
  ]);
});
