/**
 * A long-lived case keeps its history bounded: when the server suggests it, the workflow waits
 * for its handlers, syncs the read model and continues as new with the whole case carried over.
 * The dev server is told to suggest continue-as-new after 60 events so a test can reach it.
 */
import { addNoteUpdate, assignUpdate, getCaseQuery, getTimelineQuery } from '../../workflows/messages';
import { DisputeBench } from '../helpers/disputes';

let bench: DisputeBench;
beforeAll(async () => {
  bench = await DisputeBench.start({
    devServerArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60'],
  });
});
afterAll(() => bench?.stop());

test('a busy case continues as new and loses nothing', async () => {
  const { caseId, handle } = await bench.open();
  const firstRun = (await handle.describe()).runId;
  const agent = await bench.actor('merchant-disputes-agent-1');
  await handle.executeUpdate(assignUpdate, {
    args: [{ actor: agent, assignee: { id: agent.id, role: agent.role, departmentId: agent.departmentId } }],
  });
  for (let n = 1; n <= 20; n++) {
    const view = await handle.executeUpdate(addNoteUpdate, { args: [{ actor: agent, text: `note ${n}` }] });
    expect(view.assigneeId).toBe(agent.id);
  }

  const description = await handle.describe();
  expect(description.runId).not.toBe(firstRun);
  expect(description.status.name).toBe('RUNNING');
  expect(description.historyLength).toBeLessThan(80);

  const view = await handle.query(getCaseQuery);
  expect(view).toMatchObject({ stage: 'investigation', departmentId: 'merchant-disputes', assigneeId: agent.id });
  // Live clocks first; the acknowledgement went out, so its Reg Z clock is met.
  expect(view.clocks.map((c) => [c.id, c.status])).toEqual([
    ['reg-z:resolution', 'running'],
    ['sla:investigation:1', 'running'],
    ['reg-z:acknowledgement', 'met'],
  ]);
  const timeline = await handle.query(getTimelineQuery);
  const notes = timeline.filter((e) => e.type === 'note').map((e) => e.data.text);
  expect(notes).toEqual(Array.from({ length: 20 }, (_, i) => `note ${i + 1}`));
  expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));

  const log = await bench.auditLog(caseId);
  expect(log.map((e) => e.type)).toEqual(timeline.map((e) => e.type));
  expect((await bench.readModel(caseId)).version).toBe(view.version);
  await handle.terminate('test done');
});
