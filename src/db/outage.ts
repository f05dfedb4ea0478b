/**
 * A database outage: recognised, answered fast, and recovered from without a restart.
 *
 * A database that failed to answer is not asked again for a moment: calls fail at once with
 * DatabaseUnavailableError instead of each waiting out SQLite's busy timeout (which blocks the
 * event loop, better-sqlite3 being synchronous) or PostgreSQL's connect timeout. Then one call
 * probes; its success closes the breaker. Reads and writes trip apart: a SQLite file in WAL mode
 * that a writer holds locked still serves reads.
 */
import type { Db } from './client';

export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** Prisma's codes for a database it cannot reach, or that timed out or dropped the connection. */
const OUTAGE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const OUTAGE_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|database is locked|SQLITE_BUSY|the database system is (starting up|shutting down)|terminating connection/i;

/** An outage rather than a bug: the caller should retry later. */
export function isDatabaseOutage(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string };
  if (e?.name === 'DatabaseUnavailableError' || e?.name === 'PrismaClientInitializationError') return true;
  if (typeof e?.code === 'string' && OUTAGE_CODES.has(e.code)) return true;
  return typeof e?.message === 'string' && OUTAGE_TEXT.test(e.message);
}

/**
 * A statement that must take the write lock, touching nothing: a database that answers reads but
 * cannot be written (a locked SQLite file, a read-only replica) is found out by it.
 */
const WRITE_PROBE = 'UPDATE "Department" SET "name" = "name" WHERE 1 = 0';

/** Rejects (through the breaker) unless the database takes a write now. */
export async function assertWritable(db: Db): Promise<void> {
  await db.$executeRawUnsafe(WRITE_PROBE);
}

const READS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  '$queryRaw',
  '$queryRawUnsafe',
]);

export interface BreakerOptions {
  /** How long a failed database is left alone before one call probes it again. */
  restMs: number;
  now?: () => number;
}

class Breaker {
  private openUntil = 0;
  private probing = false;
  private cause = '';

  constructor(
    private readonly kind: 'reads' | 'writes',
    private readonly options: BreakerOptions,
  ) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    const now = (this.options.now ?? Date.now)();
    const resting = now < this.openUntil;
    if (resting || (this.openUntil > 0 && this.probing)) {
      throw new DatabaseUnavailableError(`The database is unavailable for ${this.kind} (${this.cause}).`);
    }
    const probe = this.openUntil > 0;
    if (probe) this.probing = true;
    try {
      const result = await call();
      this.openUntil = 0;
      return result;
    } catch (error) {
      if (isDatabaseOutage(error)) {
        this.cause = (error as Error).message.split('\n').at(-1)!.trim().slice(0, 200) || 'no answer';
        this.openUntil = (this.options.now ?? Date.now)() + this.options.restMs;
      }
      throw error;
    } finally {
      if (probe) this.probing = false;
    }
  }
}

/** The client with a breaker on reads and one on writes. */
export function withOutageBreaker(db: Db, options: BreakerOptions): Db {
  const reads = new Breaker('reads', options);
  const writes = new Breaker('writes', options);
  return db.$extends({
    query: {
      $allOperations({ operation, args, query }) {
        return (READS.has(operation) ? reads : writes).run(() => query(args));
      },
    },
  }) as unknown as Db;
}
