/**
 * A database outage: recognised, answered fast, and recovered from without a restart.
 *
 * A database that failed to answer is not asked again for a moment: queries fail at once as if
 * it could not be reached, instead of each waiting out SQLite's busy timeout (which blocks the
 * event loop, better-sqlite3 being synchronous) or PostgreSQL's connect timeout. Then one query
 * probes; its success closes the breaker. Reads and writes trip apart: a SQLite file in WAL mode
 * that a writer holds locked still serves reads.
 */
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';
import type { Db } from './client';

/** Prisma's codes for a database it cannot reach, or that timed out or dropped the connection. */
const OUTAGE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const OUTAGE_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|database is locked|SQLITE_BUSY|the database system is (starting up|shutting down)|terminating connection/i;

/** Driver errors that mean the database is away (SQLite's busy timeout surfaces as a socket timeout). */
const OUTAGE_KINDS = new Set(['DatabaseNotReachable', 'SocketTimeout', 'ConnectionClosed', 'TooManyConnections']);

/** An outage rather than a bug: the caller should retry later. */
export function isDatabaseOutage(error: unknown): boolean {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { kind?: string };
    meta?: { driverAdapterError?: { cause?: { kind?: string } } };
  };
  if (e?.name === 'PrismaClientInitializationError') return true;
  if (typeof e?.code === 'string' && OUTAGE_CODES.has(e.code)) return true;
  const kind = e?.cause?.kind ?? e?.meta?.driverAdapterError?.cause?.kind;
  if (typeof kind === 'string' && OUTAGE_KINDS.has(kind)) return true;
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

export interface BreakerOptions {
  /** How long a failed database is left alone before one call probes it again. */
  restMs: number;
  now?: () => number;
}

class Breaker {
  private openUntil = 0;
  private probing = false;

  constructor(private readonly options: BreakerOptions) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    const now = (this.options.now ?? Date.now)();
    if (now < this.openUntil || (this.openUntil > 0 && this.probing)) {
      // Prisma reports this kind as P1001, "Can't reach database server": a 503 to the API.
      throw new DriverAdapterError({ kind: 'DatabaseNotReachable' });
    }
    const probe = this.openUntil > 0;
    if (probe) this.probing = true;
    try {
      const result = await call();
      this.openUntil = 0;
      return result;
    } catch (error) {
      if (isDatabaseOutage(error)) this.openUntil = (this.options.now ?? Date.now)() + this.options.restMs;
      throw error;
    } finally {
      if (probe) this.probing = false;
    }
  }
}

const isRead = (sql: string) => /^\s*(SELECT|PRAGMA)\b/i.test(sql);

/**
 * The driver adapter with a breaker on reads and one on writes (a transaction's start counts as
 * a write; statements within a transaction that started are let through). Below Prisma, so every
 * query, batch and transaction is covered alike.
 */
export function withOutageBreaker(factory: SqlDriverAdapterFactory, options: BreakerOptions): SqlDriverAdapterFactory {
  const reads = new Breaker(options);
  const writes = new Breaker(options);
  const guard = (adapter: SqlDriverAdapter): SqlDriverAdapter =>
    new Proxy(adapter, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const call = value as (...args: unknown[]) => Promise<unknown>;
        switch (property) {
          case 'queryRaw':
          case 'executeRaw':
            return (query: SqlQuery) => (isRead(query.sql) ? reads : writes).run(() => call.call(target, query));
          case 'executeScript':
          case 'startTransaction':
            return (...args: unknown[]) => writes.run(() => call.apply(target, args));
          default:
            return call.bind(target);
        }
      },
    });
  return new Proxy(factory, {
    get(target, property, receiver) {
      if (property === 'connect') return async () => guard(await target.connect());
      return Reflect.get(target, property, receiver);
    },
  });
}
