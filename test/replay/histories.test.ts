/**
 * Recorded case histories replay on today's workflow code. A failure here means a change would
 * break running cases: put it behind `patched()` instead of re-recording the history.
 * Record new ones with `npm run histories:record`. `resumed-run-v1.json` was recorded by the
 * release before the carried state was versioned: it proves today's code upgrades such a run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { HISTORIES } from '../helpers/disputes';
import { dataConverter } from '../../src/temporal/encryption';
import { TEST_PAYLOAD_KEYS, testWorkflowBundle } from '../helpers/temporal';

const files = readdirSync(HISTORIES)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('every recorded history replays without nondeterminism', async () => {
  expect(files.length).toBeGreaterThanOrEqual(10);
  const histories = files.map((file) => ({
    workflowId: file.replace(/\.json$/, ''),
    history: JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')),
  }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(
    // Histories recorded before payloads were encrypted hold them in clear.
    { workflowBundle: await testWorkflowBundle(), dataConverter: dataConverter(TEST_PAYLOAD_KEYS, 'accept') },
    histories,
  )) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
});
