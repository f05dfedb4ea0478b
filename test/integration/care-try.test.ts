/**
 * `npm run care:try` on a running stack (the real dev server, worker and API, the watch on):
 * it feeds a customer's usage that stopped twelve days ago through the live feed, opens a
 * dispute, and an outreach arrives in the care queue on the watch's first look, within the
 * minute the README promises. Its tokens are revoked when it ends.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '../../src/db/target';
import { SAM } from '../../src/tools/care/try';
import { ApiStack } from '../helpers/api-stack';

const run = promisify(execFile);

let stack: ApiStack;
beforeAll(async () => {
  stack = await ApiStack.start({ taskQueue: 'care-try-test', policy: { attritionWatch: true } });
});
afterAll(() => stack?.stop());

test('care:try shows an outreach arrive on the running stack within a minute', async () => {
  const { JEST_WORKER_ID: _, ...env } = process.env;
  const url = new URL(stack.base);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/tools/care/try.ts'], {
    cwd: ROOT,
    env: { ...env, DATABASE_URL: stack.databaseUrl, API_HOST: url.hostname, API_PORT: url.port },
  });
  expect(stdout).toMatch(/The card processor's feed delivered \d+ transactions of Sam Rivera/);
  expect(stdout).toMatch(/An outreach arrived in the care queue after \d+ s/);
  // The outreach is written before the case's read model takes the risk: wait for the read model.
  const [opened] = await stack.db.case.findMany({ where: { customerId: SAM.customerId } });
  await stack.caughtUp(opened.id);
  const caseRow = await stack.db.case.findUniqueOrThrow({ where: { id: opened.id } });
  expect(caseRow.attritionRisk).toBe('high');
  const outreach = await stack.db.outreachTask.findMany({ where: { caseId: caseRow.id } });
  expect(outreach).toHaveLength(1);
  expect(await stack.db.staffToken.count({ where: { label: 'care-try', revokedAt: null } })).toBe(0);
  // Run again the same day, it finds the same case instead of opening another.
  await run(process.execPath, ['--import', 'tsx', 'src/tools/care/try.ts'], {
    cwd: ROOT,
    env: { ...env, DATABASE_URL: stack.databaseUrl, API_HOST: url.hostname, API_PORT: url.port },
  });
  expect(await stack.db.case.count({ where: { customerId: SAM.customerId } })).toBe(1);
});
