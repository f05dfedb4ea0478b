import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from '../../scripts/schema-engine/adapters';

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
  await admin(`CREATE DATABASE "${name}"`);
  return { url: withDatabase(baseUrl, name), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
