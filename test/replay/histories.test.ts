/**
 * Recorded case histories replay on today's workflow code, through `npm run replay`'s own code.
 * A failure here means a change would break running cases: put it behind `patched()` instead of
 * re-recording the history. Record new ones with `npm run histories:record`. `resumed-run-v1.json`
 * was recorded by the release before the carried state was versioned: it proves today's code
 * upgrades such a run. Most were recorded before payloads were sealed, so they replay as a worker
 * with PAYLOAD_PLAINTEXT=accept would; `sms-delivery` and `notification-failed` are sealed with the
 * test key.
 */
import { dataConverter } from '../../src/temporal/encryption';
import { describeLine, fromFiles, replay } from '../../src/tools/replay';
import { HISTORIES } from '../helpers/disputes';
import { TEST_PAYLOAD_KEYS, testWorkflowBundle } from '../helpers/temporal';

test('every recorded history replays without nondeterminism', async () => {
  const sources = fromFiles(HISTORIES);
  expect(sources.length).toBeGreaterThanOrEqual(10);
  const lines = await replay(sources, {
    bundlePath: (await testWorkflowBundle()).codePath,
    dataConverter: dataConverter(TEST_PAYLOAD_KEYS, 'accept'),
  });
  expect(lines.filter((l) => !l.ok).map(describeLine)).toEqual([]);
  expect(lines).toHaveLength(sources.length);
});
