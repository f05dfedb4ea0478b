/**
 * Set-up must leave a fresh clone clean: `npm ci` installs from package-lock.json as it is, and
 * the lockfile is the one npm itself writes for package.json (every platform's optional entries
 * included), so no npm command a developer runs rewrites it either.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../src/db/target';
import { tempDir } from '../helpers/db';

test('package-lock.json is what npm writes for package.json', () => {
  const dir = tempDir('lockfile-');
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(ROOT, file), path.join(dir, file));
  execFileSync(
    'npm',
    ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    {
      cwd: dir,
      stdio: 'pipe',
    },
  );
  const written = readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
  expect(written === readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).toBe(true);
});
