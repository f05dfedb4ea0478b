/**
 * Who is calling: a bearer token in `Authorization`, either a staff API token (verified against
 * the stored hashes) or, when an identity provider is configured, its JWT. A claimed name is
 * never identity: `X-Actor` is refused. Everything downstream reads `actorOf(res)`.
 */
import type { RequestHandler, Response } from 'express';
import type { Db } from '../db/client';
import { looksLikeJwt, type JwtVerifier } from '../auth/jwt';
import { verifyToken, type TokenCheck } from '../auth/tokens';
import { loadActor } from '../cases/actors';
import type { Actor } from '../../workflows/dispute/messages';
import { Problem } from './problem';

export function authenticate(db: Db, jwt: JwtVerifier | null = null): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('Authorization');
    if (!header) {
      const hint = req.get('X-Actor') ? '; X-Actor is not accepted as identity' : '';
      throw unauthenticated(`is required: Bearer <token>${hint}`);
    }
    const [scheme, token] = header.split(/\s+/, 2);
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthenticated('must be Bearer <token>');
    const check = jwt && looksLikeJwt(token) ? await fromJwt(db, jwt, token) : await verifyToken(db, token);
    if ('refused' in check) throw unauthenticated(`the token ${check.refused}`);
    res.locals.actor = check.actor;
    next();
  };
}

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
