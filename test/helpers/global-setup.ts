import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { prisma } from '../../src/db/migrate';
import { SQLITE_TEMPLATE } from './db';

/** Builds the migrated SQLite template once per run: each test file copies it. */
export default async function globalSetup(): Promise<void> {
  mkdirSync(path.dirname(SQLITE_TEMPLATE), { recursive: true });
  if (existsSync(SQLITE_TEMPLATE)) rmSync(SQLITE_TEMPLATE);
  await prisma(`file:${SQLITE_TEMPLATE}`, ['migrate', 'deploy']);
  // As migrate() leaves a product database: in WAL mode, which the copies keep.
  const template = new Database(SQLITE_TEMPLATE);
  template.pragma('journal_mode = WAL');
  template.close();
}
