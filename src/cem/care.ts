/**
 * The figures about proactive care and how customers feel: the care funnel from attrition alert to
 * save, retention after resolution, what concessions cost against the value kept, CSAT and NPS
 * with and without an outreach. Each query aggregates in the database.
 */
import { grouped, points, share, total, type FigureContext, type Figures } from './rows';
import { num, sql } from './sql';

type CareFigures = Pick<
  Figures,
  | 'csat'
  | 'nps'
  | 'attrition_alerts'
  | 'outreach_opened'
  | 'outreach_reached'
  | 'offers_made'
  | 'offers_accepted'
  | 'saves'
  | 'losses'
  | 'retention_after_resolution'
  | 'concessions_cost'
>;

/** 'yes' when the case (as `c`) ever had a care outreach. */
const HAD_OUTREACH = sql`CASE WHEN EXISTS (SELECT 1 FROM "OutreachTask" o WHERE o."caseId" = c."id") THEN 'yes' ELSE 'no' END`;

export async function careFigures(q: FigureContext): Promise<CareFigures> {
  const [answers, steps, decided] = await Promise.all([surveyAnswers(q), careSteps(q), retentionDecided(q)]);
  const count = (of: (r: (typeof steps)[number]) => number) => (rows: readonly (typeof steps)[number][]) => ({
    value: total(rows, of),
  });
  // What concessions cost, and the lifetime value of the customers saved, where either happened.
  const money = [
    ...steps.filter((r) => r.conceded > 0).map((r) => ({ department: r.department, spent: r.spentCents, kept: 0 })),
    ...decided.filter((r) => r.saved > 0).map((r) => ({ department: r.department, spent: 0, kept: r.savedValueCents })),
  ];
  const known = (rows: readonly (typeof decided)[number][]) => total(rows, (r) => r.retained + r.lost);
  return {
    csat: grouped('csat', answers, (rows) =>
      share(
        total(rows, (r) => r.satisfied),
        total(rows, (r) => r.answers),
      ),
    ),
    nps: grouped('nps', answers, (rows) =>
      points(
        total(rows, (r) => r.promoters - r.detractors),
        total(rows, (r) => r.answers),
      ),
    ),
    attrition_alerts: grouped(
      'attrition_alerts',
      steps,
      count((r) => r.alerts),
    ),
    outreach_opened: grouped(
      'outreach_opened',
      steps,
      count((r) => r.opened),
    ),
    outreach_reached: grouped(
      'outreach_reached',
      steps,
      count((r) => r.reached),
    ),
    offers_made: grouped(
      'offers_made',
      steps,
      count((r) => r.offers),
    ),
    offers_accepted: grouped(
      'offers_accepted',
      steps,
      count((r) => r.accepted),
    ),
    saves: grouped('saves', decided, (rows) => ({ value: total(rows, (r) => r.saved) })),
    losses: grouped('losses', decided, (rows) => ({
      value: total(rows, (r) => (r.outreach === 'yes' ? r.lostVerdicts : 0)),
    })),
    retention_after_resolution: grouped('retention_after_resolution', decided, (rows) =>
      share(
        total(rows, (r) => r.retained),
        known(rows),
      ),
    ),
    concessions_cost: grouped('concessions_cost', money, (rows) =>
      share(
        total(rows, (r) => r.spent),
        total(rows, (r) => r.kept),
      ),
    ),
  };
}

