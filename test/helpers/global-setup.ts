import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { prisma } from '../../src/db/migrate';
import { buildInBackground } from '../../src/tools/cluster/server-binaries';
import { SQLITE_TEMPLATE, TEST_DATABASE_URL } from './db';

/** Builds the migrated SQLite template once per run (each test file copies it), and starts the server build. */
export default async function globalSetup(): Promise<void> {
  // The cluster test's server takes minutes to build the first time: begin while the rest runs.
  if (TEST_DATABASE_URL) buildInBackground();
  mkdirSync(path.dirname(SQLITE_TEMPLATE), { recursive: true });
  if (existsSync(SQLITE_TEMPLATE)) rmSync(SQLITE_TEMPLATE);
  await prisma(`file:${SQLITE_TEMPLATE}`, ['migrate', 'deploy']);
  // As migrate() leaves a product database: in WAL mode, which the copies keep.
  const template = new Database(SQLITE_TEMPLATE);
  template.pragma('journal_mode = WAL');
  template.close();
}
