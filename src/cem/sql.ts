/**
 * The little SQL the figures write beyond what both databases write alike: joining a group's
 * texts. Everything else in the figures' queries is the SQL SQLite and PostgreSQL share.
 */
import { Prisma } from '../db/generated/sqlite/client';
import { providerOf, type Db } from '../db/client';

export type Sql = Prisma.Sql;
export const { sql, raw, empty, join } = Prisma;

export interface Dialect {
  /** The texts of a group's rows, comma-separated; null when all are null. */
  concat(text: Sql): Sql;
}

const SQLITE: Dialect = { concat: (text) => sql`group_concat(${text}, ',')` };
const POSTGRES: Dialect = { concat: (text) => sql`string_agg(${text}, ',')` };

export const dialectOf = (db: Db): Dialect => (providerOf(db) === 'postgresql' ? POSTGRES : SQLITE);

/** A count or sum as a number: drivers give big integers, PostgreSQL's numerics as text. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
