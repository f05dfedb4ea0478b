/** Request pieces shared by the routes; every message names what is wrong, zod adds the field. */
import type { Request } from 'express';
import { z } from 'zod';
import { Problem } from './problem';

/** A money amount in currency units (12.99), as a number or a decimal string; parsed to cents. */
export const amountCents = z
  .union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number such as 12.99')])
  .transform(Number)
  .refine((v) => Number.isFinite(v) && v > 0, 'must be positive')
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'must have at most two decimal places')
  .transform((v) => Math.round(v * 100));

/** A query parameter `true` or `false`, as a boolean. */
export const flagParam = () =>
  z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** A page size from the query string: 1 to `max`, `fallback` when absent. */
export const limitParam = (max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** One of `values`; a missing one is "is required", a wrong one lists what would do. */
export const oneOf = <const Values extends readonly [string, ...string[]]>(values: Values) =>
  z.enum(values, {
    error: (issue) => (issue.input === undefined ? 'is required' : `must be one of ${values.join(', ')}`),
  });

export const id = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters');

/**
 * Characters that can hide or disguise text where staff and auditors read it: C0 and C1 controls
 * (a NUL, an escape) but tab and new line, and the bidirectional overrides and isolates that make
 * text display in another order than it is stored.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const DISGUISING = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const DISGUISING_MESSAGE = 'must not contain control characters or bidirectional overrides';

export const text = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !DISGUISING.test(value), DISGUISING_MESSAGE);

/** Optional free text that may be empty (a case's description). */
export const optionalText = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !DISGUISING.test(value), DISGUISING_MESSAGE)
    .optional();

/** The request's Idempotency-Key header, if any, checked. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.get('Idempotency-Key');
  if (key !== undefined && (key.length < 1 || key.length > 200)) {
    throw Problem.invalid([{ field: 'Idempotency-Key', message: 'must be 1 to 200 characters' }]);
  }
  return key;
}

/** A body, when there is one, must be JSON. */
export function requireJson(req: Request): void {
  if (req.get('content-type') && !req.is('application/json')) {
    throw new Problem(415, 'Unsupported media type', 'Send the request body as application/json.');
  }
}
