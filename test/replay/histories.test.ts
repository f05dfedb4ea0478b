/**
 * Recorded case histories replay on today's workflow code, through `npm run replay`'s own code.
 * A failure here means a change would break running cases: put it behind `patched()` instead of
 * re-recording the history. Record new ones with `npm run histories:record`. `resumed-run-v1.json`
 * was recorded by the release before the carried state was versioned: it proves today's code
 * upgrades such a run. Most were recorded before payloads were sealed, so they replay as a worker
 * with PAYLOAD_PLAINTEXT=accept would; `sms-delivery` and `notification-failed` are sealed with the
 * test key.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../../src/db/target';
import { dataConverter, newKeyEntry, parsePayloadKeys } from '../../src/temporal/encryption';
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

test('a history whose payloads cannot be opened here is reported as that, not as nondeterminism', async () => {
  const sources = fromFiles(HISTORIES).filter((s) => ['sms-delivery', 'straight-resolution'].includes(s.workflowId));
  const elsewhere = parsePayloadKeys(newKeyEntry(), 'another bank');
  const lines = await replay(sources, {
    bundlePath: (await testWorkflowBundle()).codePath,
    dataConverter: dataConverter(elsewhere, 'refuse', 'mark'),
    access: { keys: elsewhere, plaintext: 'refuse' },
  });
  expect(lines.map(describeLine)).toEqual([
    expect.stringMatching(/^SKIP {2}sms-delivery .*: sealed with key test, which is not among the keys loaded/),
    expect.stringMatching(/^SKIP {2}straight-resolution .*: \d+ payloads are in clear, .*PAYLOAD_PLAINTEXT=accept/),
  ]);
});

test('the README’s replay command replays every recorded history, quietly', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/tools/replay.ts', 'test/histories'],
    {
      cwd: ROOT,
      env: { ...process.env, PAYLOAD_KEY_FILE: 'test/histories/payload-keys', PAYLOAD_PLAINTEXT: 'accept' },
    },
  );
  const count = fromFiles(HISTORIES).length;
  expect(stdout).toContain(`${count} histories replayed: ${count} ok, 0 failed.`);
  expect(stdout.split('\n').filter((line) => line.trim()).length).toBe(count + 1);
  expect(stderr).toBe('');
}, 120_000);
