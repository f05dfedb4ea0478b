/**
 * The satisfaction survey on the customer's case page, once the case is decided: how satisfied
 * she is (1-5, for CSAT), how likely she is to recommend the bank (0-10, for NPS) and a comment.
 * One answer per case; a second submit changes nothing.
 */
import { z } from 'zod';
import type { Db } from '../db/client';
import { refreshFacts, STALE_FACTS } from '../cem/rollup';
import { log } from '../log';
import type { CaseVisitor } from './sessions';

const score = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `choose ${what}` })
    .int({ error: `choose ${what}` })
    .min(min, { error: `choose ${what}` })
    .max(max, { error: `choose ${what}` });

export const SurveyForm = z.object({
  satisfaction: score(1, 5, 'how satisfied you are, 1 to 5'),
  recommend: score(0, 10, 'how likely you are to recommend us, 0 to 10'),
  comment: z
    .string()
    .trim()
    .max(2000, { error: 'keep it under 2,000 characters' })
    .optional()
    .transform((text) => text || null),
});
export type SurveyForm = z.infer<typeof SurveyForm>;

/** Stages after which she is asked: the dispute is decided. */
export const SURVEYED_STAGES: readonly string[] = ['resolved', 'closed'];

/** Records her answer once: `before` when the case had one already (a double submit). */
export async function answerSurvey(db: Db, visitor: CaseVisitor, form: SurveyForm): Promise<'now' | 'before'> {
  try {
    await db.$transaction([
      db.surveyAnswer.create({ data: { caseId: visitor.caseId, customerId: visitor.customerId, ...form } }),
      db.case.update({ where: { id: visitor.caseId }, data: STALE_FACTS }),
    ]);
  } catch (error) {
    if ((error as { code?: string }).code !== 'P2002') throw error;
    return 'before';
  }
  // Her answer is kept; should the figures' refresh fail, the next figure request makes it.
  await refreshFacts(db, [visitor.caseId]).catch((error: Error) =>
    log.warn({ err: error, caseId: visitor.caseId }, 'figure facts left stale'),
  );
  return 'now';
}
