import type { Db } from '../src/db/client';
import { caseActivities } from './cases';

export interface ActivityDeps {
  db: Db;
  /** Wall clock; tests pass a fixed one. */
  now?: () => Date;
}

/** Builds every activity from its dependencies, so tests can pass real or fake ones. */
export function createActivities({ db, now = () => new Date() }: ActivityDeps) {
  return {
    ...caseActivities({ db, now }),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
