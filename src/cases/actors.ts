import type { Db } from '../db/client';
import type { Actor } from '../../workflows/domain/case';

type StaffRow = NonNullable<Awaited<ReturnType<Db['staff']['findUnique']>>>;

/** A staff member as the workflow's validators need them: role, department, authority. */
export const toActor = (staff: StaffRow): Actor => ({
  id: staff.id,
  role: staff.role,
  departmentId: staff.departmentId,
  authorityLimitCents: staff.authorityLimitCents,
});

/** The staff member behind an id, as the workflow's validators need them; null if unknown or inactive. */
export async function loadActor(db: Db, id: string): Promise<Actor | null> {
  const staff = await db.staff.findUnique({ where: { id } });
  return staff?.active ? toActor(staff) : null;
}
