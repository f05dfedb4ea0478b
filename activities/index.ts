import type { Db } from '../src/db/client';
import { caseActivities, type CaseActivityDeps } from './cases';

export interface ActivityDeps {
  db: Db;
  /** Case policy defaults; tests shorten the reopen window, for one. */
  policy?: CaseActivityDeps['policy'];
  holidayCalendar?: string;
}

/** Builds every activity from its dependencies, so tests can pass real or fake ones. */
export function createActivities({ db, policy, holidayCalendar }: ActivityDeps) {
  return {
    ...caseActivities({ db, policy, holidayCalendar }),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
