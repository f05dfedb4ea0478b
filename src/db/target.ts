import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const DEFAULT_SQLITE_PATH = path.join(ROOT, '.data', 'proactive-care.db');

export type Provider = 'sqlite' | 'postgresql';

export interface PrismaTarget {
  provider: Provider;
  url: string;
  schema: string;
  migrations: string;
}

/** Where the schema and migrations for a database URL live. SQLite is the default. */
export function prismaTarget(databaseUrl: string | undefined): PrismaTarget {
  const url = databaseUrl || `file:${DEFAULT_SQLITE_PATH}`;
  if (/^postgres(ql)?:\/\//.test(url)) {
    return {
      provider: 'postgresql',
      url,
      schema: path.join(ROOT, 'prisma', 'postgres', 'schema.prisma'),
      migrations: path.join(ROOT, 'prisma', 'postgres', 'migrations'),
    };
  }
  if (!url.startsWith('file:')) {
    throw new Error(
      `DATABASE_URL must start with file: (SQLite) or postgres:// (PostgreSQL), got "${url.split(':')[0]}:…"`,
    );
  }
  return {
    provider: 'sqlite',
    url,
    schema: path.join(ROOT, 'prisma', 'schema.prisma'),
    migrations: path.join(ROOT, 'prisma', 'migrations'),
  };
}
