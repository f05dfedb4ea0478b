/**
 * A request id on every response (`X-Request-Id`) and in every problem body, so a member of staff
 * reporting an error and the operator reading the logs talk about the same request. A caller's
 * own id (from a gateway, say) is kept when it is a plain token; anything else gets a fresh one.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

const PLAIN = /^[\w.:-]{1,128}$/;

export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('X-Request-Id');
  const id = given && PLAIN.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.set('X-Request-Id', id);
  next();
};

export const requestIdOf = (res: Response): string | undefined => res.locals.requestId as string | undefined;
