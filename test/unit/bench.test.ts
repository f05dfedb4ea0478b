/**
 * The bench's own arithmetic: the bare baseline's shape read from a product case's history (what
 * each action's answer waited for, what ran behind it), percentiles, and the bounded pool.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { activityShape, sizeOf } from '../../src/tools/bench/histories';
import { cpuDuring, cpuMs, latency, pool } from '../../src/tools/bench/measure';
import { HISTORIES } from '../helpers/disputes';

const recorded = (name: string) =>
  historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, `${name}.json`), 'utf8')));

test('before answer-before-sync an action waited for its read-model write; since, the write runs behind', () => {
  // Intake's four activities, then an agent taking the case (no alert) and a resolution with a credit.
  expect(activityShape(recorded('straight-resolution'))).toEqual({
    start: 4,
    actions: [
      { awaited: 1, behind: 0 },
      { awaited: 3, behind: 5 },
    ],
  });
  expect(activityShape(recorded('straight-resolution-answered-first'))).toEqual({
    start: 4,
    actions: [
      { awaited: 0, behind: 1 },
      { awaited: 1, behind: 7 },
    ],
  });
});

test('a history is sized as the server stores it: events, and the bytes of its protobuf encoding', () => {
  const history = recorded('four-eyes');
  const size = sizeOf([history, history]);
  expect(size.runs).toBe(2);
  expect(size.events).toBe(2 * history.events!.length);
  expect(size.bytes).toBeGreaterThan(10_000);
});

test('percentiles are nearest-rank', () => {
  const times = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(latency(times)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99 });
  expect(latency([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7 });
});

test('the pool keeps at most its concurrency running and returns results in order', async () => {
  let running = 0;
  let most = 0;
  const results = await pool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    most = Math.max(most, ++running);
    await new Promise((resolve) => setTimeout(resolve, 5 * (8 - n)));
    running -= 1;
    return n * 10;
  });
  expect(most).toBe(3);
  expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
});

test('CPU time is read per process from /proc, and what work spent is the difference', async () => {
  // Spins until this process has spent 200 ms of CPU, however busy the machine is.
  const spin = (ms: number) => {
    const start = process.cpuUsage();
    for (;;) {
      const used = process.cpuUsage(start);
      if ((used.user + used.system) / 1000 >= ms) return;
    }
  };
  const { cpuMs: spent } = await cpuDuring({ self: process.pid, gone: undefined }, async () => spin(200));
  // /proc counts in 10 ms ticks.
  expect(spent.self).toBeGreaterThanOrEqual(180);
  expect(spent.bench).toBeGreaterThanOrEqual(200);
  expect(spent).not.toHaveProperty('gone');
  expect(cpuMs(2 ** 22 + 1)).toBe(0);
});
