import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Db } from './client';
import { prismaTarget, ROOT } from './target';

export const PRISMA_CLI = path.join(ROOT, 'node_modules', 'prisma', 'build', 'index.js');
const WASM_ENGINE = path.join(ROOT, 'scripts', 'schema-engine', 'schema-engine');

/**
 * The environment for the Prisma CLI: its migrate commands need a schema engine, and the
 * native one cannot be downloaded here, so the wasm engine serves unless one is configured.
 */
export function prismaCliEnv(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    DATABASE_URL: databaseUrl,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    PRISMA_SCHEMA_ENGINE_BINARY: env.PRISMA_SCHEMA_ENGINE_BINARY || WASM_ENGINE,
  };
}

/** Runs a Prisma CLI command against the database; rejects with the CLI's output on failure. */
export async function prisma(databaseUrl: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [PRISMA_CLI, ...args], {
      cwd: ROOT,
      env: prismaCliEnv(databaseUrl),
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`prisma ${args.join(' ')} failed:\n${e.stderr || e.stdout || e.message}`, { cause: error });
  }
}

/** Migration folders not yet applied to the database (all of them when it has no history). */
export async function pendingMigrations(db: Db, databaseUrl: string): Promise<string[]> {
  const dir = prismaTarget(databaseUrl).migrations;
  const onDisk = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  let applied: string[] = [];
  try {
    const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    applied = rows.map((r) => r.migration_name);
  } catch {
    // No migrations table yet: a new database.
  }
  return onDisk.filter((name) => !applied.includes(name));
}

/**
 * Applies pending migrations with `prisma migrate deploy`. Skips the CLI entirely when the
 * database is current, which keeps a second `npm start` fast.
 */
export async function migrate(db: Db, databaseUrl: string): Promise<string[]> {
  const pending = await pendingMigrations(db, databaseUrl);
  if (pending.length > 0) {
    // The schema engine gives up ("SocketTimeout") on a large SQLite file this process holds open
    // (seen at 600 MB, 100,000 cases); the client opens its connection again at its next query.
    await db.$disconnect();
    const output = await prisma(databaseUrl, ['migrate', 'deploy']);
    // The CLI exits 0 even when its schema engine dies at start-up; trust the database instead.
    const left = await pendingMigrations(db, databaseUrl);
    if (left.length > 0) throw new Error(`Migrations ${left.join(', ')} were not applied:\n${output}`);
  }
  // Readers no longer wait for a writer, nor a writer for readers; the mode stays with the file.
  if (prismaTarget(databaseUrl).provider === 'sqlite') await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  return pending;
}
