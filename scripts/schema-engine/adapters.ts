/**
 * Driver adapters for the wasm schema engine, with the work-arounds it needs:
 *
 * - PostgreSQL catalog queries return columns of type `"char"` (oid 18), which adapter-pg
 *   refuses; they are read as text, which is what they are.
 * - adapter-pg splits scripts on every `;`, breaking statements that contain one; migration
 *   scripts run as one multi-statement query instead, as the native engine does.
 * - On SQLite the wasm engine replays migrations into the shadow database as one raw query,
 *   which better-sqlite3 refuses to prepare; a multi-statement query runs as a script.
 * - On SQLite the wasm engine reads `_prisma_migrations` before it has created it, and its
 *   reset leaves tables behind; both are done here with plain SQL instead.
 * - adapter-pg's shadow database connects with the main connection string (which overrides
 *   its `database` setting), so the shadow database gets its own URL here, and it is dropped
 *   when the engine is done even if the engine never disposes of it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

export interface MigrationAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  provider: 'sqlite' | 'postgres';
  /** The SQLite file, when the database is one. */
  sqliteFile?: string;
  /** Releases connections and drops shadow databases left behind. */
  cleanup(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function sqliteFileOf(url: string): string {
  const file = url.replace(/^file:/, '').split('?')[0];
  return path.resolve(file);
}

export function adapterFactoryFor(url: string, shadowDatabaseUrl?: string): MigrationAdapterFactory {
  return isPostgresUrl(url) ? postgresFactory(url, shadowDatabaseUrl) : sqliteFactory(url, shadowDatabaseUrl);
}

const MULTIPLE_STATEMENTS = 'contains more than one statement';

/** Runs a parameterless multi-statement query as a script instead of failing to prepare it. */
function withMultiStatementQueries(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      const message = String(
        (error as { cause?: { originalMessage?: string } }).cause?.originalMessage ?? (error as Error).message,
      );
      if (query.args.length > 0 || !message.includes(MULTIPLE_STATEMENTS)) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

function sqliteFactory(url: string, shadowDatabaseUrl?: string): MigrationAdapterFactory {
  const file = sqliteFileOf(url);
  mkdirSync(path.dirname(file), { recursive: true });
  const inner = new PrismaBetterSqlite3(
    { url: `file:${file}` },
    { shadowDatabaseUrl: shadowDatabaseUrl ?? ':memory:' },
  );
  return {
    provider: 'sqlite',
    adapterName: inner.adapterName,
    sqliteFile: file,
    connect: async () => withMultiStatementQueries(await inner.connect()),
    connectToShadowDb: async () => withMultiStatementQueries(await inner.connectToShadowDb()),
    cleanup: async () => {},
  };
}

/** A pg pool whose results report `"char"` columns as text, so adapter-pg accepts them. */
function catalogTolerantPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  (pool as unknown as { query: (...args: unknown[]) => Promise<pg.QueryResult> }).query = async (...args) => {
    const result = await query(...args);
    for (const field of result.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  return pool;
}

function withWholeScripts(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  adapter.executeScript = async (script: string) => {
    await pool.query(script);
  };
  return adapter;
}

function postgresFactory(url: string, shadowDatabaseUrl?: string): MigrationAdapterFactory {
  const pools: pg.Pool[] = [];
  const shadowDatabases = new Set<string>();

  const connectTo = async (connectionString: string, onDispose?: () => Promise<void>) => {
    const pool = catalogTolerantPool(connectionString);
    pools.push(pool);
    const adapter = await new PrismaPg(pool).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await pool.end().catch(() => {});
      await onDispose?.();
    };
    return withWholeScripts(adapter, pool);
  };

  const dropShadow = async (name: string) => {
    if (!shadowDatabases.delete(name)) return;
    await withAdminClient(url, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  };

  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectTo(url),
    connectToShadowDb: async () => {
      if (shadowDatabaseUrl) return connectTo(shadowDatabaseUrl);
      const name = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, '')}`;
      await withAdminClient(url, (client) => client.query(`CREATE DATABASE "${name}"`));
      shadowDatabases.add(name);
      return connectTo(withDatabase(url, name), () => dropShadow(name));
    },
    cleanup: async () => {
      await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
      for (const name of [...shadowDatabases]) await dropShadow(name);
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Runs `fn` on a client connected to the server's `postgres` maintenance database. */
function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return withClient(withDatabase(url, 'postgres'), fn);
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

class EngineCliError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export async function canConnect(url: string): Promise<void> {
  if (!isPostgresUrl(url)) {
    const file = sqliteFileOf(url);
    try {
      new Database(file, { fileMustExist: true }).close();
    } catch {
      throw new EngineCliError(`Database ${path.basename(file)} does not exist at ${file}`, 'P1003');
    }
    return;
  }
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
  } catch (error) {
    const e = error as { code?: string; message: string };
    // 3D000: invalid_catalog_name, the database does not exist yet.
    if (e.code === '3D000') throw new EngineCliError(`Database \`${databaseName(url)}\` does not exist`, 'P1003');
    throw new EngineCliError(`Can't reach database server: ${e.message}`, 'P1001');
  }
}

export async function createDatabase(url: string): Promise<void> {
  if (!isPostgresUrl(url)) {
    const file = sqliteFileOf(url);
    mkdirSync(path.dirname(file), { recursive: true });
    new Database(file).close();
    return;
  }
  const name = databaseName(url).replace(/"/g, '""');
  await withAdminClient(url, (client) => client.query(`CREATE DATABASE "${name}"`));
}

export async function dropDatabase(url: string): Promise<void> {
  if (!isPostgresUrl(url)) {
    const file = sqliteFileOf(url);
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    return;
  }
  const name = databaseName(url).replace(/"/g, '""');
  await withAdminClient(url, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** The migrations table exactly as Prisma's native SQLite connector creates it. */
const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export function ensureSqliteMigrationsTable(file: string): void {
  const db = new Database(file);
  try {
    db.exec(SQLITE_MIGRATIONS_TABLE);
  } finally {
    db.close();
  }
}

/** Drops every table, view and trigger, which is what `reset` promises. */
export function resetSqlite(file: string): void {
  const db = new Database(file);
  try {
    const objects = db
      .prepare(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%'",
      )
      .all() as { type: string; name: string }[];
    db.pragma('foreign_keys = OFF');
    db.transaction(() => {
      for (const { type, name } of objects)
        db.exec(`DROP ${type.toUpperCase()} IF EXISTS "${name.replace(/"/g, '""')}"`);
    })();
    db.exec('VACUUM');
  } finally {
    db.close();
  }
}
