/**
 * The audit of staff calls: every request to a staff route leaves one row in `StaffCall` when
 * its answer is sent, accepted or refused, with who called (if known), what, which case, the
 * status and, for a refusal, why. Handlers name the case and the action they dealt with in
 * `res.locals`; the request body is never kept. The row is written after the answer, so the
 * audit never slows or breaks a call; a failed write is reported on stderr.
 */
import type { RequestHandler, Response } from 'express';
import type { Db } from '../db/client';
import type { Actor } from '../../workflows/domain/case';
import { log } from '../log';
import { requestIdOf } from './request-id';

/** What a handler tells the audit about the call it served. */
export function auditAs(res: Response, details: { caseId?: string; action?: string }): void {
  Object.assign(res.locals, { auditCaseId: details.caseId, auditAction: details.action });
}

/** The refusal's reason, set by the problem handler. */
export function auditReason(res: Response, reason: string): void {
  res.locals.auditReason = reason;
}

export function auditStaffCalls(db: Db): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const actor = res.locals.actor as Actor | undefined;
      const locals = res.locals as { auditCaseId?: string; auditAction?: string; auditReason?: string };
      const accepted = res.statusCode < 400;
      db.staffCall
        .create({
          data: {
            requestId: requestIdOf(res) ?? 'unknown',
            staffId: actor?.id ?? null,
            role: actor?.role ?? null,
            method: req.method,
            // The path only: query strings may carry customer ids and are not needed to audit.
            path: req.originalUrl.split('?')[0].slice(0, 500),
            action: locals.auditAction ?? null,
            caseId: locals.auditCaseId ?? caseInPath(req.originalUrl),
            status: res.statusCode,
            outcome: accepted ? 'accepted' : 'refused',
            reason: accepted ? null : (locals.auditReason ?? null),
          },
        })
        .catch((error: Error) =>
          log.error({ requestId: requestIdOf(res), err: error.message }, 'staff call audit not written'),
        );
    });
    next();
  };
}

const caseInPath = (url: string): string | null => /^\/cases\/([^/?]+)/.exec(url)?.[1] ?? null;
