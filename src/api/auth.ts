/**
 * Who is calling. Until real authentication lands the caller names themselves in `X-Actor`;
 * everything downstream reads `actorOf(res)`, so a token-verifying middleware can replace
 * `identifyByHeader` without touching a handler.
 */
import type { RequestHandler, Response } from 'express';
import type { Db } from '../db/client';
import { loadActor } from '../cases/actors';
import type { Actor } from '../../workflows/dispute/messages';
import { Problem } from './problem';

export function identifyByHeader(db: Db): RequestHandler {
  return async (req, res, next) => {
    const id = req.get('X-Actor');
    if (!id) throw unauthenticated('is required: the id of the staff member acting');
    const actor = await loadActor(db, id);
    if (!actor) throw unauthenticated(`no active staff member ${id}`);
    res.locals.actor = actor;
    next();
  };
}

function unauthenticated(message: string): Problem {
  return new Problem(401, 'Unauthenticated', `X-Actor: ${message}`, { errors: [{ field: 'X-Actor', message }] });
}

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}

/** Departments whose staff see every case: intake opens them, care looks after the customer. */
const SEES_ALL_DEPARTMENTS = new Set(['intake', 'care']);

/** The department an actor may see, or null for all of them. */
export function visibleDepartment(actor: Actor): string | null {
  return actor.role === 'admin' || actor.role === 'care_agent' || SEES_ALL_DEPARTMENTS.has(actor.departmentId)
    ? null
    : actor.departmentId;
}

export function assertMaySee(actor: Actor, caseDepartment: string, caseId: string): void {
  const visible = visibleDepartment(actor);
  // Not 403: a case outside one's department is not acknowledged to exist.
  if (visible !== null && visible !== caseDepartment) throw Problem.notFound(`No case ${caseId}.`);
}
