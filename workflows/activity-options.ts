/**
 * Every activity the workflows call, with its timeouts and retries: one place to read how long a
 * side effect may take and how hard it is retried. Activities are idempotent, so a retry is safe.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';

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

/**
 * Sending a notification to the customer. Heartbeats tell within seconds that a worker died
 * mid-send; the backoff then grows to an hour, so the case policy's attempts span an SMTP or SMS
 * outage of hours before the notification is given up and staff are alerted.
 */
export const notificationDelivery = (maximumAttempts: number) =>
  proxyActivities<CaseActivities>({
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '5 seconds',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts },
  });

/** The attrition watch's looks at the customer's usage. */
export const watchActivities = proxyActivities<CaseActivities>({
  // Database reads of milliseconds: a worker that dies mid-poll has it retried elsewhere soon.
  startToCloseTimeout: '15 seconds',
  // A database outage delays a poll; the watch never gives up on its customer.
  retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes' },
});

/**
 * A bulk operation's step: one staff action on one case, as the API carries it out (the Update
 * waits seconds for the case). It heartbeats, so a dead worker's step is retried within seconds;
 * the step's idempotency key makes the retry find what the first try did.
 */
export const bulkSteps = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Filing with the card network. Its adapter may be down for hours: the filing waits, with a
 * backoff to an hour, and never gives up by itself (the case's network clocks tell staff). A
 * refusal by the network is final and comes back at once.
 */
export const networkFilings = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    nonRetryableErrorTypes: ['NetworkRefused'],
  },
});
