/**
 * Signing a person in with a staff token pasted in a form (the codec's and the console's sign-in
 * pages): the token is checked as the API checks a bearer token, and a session of the page's kind
 * starts. The pasted token is never kept: the cookie holds the session's own secret.
 */
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { JwtVerifier } from '../auth/jwt';
import type { Db } from '../db/client';
import { startSession, type SessionKind } from '../web/sessions';
import type { Actor } from '../../workflows/domain/case';
import { authorize, type Operation } from './access';
import { actorOf, authenticate } from './auth';
import { Problem } from './problem';

const SignIn = z.strictObject({ token: z.string().min(1).max(4096), next: z.string().max(2000).optional() });

/**
 * Checks the pasted token (401 when it is no staff member's), that its holder may `operation`
 * (403), and starts a session of `kind`. Answers the actor and the checked form.
 */
export async function signInWithToken(
  { db, jwt }: { db: Db; jwt: JwtVerifier | null },
  req: Request,
  res: Response,
  kind: SessionKind,
  operation: Operation,
): Promise<{ actor: Actor; next: string | undefined }> {
  const form = SignIn.parse(req.body);
  req.headers.authorization = `Bearer ${form.token}`;
  await authenticate(db, jwt)(req, res, () => {});
  const actor = actorOf(res);
  authorize(actor, operation);
  await startSession(db, req, res, kind, actor);
  return { actor, next: form.next };
}

/**
 * Sign-in and sign-out forms take posts from this API's own pages only: a browser says where a
 * post comes from (Sec-Fetch-Site, Origin), and another site's form is refused, so nobody can sign
 * a visitor in as someone else, or out. A client that is no browser sends neither.
 */
export const sameOrigin: RequestHandler = (req, _res, next) => {
  const site = req.get('Sec-Fetch-Site');
  const origin = req.get('Origin');
  // Browsers that send Sec-Fetch-Site are judged by it: with this API's no-referrer policy their
  // own-page posts say `Origin: null`. Older ones by Origin.
  const foreign =
    site !== undefined
      ? site !== 'same-origin' && site !== 'none'
      : origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`;
  if (foreign) throw new Problem(403, 'Forbidden', 'This form takes posts from its own page only.');
  next();
};
