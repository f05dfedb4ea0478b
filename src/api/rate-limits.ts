/**
 * Rate limits, with the standard `RateLimit` and `RateLimit-Policy` headers on every answer: one
 * budget per client address for everything, and one per credential for staff calls, so a leaked
 * or runaway token cannot starve its colleagues behind the same proxy. Over the limit: `429`
 * problem+json with `Retry-After`. Counters live in the process (one API replica counts alone).
 */
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { actorOf } from './auth';
import { Problem, sendProblem } from './problem';

export interface RateLimitSettings {
  /** Requests a minute from one address. */
  perAddress: number;
  /** Requests a minute with one credential. */
  perCredential: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = { perAddress: 1200, perCredential: 600 };

const WINDOW_MS = 60_000;

function limiter(limit: number, name: string, key: (req: Request, res: Response) => string): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    identifier: name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (_req, res, _next, options) => {
      const seconds = Math.ceil(options.windowMs / 1000);
      sendProblem(
        res,
        new Problem(
          429,
          'Too many requests',
          `More than ${options.limit} requests a minute ${name}; try again within ${seconds} s.`,
          {},
          { 'Retry-After': String(seconds) },
        ),
      );
    },
  });
}

export function perAddress(limit: number): RequestHandler {
  return limiter(limit, 'from this address', (req) => ipKeyGenerator(req.ip ?? 'unknown'));
}

/**
 * Keyed by who authenticated: one budget per member of staff (or system), whichever of their
 * tokens or JWTs they use. So it runs after authentication; the address budget guards before it.
 */
export function perCredential(limit: number): RequestHandler {
  return limiter(limit, 'by this member of staff', (_req, res) => `staff:${actorOf(res).id}`);
}
