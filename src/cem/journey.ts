/**
 * The journey: for each stage and department, how long cases sat there and what began while they
 * did, from the stays the read-model sync keeps and the place stamped on each event. Its rows, and
 * its department filter, are where the case sat, not where it is now.
 */
import { counted, medians, type FigureContext, type Figures } from './rows';
import { empty, num, raw, sql } from './sql';

type JourneyFigures = Pick<
  Figures,
  'journey_wait_days' | 'journey_chases' | 'journey_alerts' | 'journey_outreach' | 'journey_losses'
>;

export async function journeyFigures(q: FigureContext): Promise<JourneyFigures> {
  const [stays, touches, losses] = await Promise.all([stayLengths(q), touchesByPlace(q), lossesByPlace(q)]);
  const place = (r: { stage: string; department: string }) => ({ stage: r.stage, department: r.department });
  const byPlace = (of: (r: (typeof touches)[number]) => number) =>
    counted(
      touches.filter((r) => of(r) > 0),
      place,
      of,
    );
  return {
    journey_wait_days: medians(stays.map((s) => ({ group: place(s), value: s.days }))),
    journey_chases: byPlace((r) => r.chases),
    journey_alerts: byPlace((r) => r.alerts),
    journey_outreach: byPlace((r) => r.outreach),
    journey_losses: counted(losses, place),
  };
}

/** `AND <alias>."departmentId" = …` when one department is asked for: where the case sat. */
const sat = ({ range }: FigureContext, alias: string) =>
  range.departmentId ? sql`AND ${raw(alias)}."departmentId" = ${range.departmentId}` : empty;

/** Stays that ended in the range, but in the resolved and closed stages: their place and length in days. */
async function stayLengths(q: FigureContext) {
  const { db, dialect, range } = q;
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT s."stage" AS stage, s."departmentId" AS department,
           ${dialect.daysBetween(sql`s."leftAt"`, sql`s."enteredAt"`)} AS days
    FROM "CaseStay" s
    WHERE s."leftAt" >= ${range.from} AND s."leftAt" < ${range.to} AND s."stage" NOT IN ('resolved', 'closed')
      ${sat(q, 's')}`);
  return rows.map((r) => ({ stage: String(r.stage), department: String(r.department), days: num(r.days) }));
}

/** Chases, attrition alerts and outreach in the range, by the place the case sat in then. */
async function touchesByPlace(q: FigureContext) {
  const { db, dialect, range } = q;
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT e."stage" AS stage, e."departmentId" AS department,
           SUM(CASE WHEN e."type" = 'customer_contacted' THEN 1 ELSE 0 END) AS chases,
           SUM(CASE WHEN e."type" = 'attrition_risk_changed' AND ${dialect.jsonField(sql`e."data"`, 'to')} = 'high'
                    THEN 1 ELSE 0 END) AS alerts,
           SUM(CASE WHEN e."type" = 'outreach_opened' THEN 1 ELSE 0 END) AS outreach
    FROM "CaseEvent" e
    WHERE e."type" IN ('customer_contacted', 'attrition_risk_changed', 'outreach_opened')
      AND e."at" >= ${range.from} AND e."at" < ${range.to} AND e."stage" IS NOT NULL ${sat(q, 'e')}
    GROUP BY 1, 2`);
  return rows.map((r) => ({
    stage: String(r.stage),
    department: String(r.department),
    chases: num(r.chases),
    alerts: num(r.alerts),
    outreach: num(r.outreach),
  }));
}

/**
 * Customers lost (retention decided in the range), each by the place of their case's first
 * attrition alert: where the loss began. Losses with no placed alert are left out.
 */
async function lossesByPlace(q: FigureContext) {
  const { db, dialect, range } = q;
  const alerts = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT e."caseId" AS case_id, e."stage" AS stage, e."departmentId" AS department
    FROM "CaseEvent" e JOIN "Case" c ON c."id" = e."caseId"
    WHERE c."retentionDecidedAt" >= ${range.from} AND c."retentionDecidedAt" < ${range.to}
      AND c."retentionOutcome" = 'lost'
      AND e."type" = 'attrition_risk_changed' AND e."stage" IS NOT NULL
      AND ${dialect.jsonField(sql`e."data"`, 'to')} = 'high'
    ORDER BY e."at", e."id"`);
  const began = new Map<string, { stage: string; department: string }>();
  for (const a of alerts) {
    const caseId = String(a.case_id);
    if (!began.has(caseId)) began.set(caseId, { stage: String(a.stage), department: String(a.department) });
  }
  return [...began.values()].filter((p) => !range.departmentId || p.department === range.departmentId);
}
