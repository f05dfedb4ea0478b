import { proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../../activities';

/**
 * The case's side effects on the database. Each takes milliseconds, so a worker that dies in the
 * middle of one has its work retried elsewhere after ten seconds.
 */
export const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '10 seconds',
  // No attempt limit: a database outage delays the case, it never fails it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Side effects that call a provider too (the care queue's email), which may take seconds: they
 * heartbeat, so a dead worker is noticed within five seconds whatever the call's length.
 */
export const deliveries = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
