/** `GET /audit`: the staff-call audit, newest first, for auditors and admins. */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { actorOf } from '../auth';
import { authorize } from '../policy';
import { id } from '../validation';

export const AuditFilter = z.strictObject({
  staffId: id().optional(),
  caseId: id().optional(),
  outcome: z.enum(['accepted', 'refused']).optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(100),
});

export function auditRoutes({ db }: { db: Db }): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    authorize(actorOf(res), 'readAudit');
    const filter = AuditFilter.parse(req.query);
    const rows = await db.staffCall.findMany({
      where: { staffId: filter.staffId, caseId: filter.caseId, outcome: filter.outcome },
      orderBy: { id: 'desc' },
      take: filter.limit,
    });
    res.json({ items: rows });
  });
  return router;
}
