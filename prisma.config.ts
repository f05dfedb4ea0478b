import { defineConfig } from 'prisma/config';
import { prismaTarget } from './src/db/target';

// One schema source, two providers: a postgres:// DATABASE_URL selects the derived
// PostgreSQL schema and its own migrations folder.
const target = prismaTarget(process.env.DATABASE_URL);

export default defineConfig({
  schema: target.schema,
  migrations: { path: target.migrations, seed: 'tsx prisma/seed.ts' },
  datasource: { url: target.url },
});
