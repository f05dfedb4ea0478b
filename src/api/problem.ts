import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { isDatabaseOutage } from '../db/outage';
import { log } from '../log';
import { dependencyErrors } from '../metrics/registry';
import { requestIdOf } from './request-id';
import { auditReason } from './staff-calls';

/** One wrong field of a request, as RFC 9457 problem details carry it in `errors`. */
export interface FieldError {
  field: string;
  message: string;
}

/** An error the API answers with `application/problem+json` (RFC 9457). */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers the problem needs (`WWW-Authenticate`, `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  static invalid(errors: FieldError[]): Problem {
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new Problem(422, 'Invalid request', detail, { errors });
  }

  static notFound(detail: string): Problem {
    return new Problem(404, 'Not found', detail);
  }

  /** No such case; a workflow id given for a case id (`dispute-DSP-…`) is told which is which. */
  static noCase(id: string): Problem {
    const caseId = /^dispute-(.+)$/.exec(id)?.[1];
    const hint = caseId ? ` That is a workflow id; the case id is ${caseId}.` : '';
    return Problem.notFound(`No case ${id}.${hint}`);
  }
}

export function sendProblem(res: Response, problem: Problem): void {
  auditReason(res, problem.detail);
  res
    .set(problem.headers)
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...problem.extra,
      // The same id is in the X-Request-Id header, for whoever reports the error.
      requestId: requestIdOf(res),
    });
}

export function fieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length
      ? issue.path.join('.')
      : issue.code === 'unrecognized_keys'
        ? issue.keys.join(', ')
        : 'body',
    message: issue.message,
  }));
}

/**
 * How an error is answered: its Problem; only the unexpected ones are 500s, and they are logged.
 * The console's error pages and the API's problem+json say the same.
 */
export function problemOf(error: unknown, res: Response): Problem {
  return countedDependencyError(classify(error, res));
}

/** Temporal or the database failing a call is counted for operators (their alerts watch the rate). */
function countedDependencyError(problem: Problem): Problem {
  if (problem.title === 'Database unavailable') dependencyErrors.inc({ dependency: 'database' });
  else if (problem.title === 'Temporal unavailable') dependencyErrors.inc({ dependency: 'temporal' });
  return problem;
}

function classify(error: unknown, res: Response): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof ZodError) return Problem.invalid(fieldErrors(error));
  // body-parser's errors: malformed JSON, too large, wrong charset.
  const status = (error as { status?: number }).status;
  if ((error as { type?: string }).type === 'entity.parse.failed') {
    const message = `not valid JSON (${(error as Error).message})`;
    return new Problem(400, 'Malformed JSON', `body: ${message}`, { errors: [{ field: 'body', message }] });
  }
  if (isDatabaseOutage(error)) {
    log.warn({ requestId: requestIdOf(res), err: (error as Error).message }, 'database unavailable');
    return new Problem(
      503,
      'Database unavailable',
      'The database did not answer; try again shortly.',
      {},
      { 'Retry-After': '5' },
    );
  }
  if (status && status >= 400 && status < 500) return new Problem(status, 'Bad request', (error as Error).message);
  log.error({ requestId: requestIdOf(res), err: error as Error }, 'unexpected error');
  return new Problem(500, 'Internal error', 'Something went wrong on our side.');
}

/** Answers every error as problem+json. */
export const problemHandler: ErrorRequestHandler = (error, _req, res, _next) => sendProblem(res, problemOf(error, res));
