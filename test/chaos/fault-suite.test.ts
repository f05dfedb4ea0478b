/**
 * The short form of `npm run chaos`: every fault for a few seconds under simulated staff, on the
 * real stack, then the consistency checker. Nothing lost, nothing doubled, no 5xx for an action
 * the case had taken, every wait bounded, and a customer never counted as told when she was not.
 */
import { runChaos, table } from '../../src/tools/chaos/main';
import { TEST_DATABASE_URL } from '../helpers/db';

const TEN_MINUTES = 600_000;

test(
  'on SQLite',
  async () => {
    const result = await runChaos({ short: true });
    expect({ problems: result.problems, table: table(result) }).toMatchObject({ problems: [] });
    expect(result.ok).toBe(true);
  },
  TEN_MINUTES,
);

(TEST_DATABASE_URL ? test : test.skip)(
  'on PostgreSQL',
  async () => {
    const result = await runChaos({ short: true, postgresUrl: TEST_DATABASE_URL });
    expect({ problems: result.problems, table: table(result) }).toMatchObject({ problems: [] });
    expect(result.ok).toBe(true);
  },
  TEN_MINUTES,
);
