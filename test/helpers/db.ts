import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { emptyPostgres } from '../../src/db/scratch';
import { ROOT } from '../../src/db/target';

/** A migrated, empty SQLite file built once per run by global-setup.ts. */
export const SQLITE_TEMPLATE = path.join(ROOT, '.data', 'test', 'template.db');

export function tempDir(prefix = 'care-test-'): string {
  mkdirSync(os.tmpdir(), { recursive: true });
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh, migrated SQLite database of its own for one test file. */
export function migratedSqlite(): { url: string; db: Db } {
  const file = path.join(tempDir(), 'test.db');
  copyFileSync(SQLITE_TEMPLATE, file);
  const url = `file:${file}`;
  return { url, db: createDb(url) };
}

export { emptyPostgres };

/** The PostgreSQL server under test, or undefined when TEST_DATABASE_URL is not set. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** Runs `check` on a fresh SQLite database, and on a fresh PostgreSQL one when TEST_DATABASE_URL is set. */
export function testOnBothDatabases(check: (db: Db) => Promise<void>): void {
  test('on SQLite', async () => {
    const { db } = migratedSqlite();
    await check(db);
    await db.$disconnect();
  });

  (TEST_DATABASE_URL ? test : test.skip)('on PostgreSQL', async () => {
    const { url, drop } = await emptyPostgres(TEST_DATABASE_URL!);
    const db = createDb(url);
    try {
      await migrate(db, url);
      await check(db);
    } finally {
      await db.$disconnect();
      await drop();
    }
  });
}
