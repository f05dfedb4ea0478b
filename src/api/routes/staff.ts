/**
 * Staff API tokens, for admins: `POST /staff/:id/tokens` issues one (the token is in this answer
 * and nowhere else, ever), `DELETE /tokens/:id` revokes one. `npm run staff` does the same from
 * a shell on the server.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { issueToken, MAX_TOKEN_DAYS, revokeToken } from '../../auth/tokens';
import { Problem } from '../problem';
import { requireJson, text } from '../validation';

export const NewToken = z.strictObject({
  days: z
    .number({ error: 'must be a number of days' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_TOKEN_DAYS, `must be at most ${MAX_TOKEN_DAYS}`)
    .optional(),
  label: text(100).optional(),
});

export function staffRoutes({ db }: { db: Db }): Router {
  const router = Router();

  router.post('/staff/:id/tokens', async (req, res) => {
    requireJson(req);
    const body = NewToken.parse(req.body ?? {});
    const staffId = String(req.params.id);
    const staff = await db.staff.findUnique({ where: { id: staffId } });
    if (!staff || !staff.active) throw Problem.notFound(`No active staff member ${staffId}.`);
    const issued = await issueToken(db, staffId, { days: body.days, label: body.label ?? null });
    res.status(201).set('Cache-Control', 'no-store').json(issued);
  });

  router.delete('/tokens/:id', async (req, res) => {
    const revoked = await revokeToken(db, String(req.params.id));
    if (!revoked) throw Problem.notFound(`No token ${req.params.id}.`);
    res.json({ id: revoked.id, staffId: revoked.staffId, revokedAt: revoked.revokedAt });
  });

  return router;
}
