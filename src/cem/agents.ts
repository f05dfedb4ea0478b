/**
 * The figures about the staff's workload: open cases held, actions a day and the time from an
 * assignment to the first action on it, per member of staff.
 */
import { DAY_MS } from '../../workflows/domain/time';
import { medians, share, type FigureContext, type Figures } from './rows';
import { empty, num, raw, sql } from './sql';

type AgentFigures = Pick<Figures, 'agent_open_cases' | 'agent_actions_per_day' | 'agent_first_action_hours'>;

/** Events (as `alias`) by members of staff: not the system's, not customers'. */
const byStaff = (alias: string) =>
  raw(`${alias}."actor" NOT LIKE 'system:%' AND ${alias}."actor" NOT LIKE 'customer:%'`);

export async function agentFigures(q: FigureContext): Promise<AgentFigures> {
  const { db, range } = q;
  const [held, actions, firstActions] = await Promise.all([
    db.case.groupBy({
      by: ['assigneeId'],
      where: {
        ...(range.departmentId ? { departmentId: range.departmentId } : {}),
        stage: { notIn: ['resolved', 'closed'] },
        assigneeId: { not: null },
      },
      _count: { _all: true },
    }),
    staffActions(q),
    firstActionHours(q),
  ]);
  const rangeDays = (range.to.getTime() - range.from.getTime()) / DAY_MS;
  return {
    agent_open_cases: held
      .map((h) => ({ group: { agent: h.assigneeId! }, value: h._count._all }))
      .sort((a, b) => a.group.agent.localeCompare(b.group.agent)),
    agent_actions_per_day: actions
      .sort((a, b) => a.agent.localeCompare(b.agent))
      .map((a) => ({ group: { agent: a.agent }, ...share(a.events, rangeDays) })),
    agent_first_action_hours: medians(firstActions.map((f) => ({ group: { agent: f.agent }, value: f.hours }))),
  };
}

/** Each member of staff's events in the range: every action they took on a case. */
async function staffActions({ db, range, inDepartment }: FigureContext) {
  const cases = range.departmentId ? sql`JOIN "Case" c ON c."id" = e."caseId"` : empty;
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT e."actor" AS agent, COUNT(*) AS events
    FROM "CaseEvent" e ${cases}
    WHERE e."at" >= ${range.from} AND e."at" < ${range.to} AND ${byStaff('e')} ${inDepartment}
    GROUP BY 1`);
  return rows.map((r) => ({ agent: String(r.agent), events: num(r.events) }));
}

/** For each assignment in the range that its assignee has acted on, the hours until they did. */
async function firstActionHours({ db, dialect, range, inDepartment }: FigureContext) {
  const cases = range.departmentId ? sql`JOIN "Case" c ON c."id" = a."caseId"` : empty;
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT a."agentId" AS agent, ${dialect.daysBetween(sql`a."actedAt"`, sql`a."assignedAt"`)} * 24 AS hours
    FROM "CaseAssignment" a ${cases}
    WHERE a."assignedAt" >= ${range.from} AND a."assignedAt" < ${range.to} AND a."actedAt" IS NOT NULL ${inDepartment}`);
  return rows.map((r) => ({ agent: String(r.agent), hours: num(r.hours) }));
}
