/** Small helpers the bench measures with: latency summaries, a bounded pool, process memory. */
import { readFileSync } from 'node:fs';

export interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentiles of times in milliseconds. */
export function latency(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99) };
}

export const median = (values: number[]): number => latency(values).p50;

/** Runs `work` on every item, at most `concurrency` at a time; the results in the items' order. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** Milliseconds `work` took. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Resident memory of a process and everything it started, in bytes (Linux /proc); 0 when gone. */
export function residentBytes(pid: number | undefined): number {
  return overProcessTree(pid, (own) => {
    const status = readFileSync(`/proc/${own}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  });
}

/** CPU time (user and system) a process and everything it started have used, in ms (Linux /proc); 0 when gone. */
export function cpuMs(pid: number | undefined): number {
  return overProcessTree(pid, (own) => {
    // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${own}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  });
}
// Linux counts CPU time in USER_HZ ticks, 100 a second on every architecture it runs on.
const MS_PER_TICK = 10;

/** `measure` of a process plus that of every process it started, down the tree; 0 for one gone. */
function overProcessTree(pid: number | undefined, measure: (pid: number) => number): number {
  if (!pid) return 0;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return measure(pid) + children.reduce((sum, child) => sum + overProcessTree(Number(child), measure), 0);
  } catch {
    return 0;
  }
}

/** CPU each process (and this one, `bench`) spent while `work` ran, in ms; processes without an id are left out. */
export async function cpuDuring<T>(
  processes: Record<string, number | undefined>,
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<string, number> }> {
  const pids = Object.fromEntries(Object.entries(processes).filter(([, pid]) => pid !== undefined));
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const own = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(own);
  const spent = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid) - before[name]]));
  return { result, cpuMs: { ...spent, bench: (used.user + used.system) / 1000 } };
}

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
