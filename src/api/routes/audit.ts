/** `GET /audit`: the staff-call audit, newest first, for auditors and admins. */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { id, limitParam, oneOf } from '../validation';

export const AuditFilter = z.strictObject({
  staffId: id().optional(),
  caseId: id().optional(),
  outcome: oneOf(['accepted', 'refused']).optional(),
  limit: limitParam(500, 100),
});

export function auditRoutes({ db }: { db: Db }): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
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
