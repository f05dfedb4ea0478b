/**
 * The embedded data directory holds customer data (the SQLite database, the mail sink's store,
 * Temporal's histories): only its owner may read it. `npm start` creates it so and tightens what
 * an earlier run left behind; its own files and its children's are created owner-only.
 */
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tighten = (at: string) => {
    chmodSync(at, 0o700);
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const file = path.join(at, entry.name);
      if (entry.isDirectory()) tighten(file);
      else if (entry.isFile()) chmodSync(file, 0o600);
    }
  };
  tighten(dir);
  // Everything created from here on, by this process and the servers it starts, is owner-only.
  process.umask(0o077);
}
