/**
 * `GET /metrics` in the Prometheus text format: this process's registry, followed by the Temporal
 * SDK's own runtime metrics when the process runs a worker (the SDK serves them on a loopback port
 * of its own; they are passed on here so one scrape reads both). Served on listeners an operator
 * keeps internal: the worker's health port, the API's metrics port (METRICS_HOST, loopback by default).
 */
import type { Server } from 'node:http';
import express, { type RequestHandler } from 'express';
import { log } from '../log';
import { metrics } from './registry';

export function metricsEndpoint(sdkMetricsUrl: string | null = null): RequestHandler {
  return async (_req, res) => {
    const own = await metrics.metrics();
    const sdk = sdkMetricsUrl ? await sdkMetrics(sdkMetricsUrl) : '';
    res
      .set('Cache-Control', 'no-store')
      .type(metrics.contentType)
      .send(sdk ? `${own}\n${sdk}` : own);
  };
}

async function sdkMetrics(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.text() : '';
  } catch (error) {
    // Our own metrics still answer; the SDK's are missing from this scrape only.
    log.warn({ err: (error as Error).message }, 'the Temporal SDK metrics did not answer');
    return '';
  }
}

/** A listener that serves only `/metrics` (the API's, apart from the API itself). */
export function startMetricsServer(host: string, port: number): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsEndpoint());
  return new Promise((resolve) => {
    const server = app.listen(port, host, () => resolve(server));
  });
}
