/**
 * `npm run demo` tells Jane's story on the terminal and nothing else: the worker's and the API's
 * JSON log lines go to the file the demo names at the end, and the demo exits 0 only when every
 * step of the story happened.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../src/db/target';

const run = promisify(execFile);

// The demo plays the attrition watch on the time-skipping test server, which sometimes strands a
// run (TEST_SERVER_REFUSAL; the demo names it on its terminal, which a failure here prints). Once in
// CI the demo stalled past the test's limit and passed on every other run: a stalled demo is killed
// and tried once more. A known fault of the server, not a fix.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

test('the demo prints the story, with its log lines in the file it names', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-'));
  const logFile = path.join(dir, 'demo-log.jsonl');
  try {
    // As package.json's "demo" script runs it, after set-up; outside Jest, whose workers log nothing.
    const { JEST_WORKER_ID: _, ...env } = process.env;
    const { stdout, stderr } = await run(
      process.execPath,
      ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', '--import', 'tsx', 'src/tools/demo.ts'],
      { cwd: ROOT, env: { ...env, LOG_FILE: logFile }, maxBuffer: 10_000_000, timeout: 100_000 },
    );
    const lines = `${stdout}${stderr}`.split('\n').filter((line) => line.trim());
    expect(lines.filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    expect(lines.filter((line) => line.includes('✓')).length).toBeGreaterThanOrEqual(10);
    expect(lines).toContain('Every step happened. Histories, database and mail are in .data/demo/.');
    expect(lines.at(-1)).toBe(`The worker's and the API's log lines are in ${logFile}.`);

    const logged = readFileSync(logFile, 'utf8').trim().split('\n');
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(JSON.parse(line)).toHaveProperty('msg');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
