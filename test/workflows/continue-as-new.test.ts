/**
 * A long-lived case keeps its history and its carried state bounded: when the server suggests
 * it, the workflow waits for its handlers, syncs the read model and continues as new, carrying
 * the case without its timeline (that is in the audit log). The dev server is told to suggest
 * continue-as-new after 60 events so a test can reach it.
 */
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import {
  addNoteUpdate,
  assignUpdate,
  getCaseQuery,
  getTimelineQuery,
  reopenUpdate,
  resolveUpdate,
} from '../../workflows/dispute/messages';
import { CASE_STATE_VERSION, type DisputeRun } from '../../workflows/dispute/state';
import { eventually } from '../helpers/api-stack';
import { DisputeBench, type DisputeHandle } from '../helpers/disputes';

let bench: DisputeBench;
beforeAll(async () => {
  bench = await DisputeBench.start({
    devServerArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60'],
  });
});
afterAll(() => bench?.stop());

/** The input the current run was started with: for a continued run, the case it carried over. */
async function runInput(handle: DisputeHandle): Promise<{ input: DisputeRun; continued: boolean; bytes: number }> {
  const [started] = (await handle.fetchHistory()).events!;
  const attributes = started.workflowExecutionStartedEventAttributes!;
  const payload = attributes.input!.payloads![0];
  return {
    input: await decodeFromPayloadsAtIndex<DisputeRun>(bench.env.client.options.loadedDataConverter, 0, [payload]),
    continued: Boolean(attributes.continuedExecutionRunId),
    bytes: payload.data!.length,
  };
}

test('a busy case continues as new, carries no timeline, and loses nothing', async () => {
  const { caseId, handle } = await bench.open();
  const firstRun = (await handle.describe()).runId;
  const agent = await bench.actor('merchant-disputes-agent-1');
  await handle.executeUpdate(assignUpdate, {
    args: [{ actor: agent, assignee: { id: agent.id, role: agent.role, departmentId: agent.departmentId } }],
  });
  // Credited once before the run ends: the next run must remember what was settled.
  await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: agent, outcome: 'customer_favour', rationale: 'No proof from the merchant' }],
  });
  await handle.executeUpdate(reopenUpdate, { args: [{ actor: agent, reason: 'The merchant sent proof after all' }] });
  for (let n = 1; n <= 20; n++) {
    const view = await handle.executeUpdate(addNoteUpdate, { args: [{ actor: agent, text: `note ${n}` }] });
    expect(view.assigneeId).toBe(agent.id);
  }

  // The case continues as new once the last action's write behind its answer is done.
  const description = await eventually(
    () => handle.describe(),
    (d) => d.runId !== firstRun,
  );
  expect(description.runId).not.toBe(firstRun);
  expect(description.status.name).toBe('RUNNING');
  expect(description.historyLength).toBeLessThan(80);

  // What crossed over: the versioned case with counters, not the events already in the audit log.
  const { input, continued, bytes } = await runInput(handle);
  expect(continued).toBe(true);
  const carried = input.resume!;
  expect(carried).toMatchObject({ schemaVersion: CASE_STATE_VERSION, settledCents: 1499, stage: 'investigation' });
  expect(carried).not.toHaveProperty('timeline');
  // Every event of the first run was written before it ended; the new run numbers on from there.
  const handedOver = carried.schemaVersion === CASE_STATE_VERSION ? carried.eventSeq : NaN;
  const written = (await bench.auditLog(caseId)).map((e) => e.seq);
  expect(written.slice(0, handedOver)).toEqual(Array.from({ length: handedOver }, (_, i) => i + 1));
  expect((await handle.query(getTimelineQuery)).every((e) => e.seq > handedOver)).toBe(true);
  expect(bytes).toBeLessThan(8_000);

  const view = await handle.query(getCaseQuery);
  expect(view).toMatchObject({ stage: 'investigation', departmentId: 'merchant-disputes', assigneeId: agent.id });
  expect(view.clocks.find((c) => c.status === 'running' && c.id.startsWith('sla:investigation:'))).toBeDefined();

  // The new run numbers its events on from where the last one stopped, and settles the difference.
  const resolved = await handle.executeUpdate(resolveUpdate, {
    args: [{ actor: agent, outcome: 'merchant_favour', rationale: 'Signed delivery receipt' }],
  });
  expect(resolved.resolution).toMatchObject({ outcome: 'merchant_favour', amountCents: 0 });
  // The credit is taken back once the resolution's letter told her so (Reg Z: at once after it).
  while ((await handle.query(getCaseQuery)).heldReversal) await new Promise((r) => setTimeout(r, 20));
  const settled = await bench.settled(caseId, handle);

  const log = await bench.auditLog(caseId);
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  expect(log.filter((e) => e.type === 'note').map((e) => e.data.text)).toEqual(
    Array.from({ length: 20 }, (_, i) => `note ${i + 1}`),
  );
  expect(log.filter((e) => e.type === 'settled').map((e) => e.data.creditCents)).toEqual([1499, -1499]);
  const adjustments = await bench.db.cardTransaction.findMany({
    where: { channel: 'adjustment', merchant: { contains: caseId } },
    orderBy: { postedAt: 'asc' },
  });
  expect(adjustments.map((a) => a.amountCents)).toEqual([-1499, 1499]);

  // The run's own timeline is the tail of the audit log.
  const timeline = await handle.query(getTimelineQuery);
  expect(timeline.length).toBeGreaterThan(0);
  expect(timeline).toEqual(
    log.slice(log.length - timeline.length).map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
  );
  expect((await bench.readModel(caseId)).version).toBe(settled.version);

  await bench.keepHistory('resumed-run', handle);
  await handle.terminate('test done');
});
