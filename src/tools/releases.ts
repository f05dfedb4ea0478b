/**
 * A past release of the product, to run beside this one as a bank's roll-out would: its source at
 * a commit of this repository, unpacked once under `.cache/releases/<commit>/` (a folder git
 * ignores). While its lock file is this checkout's, it shares this checkout's installed
 * dependencies and generated database clients; otherwise its own set-up script installs its own
 * (minutes, once).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../db/target';
import { temporalCli, temporalTestServer } from '../temporal/binaries';

const RELEASES = path.join(ROOT, '.cache', 'releases');
/** Installed or generated here, not in git: a release uses this checkout's. */
const SHARED = ['node_modules', path.join('src', 'db', 'generated')];

export function releaseTree(commit: string): string {
  const dir = path.join(RELEASES, commit);
  if (existsSync(dir)) return dir;
  const git = (...args: string[]) => execFileSync('git', ['-C', ROOT, ...args], { maxBuffer: 64 << 20 });
  try {
    git('cat-file', '-e', `${commit}^{commit}`);
  } catch {
    throw new Error(`release ${commit} is not in this clone's history (a shallow clone?): fetch it first`);
  }
  const sameDependencies = git('show', `${commit}:package-lock.json`).equals(
    readFileSync(path.join(ROOT, 'package-lock.json')),
  );
  // Unpacked aside and renamed, so a run cut short never leaves half a release behind.
  const partial = `${dir}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync('tar', ['-x', '-C', partial], { input: git('archive', '--format=tar', commit) });
  if (sameDependencies) {
    for (const shared of SHARED) symlinkSync(path.join(ROOT, shared), path.join(partial, shared));
  } else {
    // Its worker needs no Temporal binaries of its own: this checkout's are named, so none are fetched.
    execFileSync('sh', ['scripts/setup.sh'], {
      cwd: partial,
      env: { ...process.env, TEMPORAL_CLI_PATH: temporalCli(), TEMPORAL_TEST_SERVER_PATH: temporalTestServer() },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  renameSync(partial, dir);
  return dir;
}
