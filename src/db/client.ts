import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from './generated/sqlite/client';
import { prismaTarget } from './target';

/**
 * The app's database client. Both generated clients share one schema, so the SQLite client's
 * type describes the PostgreSQL one too.
 */
export type Db = SqliteClient;

export function createDb(databaseUrl: string | undefined): Db {
  const target = prismaTarget(databaseUrl);
  if (target.provider === 'postgresql') {
    // Loaded lazily: a SQLite deployment need not have generated the PostgreSQL client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaClient } = require('./generated/postgres/client') as typeof import('./generated/postgres/client');
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url }) }) as unknown as Db;
  }
  const file = target.url.replace(/^file:/, '');
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: target.url }) });
}
