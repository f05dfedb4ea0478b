import type { Db } from '../db/client';
import type { Actor } from '../../workflows/dispute/messages';

/** The staff member behind an id, as the workflow's validators need them; null if unknown or inactive. */
export async function loadActor(db: Db, id: string): Promise<Actor | null> {
  const staff = await db.staff.findUnique({ where: { id } });
  if (!staff || !staff.active) return null;
  return {
    id: staff.id,
    role: staff.role,
    departmentId: staff.departmentId,
    authorityLimitCents: staff.authorityLimitCents,
  };
}
