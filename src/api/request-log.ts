/**
 * One log line per answered request: method, path without its query string, status, duration,
 * request id and the staff id, never headers or bodies (which carry credentials and personal data).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Response } from 'express';
import { pinoHttp } from 'pino-http';
import { log } from '../log';

const locals = (res: ServerResponse) => (res as Response).locals ?? {};

export const requestLog = pinoHttp({
  logger: log,
  genReqId: (_req, res) => (locals(res).requestId as string | undefined) ?? 'unknown',
  customProps: (_req, res) => ({ staffId: (locals(res).actor as { id: string } | undefined)?.id }),
  customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
  serializers: {
    req: (req: IncomingMessage & { id?: string }) => ({
      id: req.id,
      method: req.method,
      path: (req.url ?? '').split('?')[0],
    }),
    res: (res: ServerResponse) => ({ status: res.statusCode }),
  },
});
