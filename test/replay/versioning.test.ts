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
import { WATCH_PATCH } from '../../workflows/dispute/attrition';
import { HISTORIES } from '../helpers/disputes';
import { TEST_PAYLOAD_KEYS, testWorkflowBundle } from '../helpers/temporal';

interface Event {
  markerRecordedEventAttributes?: { markerName: string; details: Record<string, { payloads: { data: string }[] }> };
  startChildWorkflowExecutionInitiatedEventAttributes?: { workflowType: { name: string } };
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
  };
}

test('a case recorded before the watch existed and one after both replay on today’s code', async () => {
  expect(changes('straight-resolution.json')).toEqual({ patches: [], children: [] });
  expect(changes('attrition-high.json')).toEqual({
    patches: expect.arrayContaining([WATCH_PATCH]),
    children: ['attritionWatchWorkflow'],
  });
  const lines = await replay(
    [
      ...fromFiles(path.join(HISTORIES, 'straight-resolution.json')),
      ...fromFiles(path.join(HISTORIES, 'attrition-high.json')),
    ],
    { bundlePath: (await testWorkflowBundle()).codePath, dataConverter: dataConverter(TEST_PAYLOAD_KEYS, 'accept') },
  );
  expect(lines.map((l) => [l.source.workflowId, l.ok])).toEqual([
    ['straight-resolution', true],
    ['attrition-high', true],
  ]);
});
