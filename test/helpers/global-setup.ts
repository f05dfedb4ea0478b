import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { prisma } from '../../src/db/migrate';
import { SQLITE_TEMPLATE } from './db';

/** Builds the migrated SQLite template once per run: each test file copies it. */
export default async function globalSetup(): Promise<void> {
  mkdirSync(path.dirname(SQLITE_TEMPLATE), { recursive: true });
  if (existsSync(SQLITE_TEMPLATE)) rmSync(SQLITE_TEMPLATE);
  await prisma(`file:${SQLITE_TEMPLATE}`, ['migrate', 'deploy']);
}
