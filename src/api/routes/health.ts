import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';

const TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
      ),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * `GET /healthz`: liveness, 200 while the process serves requests (it asks nothing else, so a
 * database outage does not get the API restarted). `GET /readyz`: readiness, 200 when Temporal
 * and the database answer within two seconds, 503 naming the one that does not.
 */
export function healthRoutes({ db, temporal }: { db: Db; temporal: Client }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [temporalStatus, database] = await Promise.all([
      probe(() => temporal.workflowService.getSystemInfo({})),
      probe(() => db.$queryRawUnsafe('SELECT 1')),
    ]);
    const ok = temporalStatus.ok && database.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', temporal: temporalStatus, database });
  });
  return router;
}
