/**
 * The little SQL the figures need beyond what both databases write alike: the time between two
 * instants, an instant some days on, a field of the JSON an event carries. Everything else in
 * the figures' queries is the SQL SQLite and PostgreSQL share.
 */
import { Prisma } from '../db/generated/sqlite/client';
import { providerOf, type Db } from '../db/client';

export type Sql = Prisma.Sql;
export const { sql, raw, empty, join } = Prisma;

export interface Dialect {
  /** `later` − `earlier`, in days (with the fraction). */
  daysBetween(later: Sql, earlier: Sql): Sql;
  /** An instant `days` whole days after `at`, comparable with a column of instants. */
  plusDays(at: Sql, days: number): Sql;
  /** A top-level field of a JSON object kept as text, as text. */
  jsonField(json: Sql, key: string): Sql;
  /** Joins a row per element of the array at `key` of a JSON object, as `alias.value`. */
  joinJsonElements(json: Sql, key: string, alias: string): Sql;
  /** The texts of a group's rows, comma-separated; null when all are null. */
  concat(text: Sql): Sql;
}

const SQLITE: Dialect = {
  daysBetween: (later, earlier) => sql`(julianday(${later}) - julianday(${earlier}))`,
  // Prisma keeps instants in SQLite as ISO text with an explicit UTC offset; so must this.
  plusDays: (at, days) => sql`strftime('%Y-%m-%dT%H:%M:%f+00:00', ${at}, ${`+${days} days`})`,
  jsonField: (json, key) => sql`json_extract(${json}, ${`$.${key}`})`,
  joinJsonElements: (json, key, alias) => sql`CROSS JOIN json_each(${json}, ${`$.${key}`}) AS ${raw(alias)}`,
  concat: (text) => sql`group_concat(${text}, ',')`,
};

const POSTGRES: Dialect = {
  daysBetween: (later, earlier) => sql`(EXTRACT(EPOCH FROM (${later} - ${earlier})) / 86400.0)`,
  plusDays: (at, days) => sql`(${at} + make_interval(days => ${days}::int))`,
  jsonField: (json, key) => sql`(CAST(${json} AS jsonb) ->> CAST(${key} AS TEXT))`,
  joinJsonElements: (json, key, alias) =>
    sql`CROSS JOIN LATERAL jsonb_array_elements(CAST(${json} AS jsonb) -> CAST(${key} AS TEXT)) AS ${raw(alias)}(value)`,
  concat: (text) => sql`string_agg(${text}, ',')`,
};

export const dialectOf = (db: Db): Dialect => (providerOf(db) === 'postgresql' ? POSTGRES : SQLITE);

/** The UTC day of an instant as `YYYY-MM-DD`: both databases' text of an instant begins with it. */
export const dayOf = (at: Sql): Sql => sql`substr(CAST(${at} AS TEXT), 1, 10)`;

/** A count or sum as a number: drivers give big integers, PostgreSQL's numerics as text. */
export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
