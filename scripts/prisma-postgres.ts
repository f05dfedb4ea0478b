/**
 * Derives prisma/postgres/schema.prisma from prisma/schema.prisma, the one schema source.
 * `--check` exits non-zero when the derived file is stale (CI runs it through the tests).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../src/db/target';

export const SOURCE = path.join(ROOT, 'prisma', 'schema.prisma');
export const DERIVED = path.join(ROOT, 'prisma', 'postgres', 'schema.prisma');

export function derivePostgresSchema(source: string): string {
  const swaps: [RegExp, string][] = [
    [/provider\s*=\s*"sqlite"/, 'provider = "postgresql"'],
    [/output\s*=\s*"\.\.\/src\/db\/generated\/sqlite"/, 'output       = "../../src/db/generated/postgres"'],
  ];
  let derived = source;
  for (const [pattern, replacement] of swaps) {
    if (!pattern.test(derived))
      throw new Error(`prisma/schema.prisma no longer matches ${pattern}; update scripts/prisma-postgres.ts`);
    derived = derived.replace(pattern, replacement);
  }
  return `// GENERATED from prisma/schema.prisma by scripts/prisma-postgres.ts. Do not edit.\n${derived}`;
}

if (require.main === module) {
  const derived = derivePostgresSchema(readFileSync(SOURCE, 'utf8'));
  let current = '';
  try {
    current = readFileSync(DERIVED, 'utf8');
  } catch {
    // No derived schema yet: it is written below.
  }
  if (process.argv.includes('--check')) {
    if (current !== derived) {
      console.error('prisma/postgres/schema.prisma is stale: run `npm run db:derive`.');
      process.exit(1);
    }
  } else if (current !== derived) {
    mkdirSync(path.dirname(DERIVED), { recursive: true });
    writeFileSync(DERIVED, derived);
    console.log('wrote prisma/postgres/schema.prisma');
  }
}