/** Survey answers given in the range, by department and outreach: how many, satisfied, promoters, detractors. */
async function surveyAnswers({ db, range, inDepartment }: FigureContext) {
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT c."departmentId" AS department, ${HAD_OUTREACH} AS outreach, COUNT(*) AS answers,
           SUM(CASE WHEN a."satisfaction" >= 4 THEN 1 ELSE 0 END) AS satisfied,
           SUM(CASE WHEN a."recommend" >= 9 THEN 1 ELSE 0 END) AS promoters,
           SUM(CASE WHEN a."recommend" <= 6 THEN 1 ELSE 0 END) AS detractors
    FROM "SurveyAnswer" a JOIN "Case" c ON c."id" = a."caseId"
    WHERE a."answeredAt" >= ${range.from} AND a."answeredAt" < ${range.to} ${inDepartment}
    GROUP BY 1, 2`);
  return rows.map((r) => ({
    department: String(r.department),
    outreach: String(r.outreach),
    answers: num(r.answers),
    satisfied: num(r.satisfied),
    promoters: num(r.promoters),
    detractors: num(r.detractors),
  }));
}

/** The care team's steps in the range, by department, read from the JSON each event carries. */
async function careSteps({ db, dialect, range, inDepartment }: FigureContext) {
  const field = (key: string) => dialect.jsonField(sql`e."data"`, key);
  const offer = (key: string) => dialect.jsonField(field('offer'), key);
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT c."departmentId" AS department,
           SUM(CASE WHEN e."type" = 'attrition_risk_changed' AND ${field('to')} = 'high' THEN 1 ELSE 0 END) AS alerts,
           SUM(CASE WHEN e."type" = 'outreach_opened' THEN 1 ELSE 0 END) AS opened,
           SUM(CASE WHEN e."type" = 'outreach_completed' AND CAST(${field('reached')} AS TEXT) IN ('1', 'true')
                    THEN 1 ELSE 0 END) AS reached,
           SUM(CASE WHEN e."type" = 'outreach_completed' AND ${field('offer')} IS NOT NULL THEN 1 ELSE 0 END) AS offers,
           SUM(CASE WHEN e."type" = 'outreach_completed' AND ${offer('response')} = 'accepted' THEN 1 ELSE 0 END) AS accepted,
           SUM(CASE WHEN e."type" = 'concession_granted' THEN 1 ELSE 0 END) AS conceded,
           SUM(CASE WHEN e."type" = 'concession_granted' THEN COALESCE(CAST(${field('valueCents')} AS INTEGER), 0)
                    ELSE 0 END) AS spent
    FROM "CaseEvent" e JOIN "Case" c ON c."id" = e."caseId"
    WHERE e."type" IN ('attrition_risk_changed', 'outreach_opened', 'outreach_completed', 'concession_granted')
      AND e."at" >= ${range.from} AND e."at" < ${range.to} ${inDepartment}
    GROUP BY 1`);
  return rows.map((r) => ({
    department: String(r.department),
    alerts: num(r.alerts),
    opened: num(r.opened),
    reached: num(r.reached),
    offers: num(r.offers),
    accepted: num(r.accepted),
    conceded: num(r.conceded),
    spentCents: num(r.spent),
  }));
}

/** Cases whose retention was decided in the range, by department and outreach: the outcomes and verdicts. */
async function retentionDecided({ db, range, inDepartment }: FigureContext) {
  const rows = await db.$queryRaw<Record<string, unknown>[]>(sql`
    SELECT c."departmentId" AS department, ${HAD_OUTREACH} AS outreach,
           SUM(CASE WHEN c."retentionOutcome" = 'retained' THEN 1 ELSE 0 END) AS retained,
           SUM(CASE WHEN c."retentionOutcome" = 'lost' THEN 1 ELSE 0 END) AS lost,
           SUM(CASE WHEN c."careVerdict" = 'saved' THEN 1 ELSE 0 END) AS saved,
           SUM(CASE WHEN c."careVerdict" = 'lost' THEN 1 ELSE 0 END) AS lost_verdicts,
           SUM(CASE WHEN c."careVerdict" = 'saved' THEN k."lifetimeValueCents" ELSE 0 END) AS saved_value
    FROM "Case" c JOIN "Customer" k ON k."id" = c."customerId"
    WHERE c."retentionDecidedAt" >= ${range.from} AND c."retentionDecidedAt" < ${range.to} ${inDepartment}
    GROUP BY 1, 2`);
  return rows.map((r) => ({
    department: String(r.department),
    outreach: String(r.outreach),
    retained: num(r.retained),
    lost: num(r.lost),
    saved: num(r.saved),
    lostVerdicts: num(r.lost_verdicts),
    savedValueCents: num(r.saved_value),
  }));
}
