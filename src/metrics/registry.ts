/**
 * The product's Prometheus metrics (prom-client): one registry per process, scraped from the API's
 * metrics listener and the worker's health port. Each metric is counted where the fact happens once:
 * a request as it is answered, a staff action as the API answers it, a case's lifecycle as its read
 * model takes the new events (a retried write takes none twice), a message as it is marked sent or
 * failed. README, "Operating it", lists them; `ops/` charts and alerts on them.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const metrics = new Registry();
// The process's own: CPU, memory, event-loop lag, handles.
collectDefaultMetrics({ register: metrics });

const registers = [metrics];

export const httpRequestDuration = new Histogram({
  name: 'proactive_care_http_request_duration_seconds',
  help: 'API requests by method, route (as the route table names it) and status, and how long they took',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

export const staffActions = new Counter({
  name: 'proactive_care_staff_actions_total',
  help: 'Staff actions by name and outcome: done, accepted (not finished within the deadline), refused, failed',
  labelNames: ['action', 'outcome'] as const,
  registers,
});

export const casesOpened = new Counter({
  name: 'proactive_care_cases_opened_total',
  help: 'Dispute cases opened',
  registers,
});

export const casesClosed = new Counter({
  name: 'proactive_care_cases_closed_total',
  help: 'Dispute cases closed, by outcome',
  labelNames: ['outcome'] as const,
  registers,
});

export const slaBreaches = new Counter({
  name: 'proactive_care_sla_breaches_total',
  help: 'SLA clocks that passed their deadline, by department',
  labelNames: ['department'] as const,
  registers,
});

export const outreachOpened = new Counter({
  name: 'proactive_care_outreach_opened_total',
  help: 'Care outreach opened for customers at risk of leaving',
  registers,
});

export const outreachClosed = new Counter({
  name: 'proactive_care_outreach_closed_total',
  help: 'Care outreach closed: completed by the care team, or expired',
  labelNames: ['status'] as const,
  registers,
});

export const notifications = new Counter({
  name: 'proactive_care_notifications_total',
  help: 'Customer messages by channel and status: sent, or failed after every attempt',
  labelNames: ['channel', 'status'] as const,
  registers,
});

export const dependencyErrors = new Counter({
  name: 'proactive_care_dependency_errors_total',
  help: 'Calls to the database or to Temporal that failed',
  labelNames: ['dependency'] as const,
  registers,
});

/** The case events that move the lifecycle counters, as a read-model write takes them. */
export function countCaseEvents(
  events: readonly { type: string; data: Record<string, unknown> }[],
  departmentId: string,
): void {
  for (const { type, data } of events) {
    if (type === 'opened') casesOpened.inc();
    else if (type === 'closed') casesClosed.inc({ outcome: String(data.outcome ?? 'none') });
    else if (type === 'sla_breached') slaBreaches.inc({ department: departmentId });
    else if (type === 'outreach_opened') outreachOpened.inc();
    else if (type === 'outreach_completed') outreachClosed.inc({ status: 'completed' });
    else if (type === 'outreach_expired') outreachClosed.inc({ status: 'expired' });
  }
}
