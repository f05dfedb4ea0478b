/** What the bench's seeders share: a fixed random sequence, and dates as Prisma keeps them in SQLite. */

/** A fixed sequence (mulberry32), so every run seeds the same rows. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A date as Prisma keeps it in SQLite. */
export const sqliteDate = (at: Date | null): string | null => (at ? at.toISOString().replace('Z', '+00:00') : null);
