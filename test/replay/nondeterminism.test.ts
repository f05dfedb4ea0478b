/**
 * Replay catches a change that would break running cases: a temporary copy of the workflows
 * with one activity call changed, bundled as the worker bundles them, fails to replay a recorded
 * history, and the replay names the event where it diverged.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../src/db/target';
import { bundleWorkflows } from '../../src/temporal/bundle';
import { dataConverter } from '../../src/temporal/encryption';
import { fromFiles, replay } from '../../src/tools/replay';
import { HISTORIES } from '../helpers/disputes';
import { TEST_PAYLOAD_KEYS, testWorkflowBundle } from '../helpers/temporal';

// Inside the project, so the copy resolves @temporalio/workflow from its node_modules.
const COPY = path.join(ROOT, '.data', 'test', `workflows-changed-${process.pid}`);
afterAll(() => rmSync(COPY, { recursive: true, force: true }));

const history = fromFiles(path.join(HISTORIES, 'straight-resolution.json'));
const converter = dataConverter(TEST_PAYLOAD_KEYS, 'accept');

test('today’s code replays the history; a copy that calls another activity at intake does not', async () => {
  const [today] = await replay(history, {
    bundlePath: (await testWorkflowBundle()).codePath,
    dataConverter: converter,
  });
  expect(today.ok).toBe(true);

  cpSync(path.join(ROOT, 'workflows'), COPY, { recursive: true });
  const file = path.join(COPY, 'dispute', 'workflow.ts');
  const source = readFileSync(file, 'utf8');
  expect(source).toContain('await activities.loadCaseContext(');
  writeFileSync(file, source.replace('await activities.loadCaseContext(', 'await activities.quietHoursEnd('));
  const bundlePath = path.join(COPY, 'bundle.js');
  writeFileSync(bundlePath, await bundleWorkflows(COPY));

  const [changed] = await replay(history, { bundlePath, dataConverter: converter });
  expect(changed.ok).toBe(false);
  expect(changed.message).toBe(
    "Nondeterminism error: Activity type of scheduled event 'loadCaseContext' does not match activity type of activity command 'quietHoursEnd'",
  );
  // The first event of the history that today's copy cannot produce: loadCaseContext scheduled.
  const events = (
    JSON.parse(readFileSync(path.join(HISTORIES, 'straight-resolution.json'), 'utf8')) as {
      events: { eventId: string; activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[];
    }
  ).events;
  const scheduled = events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'loadCaseContext',
  )!;
  expect(changed.eventId).toBe(Number(scheduled.eventId));
}, 120_000);
