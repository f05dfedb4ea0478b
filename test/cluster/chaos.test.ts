/**
 * The fault suite's short form on a real Temporal cluster (PostgreSQL, services as processes,
 * mTLS): the worker SIGKILLed after an effect and across timers, a history instance SIGKILLed and
 * restarted, the frontend restarted, and PostgreSQL restarted under simulated staff. Nothing lost,
 * nothing doubled, every wait bounded, as on the dev server.
 */
import { runChaos, table } from '../../src/tools/chaos/main';
import { TEST_DATABASE_URL } from '../helpers/db';

(TEST_DATABASE_URL ? test : test.skip)(
  'the faults of a cluster lose and double nothing',
  async () => {
    const result = await runChaos({ short: true, postgresUrl: TEST_DATABASE_URL, cluster: true });
    expect({ problems: result.problems, table: table(result) }).toMatchObject({ problems: [] });
    expect(result.ok).toBe(true);
  },
  900_000,
);
