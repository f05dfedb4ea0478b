/**
 * What a long case leaves in history, on the time-skipping server (a 90-day case cannot wait on a
 * real clock): a case open 89 days with the customer's status update every 3 days, resolved, and
 * closed when its reopen window ends. Its attrition watch is off here: with daily polls the test
 * server's keepalive policy cuts the client's long calls (GOAWAY), so the watch across
 * continue-as-new is not measured yet (see BENCHMARKS.md).
 */
import { DisputeBench } from '../../../test/helpers/disputes';
import globalSetup from '../../../test/helpers/global-setup';
import { assignUpdate, resolveUpdate } from '../../../workflows/dispute/messages';
import { DAY_MS } from '../../../workflows/domain/time';
import { historiesOf, sizeOf, type HistorySize } from './histories';

export interface LongCase {
  /** Wall time of the whole case on the time-skipping server. */
  wallMs: number;
  messages: number;
  dispute: HistorySize;
}

/**
 * Lets days pass a week at a time: the test server answers a long skip with one long call, which
 * its keepalive policy cuts when the worker has a lot to do on the way.
 */
async function passDays(bench: DisputeBench, days: number): Promise<void> {
  for (let left = days; left > 0; left -= 7) await bench.env.sleep(Math.min(7, left) * DAY_MS);
}

export async function ninetyDayCase(): Promise<LongCase> {
  await globalSetup();
  const bench = await DisputeBench.start();
  try {
    const agent = await bench.actor('merchant-disputes-agent-1');
    const supervisor = await bench.actor('merchant-disputes-supervisor');
    const started = performance.now();
    const { caseId, handle } = await bench.open();
    const assignee = { id: agent.id, role: agent.role, departmentId: agent.departmentId };
    await handle.executeUpdate(assignUpdate, { args: [{ actor: agent, assignee }] });
    await passDays(bench, 89);
    await handle.executeUpdate(resolveUpdate, {
      args: [{ actor: supervisor, outcome: 'customer_favour', rationale: 'bench' }],
    });
    await passDays(bench, 61);
    const final = await handle.result();
    if (final.stage !== 'closed') throw new Error(`the 90-day case ended in ${final.stage}`);
    const wallMs = performance.now() - started;
    const client = bench.env.client;
    return {
      wallMs,
      messages: await bench.db.notification.count({ where: { caseId } }),
      dispute: sizeOf(await historiesOf(client, handle.workflowId)),
    };
  } finally {
    await bench.stop();
  }
}
