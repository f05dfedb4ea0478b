/**
 * Operators' metrics on the product as separate processes: the API's metrics listener and the
 * worker's health port answer `/metrics` in the Prometheus text format (as Prometheus's own client
 * parses it), a staff action and a case's life are counted, the Temporal SDK's runtime metrics come
 * with the worker's, and every metric the Grafana dashboard and the alert rules in `ops/` name is
 * one of them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { issueToken } from '../../src/auth/tokens';
import { ROOT } from '../../src/db/target';
import { disputeOf, ProcessStack, undisputedTransactions } from '../../src/tools/process-stack';
import { eventually } from '../helpers/api-stack';
import { parsePrometheus, seriesNames, valueOf, type Family } from '../helpers/prometheus';

let dir: string;
let stack: ProcessStack;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'metrics-'));
  stack = await ProcessStack.start({ dir, customers: 3, shortClocks: false });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const scrape = async (url: string): Promise<Record<string, Family>> => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
};
const apiMetrics = () => scrape(`http://127.0.0.1:${stack.ports.apiMetrics}/metrics`);
const workerMetrics = () => scrape(`http://127.0.0.1:${stack.ports.health}/metrics`);

/** Every metric name a PromQL expression reads (labels and functions left out). */
function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '');
  return [...withoutStrings.matchAll(/\b(proactive_care_\w+|temporal_\w+|process_\w+|nodejs_\w+)/g)].map((m) => m[1]);
}

test('a case opened and a staff action on it are counted, and both endpoints parse as Prometheus text', async () => {
  const token = (await issueToken(stack.db, 'intake-agent-1', { days: 1, label: 'test' })).token;
  const [charge] = await undisputedTransactions(stack.db);
  const opened = await fetch(`${stack.apiBase}/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(disputeOf(charge)),
  });
  const { id } = (await opened.json()) as { id: string };
  const { departmentId } = await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id } }),
    (row) => row.stage === 'investigation',
  );
  const agent = `${departmentId}-agent-1`;
  const agentToken = (await issueToken(stack.db, agent, { days: 1, label: 'test' })).token;
  const assign = (assigneeId: string) =>
    fetch(`${stack.apiBase}/cases/${id}/assign`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ assigneeId }),
    });
  expect((await assign(agent)).status).toBe(200);
  expect((await assign(agent)).status).toBe(422); // already hers: refused by the case

  const api = await apiMetrics();
  expect(valueOf(api, 'proactive_care_staff_actions_total', { action: 'assign', outcome: 'done' })).toBe(1);
  expect(valueOf(api, 'proactive_care_staff_actions_total', { action: 'assign', outcome: 'refused' })).toBe(1);
  expect(
    valueOf(api, 'proactive_care_http_request_duration_seconds_count', {
      method: 'POST',
      route: '/cases/:id/assign',
      status: '200',
    }),
  ).toBe(1);
  // Routes by their pattern: no case id becomes a label.
  expect(JSON.stringify(api)).not.toContain(id);

  // The worker counts the case's life as its read model takes it, and passes the SDK's own on.
  const worker = await eventually(workerMetrics, (m) => valueOf(m, 'proactive_care_notifications_total') > 0);
  expect(valueOf(worker, 'proactive_care_cases_opened_total')).toBe(1);
  expect(valueOf(worker, 'proactive_care_notifications_total', { status: 'sent' })).toBeGreaterThanOrEqual(1);
  expect(Object.keys(worker).filter((name) => name.startsWith('temporal_')).length).toBeGreaterThan(5);
});

// After the case above: the SDK exports a latency only once it has measured one.
test('every metric the Grafana dashboard and the alert rules name is exported', async () => {
  const exported = new Set([...seriesNames(await apiMetrics()), ...seriesNames(await workerMetrics())]);
  const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'ops/grafana/proactive-care.json'), 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  const rules = parseYaml(readFileSync(path.join(ROOT, 'ops/prometheus/alerts.yml'), 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  const exprs = [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
  ];
  const named = [...new Set(exprs.flatMap(metricsIn))];
  expect(named.length).toBeGreaterThan(10);
  expect(named.filter((name) => !exported.has(name))).toEqual([]);
  expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(
    expect.arrayContaining(['SlaBreachRateHigh', 'NotificationsFailing', 'WorkerTaskBacklog', 'ApiServerErrors']),
  );
});
