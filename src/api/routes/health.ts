import { Router } from 'express';
import { temporal as proto } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import { assertWritable } from '../../db/outage';

const TIMEOUT_MS = 2000;
/**
 * A worker long-polls its task queue and asks again at least once a minute, so a queue nobody
 * polled for this long has no live worker. (Temporal lists a gone poller for minutes more.)
 */
export const WORKER_SILENCE_MS = 90_000;

interface Check {
  ok: boolean;
  error?: string;
}

async function probe(check: () => Promise<unknown>): Promise<Check> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
      ),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n').at(-1)!.trim() };
  }
}

/** Whether some worker polled the task queue lately. */
async function workerPolling(temporal: Client, taskQueue: string): Promise<void> {
  const { pollers } = await temporal.workflowService.describeTaskQueue({
    namespace: temporal.options.namespace,
    taskQueue: { name: taskQueue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const latest = Math.max(0, ...(pollers ?? []).map((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000));
  if (Date.now() - latest > WORKER_SILENCE_MS) {
    throw new Error(`no worker has polled task queue ${taskQueue} in the last ${WORKER_SILENCE_MS / 1000} s`);
  }
}

/**
 * `GET /healthz`: liveness, 200 while the process serves requests (it asks nothing else, so a
 * database outage does not get the API restarted). `GET /readyz`: readiness, 200 when the
 * database takes a write, Temporal answers and a worker polls the task queue, each within two
 * seconds; 503 naming what does not.
 */
export function healthRoutes({ db, temporal, taskQueue }: { db: Db; temporal: Client; taskQueue: string }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [temporalStatus, database] = await Promise.all([
      probe(() => temporal.workflowService.getSystemInfo({})),
      probe(() => assertWritable(db)),
    ]);
    const worker = temporalStatus.ok
      ? await probe(() => workerPolling(temporal, taskQueue))
      : { ok: false, error: 'Temporal does not answer' };
    const ok = temporalStatus.ok && database.ok && worker.ok;
    res
      .status(ok ? 200 : 503)
      .set(ok ? {} : { 'Retry-After': '5' })
      .json({ status: ok ? 'ok' : 'degraded', temporal: temporalStatus, database, worker });
  });
  return router;
}
