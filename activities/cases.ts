import type { Db } from '../src/db/client';

export interface CaseActivityDeps {
  db: Db;
  now: () => Date;
}

export interface RecordIntakeInput {
  caseId: string;
  actor: string;
  /** When the case was opened, from workflow time, so a retry records the same instant. */
  at: string;
}

export function caseActivities({ db }: CaseActivityDeps) {
  return {
    /** Writes the intake event to the audit log; a retry finds the event and does nothing. */
    async recordIntake({ caseId, actor, at }: RecordIntakeInput): Promise<void> {
      await db.caseEvent.upsert({
        where: { caseId_eventKey: { caseId, eventKey: 'intake' } },
        update: {},
        create: { caseId, eventKey: 'intake', type: 'intake', actor, at: new Date(at) },
      });
    },
  };
}
