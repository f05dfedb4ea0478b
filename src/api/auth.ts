/**
 * Who is calling: a bearer token in `Authorization`, either a staff API token (verified against
 * the stored hashes) or, when an identity provider is configured, its JWT; on a route that takes
 * one, a browser session's cookie instead (`src/web/sessions.ts`). A claimed name is
 * never identity: `X-Actor` is refused. Everything downstream reads `actorOf(res)`.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/client';
import { looksLikeJwt, type JwtVerifier } from '../auth/jwt';
import { verifyToken, type TokenCheck } from '../auth/tokens';
import { loadActor } from '../cases/actors';
import { isDatabaseOutage } from '../db/outage';
import type { Actor } from '../../workflows/domain/case';
import { Problem } from './problem';

/** RFC 6750's b64token after `Bearer ` and a single space. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

/** Who a browser session stands for, where the route takes one in place of a bearer token. */
export type SessionCheck = (req: Request, res: Response) => Promise<Actor | null>;

export function authenticate(db: Db, jwt: JwtVerifier | null = null, fromSession?: SessionCheck): RequestHandler {
  const verified = new VerifiedCredentials();
  return async (req, res, next) => {
    const header = req.get('Authorization');
    const signedIn = !header && fromSession ? await fromSession(req, res) : null;
    if (signedIn) {
      res.locals.actor = signedIn;
      return next();
    }
    if (!header) {
      const hint = req.get('X-Actor') ? '; X-Actor is not accepted as identity' : '';
      throw unauthenticated(`is required: Bearer <token>${hint}`);
    }
    // One spelling only: a variant (case, spaces, trailing words) is refused rather than read as
    // the same credential, so nothing keyed on the header can be told two of them apart.
    const token = BEARER.exec(header)?.[1];
    if (!token) throw unauthenticated('must be exactly "Bearer <token>": one space, no other words');
    let check: TokenCheck;
    try {
      check = jwt && looksLikeJwt(token) ? await fromJwt(db, jwt, token) : await verifyToken(db, token);
    } catch (error) {
      const known = isDatabaseOutage(error) ? verified.recall(token) : null;
      if (!known) throw error;
      check = { actor: known };
    }
    if ('refused' in check) {
      verified.forget(token);
      throw unauthenticated(`the token ${check.refused}`);
    }
    verified.remember(token, check.actor);
    res.locals.actor = check.actor;
    next();
  };
}

/**
 * Stale-if-error for credentials: while the database cannot be asked, a credential it vouched for
 * in the last ten minutes still names its caller, so a retry can learn what became of an action.
 * A revocation made meanwhile takes effect when the database answers again.
 */
export class VerifiedCredentials {
  private readonly seen = new Map<string, { actor: Actor; at: number }>();

  constructor(
    private readonly staleMs = 10 * 60_000,
    private readonly capacity = 10_000,
    private readonly now = () => Date.now(),
  ) {}

  remember(token: string, actor: Actor): void {
    const key = digest(token);
    this.seen.delete(key);
    this.seen.set(key, { actor, at: this.now() });
    // Oldest first in a Map: drop from the front.
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
  }

  recall(token: string): Actor | null {
    const entry = this.seen.get(digest(token));
    return entry && this.now() - entry.at <= this.staleMs ? entry.actor : null;
  }

  forget(token: string): void {
    this.seen.delete(digest(token));
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** The identity provider says who the caller is; this database says whether they are staff. */
async function fromJwt(db: Db, jwt: JwtVerifier, token: string): Promise<TokenCheck> {
  const verified = await jwt(token);
  if ('refused' in verified) return verified;
  const actor = await loadActor(db, verified.staffId);
  return actor ? { actor } : { refused: `names ${verified.staffId}, who is not active staff` };
}

function unauthenticated(message: string): Problem {
  return new Problem(
    401,
    'Unauthenticated',
    `Authorization: ${message}`,
    { errors: [{ field: 'Authorization', message }] },
    { 'WWW-Authenticate': 'Bearer realm="proactive-care"' },
  );
}

export function actorOf(res: Response): Actor {
  return res.locals.actor as Actor;
}
