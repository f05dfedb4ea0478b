/**
 * Each answered request in the latency histogram, labelled by the route as the route table names
 * it (`/cases/:id`, never a case id), so the series stay few whatever the traffic.
 */
import type { RequestHandler } from 'express';
import { httpRequestDuration } from '../metrics/registry';
import { routeFor } from './route-table';

export const requestMetrics: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeFor(req.method, req.originalUrl.split('?')[0])?.path ?? 'unmatched';
    httpRequestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
  });
  next();
};
