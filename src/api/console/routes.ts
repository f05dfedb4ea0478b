/**
 * The staff console, served by the API on the API's own checks: its pages are routes of the route
 * table, so the guard signs people in by the console's session, audits every call with their
 * identity and asks the access table before any page is built; a case outside one's reach is a
 * 404 here as in the API. Forms carry the session's CSRF token.
 */
import path from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { JwtVerifier } from '../../auth/jwt';
import type { Db } from '../../db/client';
import { CONSOLE_SESSION, csrfToken, endSession } from '../../web/sessions';
import { carryOutAction } from '../action-requests';
import { actorOf } from '../auth';
import { Problem } from '../problem';
import { ACTION_BODIES } from '../routes/actions';
import { sameOrigin, signInWithToken } from '../sign-in';
import { auditAs } from '../staff-calls';
import { caseFileBody, loadCaseFile } from './case-file';
import { consolePage, signInPage } from './pages';
import { loadQueue, nextCase, QueueFilter, queueBody } from './queue';

/** The console's files, by the name its pages ask for: nothing else is served from here. */
const ASSETS: Record<string, string> = {
  'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
  'console.css': path.join(__dirname, 'assets', 'console.css'),
  'console.js': path.join(__dirname, 'assets', 'console.js'),
};

const NextCase = z.strictObject({ _csrf: z.string(), requestId: z.uuid({ error: 'must be the form’s request id' }) });

/** Only a path of this console is a place to return to after signing in. */
const safeNext = (next: string | undefined) => (next && /^\/console(\/|\?|$)/.test(next) ? next : '/console');

export function consoleRoutes({ db, temporal, jwt }: { db: Db; temporal: Client; jwt: JwtVerifier | null }): Router {
  const router = Router();

  // Browsers ask for it on every page; there is none.
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  router.get('/console/assets/:asset', (req, res, next) => {
    const file = ASSETS[String(req.params.asset)];
    if (!file) return next(Problem.notFound(`No asset ${req.params.asset}.`));
    res.sendFile(file, { maxAge: '1h' });
  });

  router.get('/console/sign-in', (req, res) => {
    const next = typeof req.query.next === 'string' ? safeNext(req.query.next) : undefined;
    res.type('html').send(signInPage({ next }));
  });

  router.post(
    '/console/sign-in',
    sameOrigin,
    express.urlencoded({ extended: false, limit: '8kb' }),
    async (req, res) => {
      try {
        const { next } = await signInWithToken({ db, jwt }, req, res, CONSOLE_SESSION, 'readCases');
        res.redirect(303, safeNext(next));
      } catch (error) {
        if (!(error instanceof Problem) || ![401, 403, 422].includes(error.status)) throw error;
        const why = error.status === 403 ? 'This role does not work cases in the console.' : 'That token is not valid.';
        const next = typeof req.body?.next === 'string' ? safeNext(req.body.next) : undefined;
        res
          .status(error.status)
          .type('html')
          .send(signInPage({ error: why, next }));
      }
    },
  );

  router.post('/console/sign-out', sameOrigin, async (req, res) => {
    await endSession(db, req, res, CONSOLE_SESSION);
    res.redirect(303, '/console/sign-in');
  });

  async function queuePage(req: Request, res: Response, notice?: string): Promise<void> {
    const actor = actorOf(res);
    const filter = QueueFilter.parse(req.method === 'GET' ? req.query : {});
    const asked = req.method === 'GET' ? req.originalUrl.indexOf('?') : -1;
    const query = asked >= 0 ? req.originalUrl.slice(asked) : '';
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    const body = queueBody({ actor, filter, query, lists: await loadQueue(db, actor, filter), csrf, notice });
    res.type('html').send(consolePage({ title: 'Work queue', actor, csrf, body }));
  }

  router.get('/console', (req, res) => queuePage(req, res));

  // "Take the next case": the most urgent one the caller may take, assigned to them by the same
  // action the API's POST /cases/:id/assign sends. The form's request id is the Idempotency-Key,
  // so a second submit of the same form shows the case the first one took.
  router.post('/console/next', async (req, res) => {
    const actor = actorOf(res);
    const key = NextCase.parse(req.body).requestId;
    const earlier = await db.actionRequest.findUnique({ where: { idempotencyKey: key } });
    if (earlier) return res.redirect(303, `/console/cases/${earlier.caseId}`);
    const caseRow = await nextCase(db, actor);
    if (!caseRow) return queuePage(req, res, 'Nobody is waiting that you may take.');
    auditAs(res, { action: 'assign', caseId: caseRow.id });
    const call = { action: 'assign' as const, actor, caseRow, target: caseRow.id, idempotencyKey: key };
    await carryOutAction({ db, temporal }, { ...call, body: ACTION_BODIES.assign, input: { assigneeId: actor.id } });
    res.redirect(303, `/console/cases/${caseRow.id}`);
  });

  router.get('/console/cases/:id', async (req, res) => {
    const actor = actorOf(res);
    const file = await loadCaseFile(db, temporal, String(req.params.id), actor);
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    res.type('html').send(consolePage({ title: `Case ${file.detail.id}`, actor, csrf, body: caseFileBody(file) }));
  });

  return router;
}
