import type { Db } from '../src/db/client';
import { caseActivities, type CaseActivityDeps } from './cases';

export interface ActivityDeps {
  db: Db;
  /** Wall clock; tests pass a fixed one. */
  now?: () => Date;
  policy?: CaseActivityDeps['policy'];
}

/** Builds every activity from its dependencies, so tests can pass real or fake ones. */
export function createActivities({ db, now = () => new Date(), policy }: ActivityDeps) {
  return {
    ...caseActivities({ db, now, policy }),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
