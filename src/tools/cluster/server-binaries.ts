/**
 * The real Temporal server, built from its Go module at a pinned version into a folder git
 * ignores (`.cache/temporal-server/<version>/`), once: `temporal-server` and its SQL schema tool,
 * with the schema files the module ships. The Go module proxy serves the sources; the build takes
 * minutes the first time and nothing after.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../db/target';

/** v1.32.2 wants Go 1.26.10; v1.32.0 builds with the Go installed here (1.26.8). */
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
const MODULE = 'go.temporal.io/server';

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` of the module: `temporal/versioned` and `visibility/versioned`. */
  postgresSchema: string;
}

export function serverBinaries(cacheRoot = path.join(ROOT, '.cache', 'temporal-server')): ServerBinaries {
  const dir = path.join(cacheRoot, TEMPORAL_SERVER_VERSION);
  const server = path.join(dir, 'server');
  const sqlTool = path.join(dir, 'sql');
  if (!existsSync(server) || !existsSync(sqlTool)) build(dir);
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const postgresSchema = path.join(modCache, `${MODULE}@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  // The sources (and their schema files) outlive the build in Go's module cache; fetch them if it was cleaned.
  if (!existsSync(postgresSchema)) execFileSync('go', ['mod', 'download', `${MODULE}@${TEMPORAL_SERVER_VERSION}`]);
  return { server, sqlTool, postgresSchema };
}

function build(dir: string): void {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error('Building the Temporal server needs Go (1.26.8 or later) on PATH.');
  }
  console.log(`cluster: building the Temporal server ${TEMPORAL_SERVER_VERSION} once (about 5 minutes)…`);
  // Into a folder of its own, moved into place when whole: an interrupted build leaves nothing half-made.
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  execFileSync(
    'go',
    [
      'install',
      `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    ],
    { env: { ...process.env, GOBIN: building, GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
}
