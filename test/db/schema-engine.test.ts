/**
 * The wasm schema engine behind the Prisma CLI: the committed migrations (created from the
 * schema) apply to an empty database, leave `migrate status` clean, and match the schema, on
 * SQLite and, when TEST_DATABASE_URL is set, on a real PostgreSQL server.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { prisma } from '../../src/db/migrate';
import { prismaTarget } from '../../src/db/target';
import { derivePostgresSchema, DERIVED, SOURCE } from '../../scripts/prisma-postgres';
import { emptyPostgres, TEST_DATABASE_URL, tempDir } from '../helpers/db';

const EXPECTED_TABLES = [
  'ActionRequest',
  'BulkOperation',
  'BulkOperationItem',
  'Card',
  'CardEvent',
  'CardTransaction',
  'Case',
  'CaseAssignment',
  'CaseDocument',
  'CaseEvent',
  'CaseFact',
  'CaseStay',
  'Customer',
  'CustomerAnswer',
  'CustomerCode',
  'CustomerLink',
  'CustomerLinkRefusal',
  'CustomerSession',
  'Department',
  'FigureDay',
  'Holiday',
  'Notification',
  'OutreachTask',
  'RegulatoryDeadline',
  'RoutingRule',
  'SlaPolicy',
  'Staff',
  'StaffAlert',
  'StaffCall',
  'StaffSession',
  'StaffToken',
  'SurveyAnswer',
  'WriteOffRule',
  '_prisma_migrations',
];

test('the PostgreSQL schema is derived from the SQLite one and is current', () => {
  expect(readFileSync(DERIVED, 'utf8')).toBe(derivePostgresSchema(readFileSync(SOURCE, 'utf8')));
});

describe('on SQLite', () => {
  const file = path.join(tempDir(), 'fresh.db');
  const url = `file:${file}`;
  const tables = () =>
    (
      new Database(file)
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .all() as { name: string }[]
    ).map((r) => r.name);

  test('migrate deploy creates every table on an empty file', async () => {
    expect(existsSync(file)).toBe(false);
    await prisma(url, ['migrate', 'deploy']);
    expect(tables()).toEqual(EXPECTED_TABLES);
  });

  test('migrate status is clean afterwards', async () => {
    expect(await prisma(url, ['migrate', 'status'])).toMatch(/Database schema is up to date/);
  });

  test('the migrations match the schema (no drift)', async () => {
    const { migrations, schema } = prismaTarget(url);
    // --exit-code makes the CLI fail when there is a difference.
    await prisma(url, ['migrate', 'diff', '--from-migrations', migrations, '--to-schema', schema, '--exit-code']);
  });

  test('migrate reset leaves no tables behind and re-applies', async () => {
    new Database(file).exec('CREATE TABLE stray (id INTEGER)');
    await prisma(url, ['migrate', 'reset', '--force']);
    expect(tables()).toEqual(EXPECTED_TABLES);
  });
});

(TEST_DATABASE_URL ? describe : describe.skip)('on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof emptyPostgres>>;
  beforeAll(async () => {
    database = await emptyPostgres(TEST_DATABASE_URL!);
  });
  afterAll(() => database?.drop());

  const tables = async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(
      'SELECT tablename FROM pg_tables WHERE schemaname = \'public\' ORDER BY tablename COLLATE "C"',
    );
    await client.end();
    return rows.map((r: { tablename: string }) => r.tablename);
  };

  test('migrate deploy creates every table on an empty database', async () => {
    await prisma(database.url, ['migrate', 'deploy']);
    expect(await tables()).toEqual(EXPECTED_TABLES);
  });

  test('migrate status is clean afterwards', async () => {
    expect(await prisma(database.url, ['migrate', 'status'])).toMatch(/Database schema is up to date/);
  });

  test('the migrations match the schema, through a shadow database that is dropped after', async () => {
    const { migrations, schema } = prismaTarget(database.url);
    await prisma(database.url, [
      'migrate',
      'diff',
      '--from-migrations',
      migrations,
      '--to-schema',
      schema,
      '--exit-code',
    ]);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'",
    );
    await client.end();
    expect(rows).toEqual([]);
  });
});
