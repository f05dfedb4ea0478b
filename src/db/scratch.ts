import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { withDatabase } from '../../scripts/schema-engine/adapters';

/**
 * PostgreSQL 15 refuses `DROP DATABASE … WITH (FORCE)` to a role that may not signal every
 * process on the database, and an autovacuum worker (analysing a database just filled) is one:
 * such a worker is done within moments, so the drop is tried again (seen in CI).
 */
const MAY_NOT_SIGNAL = /must be a member of the role whose process is being terminated/;
const DROP_TRIES = 20;

/**
 * Creates an empty PostgreSQL database on the server `baseUrl` names, for a test or a chaos run;
 * `drop` removes it (with whoever is still connected).
 */
export async function emptyPostgres(
  baseUrl: string,
  prefix = 'care_test',
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const drop = async () => {
    for (let tries = 1; ; tries++) {
      try {
        return await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } catch (error) {
        if (tries === DROP_TRIES || !MAY_NOT_SIGNAL.test(String((error as Error).message))) throw error;
        await sleep(250);
      }
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  return { url: withDatabase(baseUrl, name), drop };
}
