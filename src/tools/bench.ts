/**
 * `npm run bench`: how fast the dispute engine is on this machine. Runs on the time-skipping
 * server with the real worker, activities and a SQLite database, and prints one table.
 *
 * - a 90-day case: wall time from open to closed while 150 days pass on the server, with Jane's
 *   status update every 3 days (about 30 messages over SMTP to the embedded sink)
 * - staff action round trip: an Update through validation, state change and the audit-log write
 * - opening cases: how many cases per second are opened and routed, and the worker's heap
 * - business-time arithmetic: the pure deadline computation the workflow repeats on every wake
 */
// Installs a Temporal runtime that logs at WARN, as the tests do; first, before any connection.
import '../../test/helpers/quiet-runtime';
import globalSetup from '../../test/helpers/global-setup';
import { DisputeBench } from '../../test/helpers/disputes';
import { addBusinessTime } from '../../workflows/domain/business-time';
import { DAY_MS } from '../../workflows/domain/time';
import { addNoteUpdate, assignUpdate, getCaseQuery, resolveUpdate } from '../../workflows/dispute/messages';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  await globalSetup();
  const bench = await DisputeBench.start();
  const rows: [string, string][] = [];
  try {
    const agent = await bench.actor('merchant-disputes-agent-1');
    const assignee = { id: agent.id, role: agent.role, departmentId: agent.departmentId };

    // A 90-day case: open, take, let 89 days of clocks fire, resolve, let the reopen window pass.
    const caseTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const { handle } = await bench.open();
      await handle.executeUpdate(assignUpdate, { args: [{ actor: agent, assignee }] });
      await bench.env.sleep(89 * DAY_MS);
      const supervisor = await bench.actor('merchant-disputes-supervisor');
      await handle.executeUpdate(resolveUpdate, {
        args: [{ actor: supervisor, outcome: 'customer_favour', rationale: 'bench' }],
      });
      await bench.env.sleep(61 * DAY_MS);
      const final = await handle.result();
      if (final.stage !== 'closed') throw new Error(`case ended in ${final.stage}`);
      caseTimes.push(performance.now() - started);
    }
    caseTimes.sort((a, b) => a - b);
    rows.push(['90-day case with ~30 messages, open to closed (median of 5)', ms(percentile(caseTimes, 50))]);

    // Staff action round trip.
    const { handle } = await bench.open();
    await handle.executeUpdate(assignUpdate, { args: [{ actor: agent, assignee }] });
    const actionTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      await handle.executeUpdate(addNoteUpdate, { args: [{ actor: agent, text: `note ${i}` }] });
      actionTimes.push(performance.now() - started);
    }
    actionTimes.sort((a, b) => a - b);
    rows.push([
      'staff action round trip p50 / p95 (200 notes)',
      `${ms(percentile(actionTimes, 50))} / ${ms(percentile(actionTimes, 95))}`,
    ]);
    await handle.terminate('bench done');

    // Opening cases concurrently.
    const count = 100;
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const opened = await Promise.all(Array.from({ length: count }, () => bench.open()));
    const seconds = (performance.now() - started) / 1000;
    rows.push([`cases opened and routed, ${count} at once`, `${(count / seconds).toFixed(1)} cases/s`]);
    const views = await Promise.all(opened.map((c) => c.handle.query(getCaseQuery)));
    if (views.some((v) => v.stage !== 'investigation')) throw new Error('a case was not routed');
    rows.push([
      `heap growth with ${count} open cases cached`,
      `${((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024).toFixed(1)} MB`,
    ]);
    await Promise.all(opened.map((c) => c.handle.terminate('bench done')));
  } finally {
    await bench.stop();
  }

  const holidays = new Set(['2026-11-26', '2026-12-25', '2027-01-01']);
  const n = 100_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) addBusinessTime(Date.UTC(2026, 10, 20, 10) + i * 60_000, 45 * DAY_MS, holidays);
  rows.push(['addBusinessTime, 45 business days', `${((n / (performance.now() - started)) * 1000).toFixed(0)} ops/s`]);

  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\n${'measure'.padEnd(width)}  result`);
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
