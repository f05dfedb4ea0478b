import { proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../../activities';

/** The case's side effects on the database. */
export const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // No attempt limit: a database outage delays the case, it never fails it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
