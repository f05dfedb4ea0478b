/**
 * The care team's queue: `GET /outreach` lists outreach (live ones by default, soonest due
 * first) and `GET /outreach/:id` shows one with its brief. The brief holds the customer's
 * profile, so only the care team, admins and auditors read it (policy: `readOutreach`). Actions on an outreach are staff actions
 * (routes/actions.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import type { OutreachTask, Prisma } from '../../db/generated/sqlite/client';
import { LIVE_OUTREACH_STATUSES, OUTREACH_STATUSES } from '../../../workflows/domain/care';
import { Problem } from '../problem';
import { flagParam, id, limitParam, oneOf } from '../validation';

export const OutreachFilter = z.strictObject({
  status: oneOf([...OUTREACH_STATUSES, 'live']).default('live'),
  assigneeId: id().optional(),
  caseId: id().optional(),
  customerId: id().optional(),
  overdue: flagParam().optional(),
  limit: limitParam(200, 50),
});

const json = (text: string | null) => (text === null ? null : JSON.parse(text));

function present(row: OutreachTask, now: Date) {
  return {
    id: row.id,
    caseId: row.caseId,
    customerId: row.customerId,
    episode: row.episode,
    status: row.status,
    riskLevel: row.riskLevel,
    dueAt: row.dueAt?.toISOString() ?? null,
    overdue: row.dueAt !== null && row.closedAt === null && row.dueAt < now,
    assigneeId: row.assigneeId,
    recommendation: json(row.recommendation),
    brief: json(row.brief),
    offerRequest: json(row.offerRequest),
    outcome: json(row.outcome),
    openedAt: row.createdAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

export function outreachRoutes({ db }: { db: Db }): Router {
  const router = Router();

  router.get('/outreach', async (req, res) => {
    const filter = OutreachFilter.parse(req.query);
    const now = new Date();
    const where: Prisma.OutreachTaskWhereInput = {
      status: filter.status === 'live' ? { in: [...LIVE_OUTREACH_STATUSES] } : filter.status,
      assigneeId: filter.assigneeId,
      caseId: filter.caseId,
      customerId: filter.customerId,
      ...(filter.overdue === true ? { dueAt: { lt: now }, closedAt: null } : {}),
      ...(filter.overdue === false ? { NOT: { dueAt: { lt: now }, closedAt: null } } : {}),
    };
    const rows = await db.outreachTask.findMany({
      where,
      orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      take: filter.limit,
    });
    res.json({ items: rows.map((row) => present(row, now)) });
  });

  router.get('/outreach/:id', async (req, res) => {
    const row = await db.outreachTask.findUnique({ where: { id: String(req.params.id) } });
    if (!row) throw Problem.notFound(`No outreach ${req.params.id}.`);
    res.json(present(row, new Date()));
  });

  return router;
}
