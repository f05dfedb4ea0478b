import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { secureDataDir } from '../../src/data-dir';
import { tempDir } from '../helpers/db';

test('the data dir and everything in it are readable by their owner only, and new files too', () => {
  const umask = process.umask();
  try {
    const dir = path.join(tempDir('data-'), 'data');
    mkdirSync(path.join(dir, 'cache'), { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dir, 'proactive-care.db'), '', { mode: 0o644 });
    writeFileSync(path.join(dir, 'cache', 'bundle.js'), '', { mode: 0o644 });
    secureDataDir(dir);
    const mode = (file: string) => statSync(path.join(dir, file)).mode & 0o777;
    expect([mode(''), mode('cache'), mode('proactive-care.db'), mode('cache/bundle.js')]).toEqual([
      0o700, 0o700, 0o600, 0o600,
    ]);
    writeFileSync(path.join(dir, 'mail-sink.jsonl'), '');
    expect(mode('mail-sink.jsonl')).toBe(0o600);
  } finally {
    process.umask(umask);
  }
});
