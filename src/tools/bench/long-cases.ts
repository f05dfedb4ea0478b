/**
 * What a long case leaves in history, on the time-skipping server (a 90-day case cannot wait on a
 * real clock): a case open 89 days with the customer's status update every 3 days, resolved, and
 * closed when its reopen window ends; and its attrition watch, polling daily across continue-as-new.
 */
import { DisputeBench } from '../../../test/helpers/disputes';
import globalSetup from '../../../test/helpers/global-setup';
import { attritionWatchWorkflowId } from '../../../workflows/attrition-watch/messages';
import { assignUpdate, resolveUpdate } from '../../../workflows/dispute/messages';
import { DAY_MS } from '../../../workflows/domain/time';
import { historiesOf, sizeOf, type HistorySize } from './histories';

export interface LongCase {
  /** Wall time of the whole case on the time-skipping server. */
  wallMs: number;
  messages: number;
  dispute: HistorySize;
  watch: HistorySize;
}

export async function ninetyDayCase(): Promise<LongCase> {
  await globalSetup();
  const bench = await DisputeBench.start({ policy: { attritionWatch: true } });
  try {
    const agent = await bench.actor('merchant-disputes-agent-1');
    const supervisor = await bench.actor('merchant-disputes-supervisor');
    const started = performance.now();
    const { caseId, handle } = await bench.open();
    const assignee = { id: agent.id, role: agent.role, departmentId: agent.departmentId };
    await handle.executeUpdate(assignUpdate, { args: [{ actor: agent, assignee }] });
    await bench.env.sleep(89 * DAY_MS);
    await handle.executeUpdate(resolveUpdate, {
      args: [{ actor: supervisor, outcome: 'customer_favour', rationale: 'bench' }],
    });
    await bench.env.sleep(61 * DAY_MS);
    const final = await handle.result();
    if (final.stage !== 'closed') throw new Error(`the 90-day case ended in ${final.stage}`);
    const watchId = attritionWatchWorkflowId(caseId);
    await bench.env.client.workflow.getHandle(watchId).result();
    const wallMs = performance.now() - started;
    const client = bench.env.client;
    return {
      wallMs,
      messages: await bench.db.notification.count({ where: { caseId } }),
      dispute: sizeOf(await historiesOf(client, handle.workflowId)),
      watch: sizeOf(await historiesOf(client, watchId)),
    };
  } finally {
    await bench.stop();
  }
}
