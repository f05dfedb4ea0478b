/**
 * `npm run prisma -- <args>`: the Prisma CLI with the wasm schema engine wired in (unless
 * PRISMA_SCHEMA_ENGINE_BINARY names another) and DATABASE_URL defaulted like the app's.
 * Example: `npm run prisma -- migrate dev --name add-outreach-outcome`.
 */
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../src/config';
import { PRISMA_CLI, prismaCliEnv } from '../src/db/migrate';
import { ROOT } from '../src/db/target';

const { databaseUrl } = loadConfig();
const result = spawnSync(process.execPath, [PRISMA_CLI, ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
  env: prismaCliEnv(databaseUrl),
});
process.exit(result.status ?? 1);
