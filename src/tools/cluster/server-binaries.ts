/**
 * The real Temporal server, built from its Go module at a pinned version into a folder git
 * ignores (`.cache/temporal-server/<version>/`), once: `temporal-server` and its SQL schema tool,
 * with the schema files the module ships. The Go module proxy serves the sources; the build takes
 * minutes the first time and nothing after. One build at a time: a lock folder says one is under
 * way, so a test run can start it early in the background and the cluster test wait for it.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../db/target';

/** v1.32.2 wants Go 1.26.10; v1.32.0 builds with the Go installed here (1.26.8). */
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
const MODULE = 'go.temporal.io/server';
const CACHE = path.join(ROOT, '.cache', 'temporal-server');
const DIR = path.join(CACHE, TEMPORAL_SERVER_VERSION);
const LOCK = `${DIR}.lock`;
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 30 * 60_000;

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` of the module: `temporal/versioned` and `visibility/versioned`. */
  postgresSchema: string;
}

const built = () => existsSync(path.join(DIR, 'server')) && existsSync(path.join(DIR, 'sql'));

/** The binaries, built first if they are not (or waited for, when another process builds them). */
export async function serverBinaries(): Promise<ServerBinaries> {
  while (!built()) {
    if (takeLock()) {
      try {
        await build();
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
    } else {
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const postgresSchema = path.join(modCache, `${MODULE}@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  // The sources (and their schema files) outlive the build in Go's module cache; fetch them if it was cleaned.
  if (!existsSync(postgresSchema)) execFileSync('go', ['mod', 'download', `${MODULE}@${TEMPORAL_SERVER_VERSION}`]);
  return { server: path.join(DIR, 'server'), sqlTool: path.join(DIR, 'sql'), postgresSchema };
}

/** Starts the build in a process of its own unless it is done or under way; returns at once. */
export function buildInBackground(): void {
  if (built() || existsSync(LOCK) || !hasGo()) return;
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
    cwd: ROOT,
    stdio: 'ignore',
    detached: true,
  });
  child.unref();
}

function takeLock(): boolean {
  mkdirSync(CACHE, { recursive: true });
  if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    return false;
  }
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function build(): Promise<void> {
  if (!hasGo()) throw new Error('Building the Temporal server needs Go (1.26.8 or later) on PATH.');
  console.log(`cluster: building the Temporal server ${TEMPORAL_SERVER_VERSION} once (about 4 minutes)…`);
  // Into a folder of its own, moved into place when whole: an interrupted build leaves nothing half-made.
  const building = `${DIR}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  await promisify(execFile)(
    'go',
    [
      'install',
      `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    ],
    { env: { ...process.env, GOBIN: building, GOFLAGS: '-mod=mod' }, maxBuffer: 64 << 20 },
  );
  rmSync(DIR, { recursive: true, force: true });
  renameSync(building, DIR);
}

// Run as a script (by buildInBackground): build, then exit.
if (require.main === module) {
  serverBinaries().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
