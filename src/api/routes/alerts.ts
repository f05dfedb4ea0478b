import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { actorOf } from '../auth';
import { Problem } from '../problem';
import { flagParam } from '../validation';

export const AlertFilter = z.strictObject({
  unread: flagParam().optional(),
});

/** The caller's own work-queue alerts: SLA warnings and breaches, escalations. */
export function alertRoutes({ db }: { db: Db }): Router {
  const router = Router();

  router.get('/alerts', async (req, res) => {
    const { unread } = AlertFilter.parse(req.query);
    const alerts = await db.staffAlert.findMany({
      where: { staffId: actorOf(res).id, ...(unread === true ? { readAt: null } : {}) },
      orderBy: { createdAt: 'desc' },
      take: 200,
    });
    res.json({
      items: alerts.map(({ id, caseId, kind, message, createdAt, readAt }) => ({
        id,
        caseId,
        kind,
        message,
        createdAt,
        readAt,
      })),
    });
  });

  router.post('/alerts/:id/read', async (req, res) => {
    const alert = await db.staffAlert.findUnique({ where: { id: String(req.params.id) } });
    if (!alert || alert.staffId !== actorOf(res).id) throw Problem.notFound(`No alert ${req.params.id}.`);
    const updated = alert.readAt
      ? alert
      : await db.staffAlert.update({ where: { id: alert.id }, data: { readAt: new Date() } });
    res.json({ id: updated.id, readAt: updated.readAt });
  });

  return router;
}
