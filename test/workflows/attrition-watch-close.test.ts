/**
 * The watch outlives its case: on the real dev server, with the watch polling every two seconds
 * and observing four seconds after the resolution, a withdrawn case closes while its watch (an
 * abandoned child) goes on, then reports whether the customer stayed.
 */
import { attritionWatchWorkflowId, type WatchView } from '../../workflows/attrition-watch/messages';
import { withdrawUpdate } from '../../workflows/dispute/messages';
import { DisputeBench } from '../helpers/disputes';

let bench: DisputeBench;
beforeAll(async () => {
  bench = await DisputeBench.start({
    devServerArgs: [],
    policy: { attritionWatch: true },
    watch: { pollHours: 2 / 3600, observeDays: 4 / 86_400 },
  });
});
afterAll(() => bench?.stop());

test('the case closes, its watch goes on, then reports the customer retained', async () => {
  const customer = await bench.newCustomer('closing');
  const { caseId, handle } = await bench.open({ customer });
  const watch = bench.env.client.workflow.getHandle(attritionWatchWorkflowId(caseId));
  await handle.executeUpdate(withdrawUpdate, {
    args: [{ actor: await bench.actor('admin'), reason: 'Found the receipt' }],
  });
  expect((await handle.result()).stage).toBe('closed');
  expect((await watch.describe()).status.name).toBe('RUNNING');
  const outcome = (await watch.result()) as WatchView;
  expect(outcome).toMatchObject({ outcome: 'retained', progress: { closed: true } });
  expect(await bench.readModel(caseId)).toMatchObject({ stage: 'closed', retentionOutcome: 'retained' });
});
