import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type Database from 'better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient as SqliteClient } from './generated/sqlite/client';
import { withOutageBreaker } from './outage';
import { prismaTarget } from './target';

/**
 * The app's database client. Both generated clients share one schema, so the SQLite client's
 * type describes the PostgreSQL one too.
 */
export type Db = SqliteClient;

/**
 * How long a query waits for a database that does not answer. SQLite waits on a lock it cannot
 * take synchronously, blocking the process, so briefly; WAL mode (set by migrate) keeps that rare.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 500;
export const PG_CONNECT_TIMEOUT_MS = 3_000;
export const PG_QUERY_TIMEOUT_MS = 10_000;
/** How long a database that failed is left alone before it is tried again. */
export const OUTAGE_REST_MS = 2_000;

/**
 * Set on every SQLite connection. In WAL mode (set once, by migrate) NORMAL syncs the log at
 * checkpoints rather than at every commit: a crash of the process loses nothing, a power cut may
 * lose the last commits, never the file's consistency. The commit that costs a disk flush becomes
 * a write to the page cache (see BENCHMARKS.md). Reads go through a memory map of up to 1 GiB and
 * a 64 MiB page cache instead of SQLite's 2 MiB: the figures read a bank's year of cases in one
 * query (about a sixth faster at 100,000 cases, BENCHMARKS.md).
 */
const SQLITE_CONNECTION_PRAGMAS =
  'PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;';

/**
 * Each new SQLite connection, before it is used: runs `script`, and begins transactions with
 * BEGIN IMMEDIATE. The API and the worker write the file from two processes; a deferred
 * transaction that reads before it writes (an upsert does) is refused at once, without waiting,
 * when the other process commits in between, and the outage breaker takes that for a database
 * that is down. IMMEDIATE takes the write lock up front and waits for it (the busy timeout).
 * Prisma's adapter begins deferred transactions and has no option for it, so its statement is
 * rewritten (test/db/sqlite-writers.test.ts catches an adapter that changes). The adapter must
 * never see BEGIN fail (it would keep its transaction lock for good), so when the file stays
 * locked past the busy timeout the transaction begins deferred, as before, and its first write
 * meets the lock.
 */
function configuredSqlite(factory: SqlDriverAdapterFactory, script: string): SqlDriverAdapterFactory {
  return new Proxy(factory, {
    get(target, property, receiver) {
      if (property !== 'connect') return Reflect.get(target, property, receiver);
      return async () => {
        const adapter = await target.connect();
        await adapter.executeScript(script);
        const client = (adapter as unknown as { client: Database.Database }).client;
        const prepare = client.prepare.bind(client);
        const begin = { run: () => beginImmediate(prepare) };
        client.prepare = ((sql: string) => (sql === 'BEGIN' ? begin : prepare(sql))) as typeof prepare;
        return adapter;
      };
    },
  });
}

function beginImmediate(prepare: Database.Database['prepare']): Database.RunResult {
  try {
    return prepare('BEGIN IMMEDIATE').run();
  } catch (error) {
    if (!String((error as { code?: string }).code).startsWith('SQLITE_BUSY')) throw error;
    return prepare('BEGIN').run();
  }
}

type Provider = 'sqlite' | 'postgresql';
// On the client itself (a global symbol), so a second copy of this module reads it too.
const PROVIDER = Symbol.for('proactive-care.db-provider');

/** Which database a client made by `createDb` talks to, for the few queries written in its SQL. */
export function providerOf(db: Db): Provider {
  const provider = (db as unknown as Record<symbol, Provider | undefined>)[PROVIDER];
  if (!provider) throw new Error('providerOf: a client made by createDb, please');
  return provider;
}

function tagged<T extends object>(db: T, provider: Provider): T {
  return Object.defineProperty(db, PROVIDER, { value: provider });
}

export function createDb(databaseUrl: string | undefined): Db {
  const target = prismaTarget(databaseUrl);
  if (target.provider === 'postgresql') {
    // Loaded lazily: a SQLite deployment need not have generated the PostgreSQL client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PrismaClient } = require('./generated/postgres/client') as typeof import('./generated/postgres/client');
    const adapter = new PrismaPg({
      connectionString: target.url,
      connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
      query_timeout: PG_QUERY_TIMEOUT_MS,
    });
    const db = new PrismaClient({ adapter: withOutageBreaker(adapter, { restMs: OUTAGE_REST_MS }) });
    return tagged(db, 'postgresql') as unknown as Db;
  }
  const file = target.url.replace(/^file:/, '');
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const adapter = configuredSqlite(
    new PrismaBetterSqlite3({ url: target.url, timeout: SQLITE_BUSY_TIMEOUT_MS }),
    SQLITE_CONNECTION_PRAGMAS,
  );
  return tagged(new SqliteClient({ adapter: withOutageBreaker(adapter, { restMs: OUTAGE_REST_MS }) }), 'sqlite');
}
