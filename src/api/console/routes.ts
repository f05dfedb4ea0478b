/**
 * The staff console, served by the API on the API's own checks: its pages are routes of the route
 * table, so the guard signs people in by the console's session, audits every call with their
 * identity and asks the access table before any page is built; a case outside one's reach is a
 * 404 here as in the API. Forms carry the session's CSRF token.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z, ZodError } from 'zod';
import type { Client } from '@temporalio/client';
import type { JwtVerifier } from '../../auth/jwt';
import type { Db } from '../../db/client';
import type { DocumentStore } from '../../self-service/documents';
import { html } from '../../web/html';
import { CONSOLE_SESSION, csrfToken, endSession, startSession } from '../../web/sessions';
import { parse as parseCookies } from 'cookie';
import type { OidcSignIn, PendingSignIn } from '../../auth/oidc';
import { loadActor } from '../../cases/actors';
import { actionPath, STAFF_ACTIONS, type CaseView } from '../../../workflows/dispute/messages';
import { DAY_MS } from '../../../workflows/domain/time';
import { applicableCodes, networkRules } from '../../../workflows/domain/network-rules';
import { carryOutAction, caseOfAction } from '../action-requests';
import { reachOf } from '../access';
import { actorOf } from '../auth';
import { fieldErrors, Problem, problemOf, type FieldError } from '../problem';
import { requestIdOf } from '../request-id';
import { ACTION_BODIES } from '../routes/actions';
import {
  cancelBulkOperation,
  loadBulkOperation,
  NewBulkOperation,
  startBulkOperation,
  type BulkOperationFile,
} from '../routes/bulk-operations';
import { caseDetail, NewCase, openCase } from '../routes/cases';
import { figuresFor, sendFigureCsv, sendFigureJson } from '../routes/cem';
import { documentDownload } from '../routes/customer-answers';
import { sameOrigin, signInWithToken } from '../sign-in';
import { auditAs, auditReason } from '../staff-calls';
import {
  actionForms,
  availableActions,
  bodyOf,
  CASE_ACTIONS,
  OUTREACH_ACTIONS,
  awaitingDecision,
  type Choices,
  type FormAttempt,
} from './action-forms';
import { careQueueBody, loadCareQueue, loadOutreach, outreachBody } from './care';
import { caseFileBody, loadCaseFile } from './case-file';
import { dashboardBody, departmentChoices } from './dashboard';
import { findCustomers, intakeBody, IntakeQuery, recentCharges } from './intake';
import { consolePage, continuePage, errorPage, signInPage } from './pages';
import { filterForm, loadQueue, nextCases, QueueFilter, queueBody } from './queue';
import { bulkOperationBody, loadSupervision, supervisionBody, type BulkAttempt } from './supervision';

/** The console's files, by the name its pages ask for: nothing else is served from here. */
const ASSETS: Record<string, string> = {
  'htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
  'uPlot.iife.min.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
  'uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
  'dashboard.js': path.join(__dirname, 'assets', 'dashboard.js'),
  'console.css': path.join(__dirname, 'assets', 'console.css'),
  'console.js': path.join(__dirname, 'assets', 'console.js'),
};

/** Outreach actions choose no colleague and no department. */
const NO_CHOICES: Choices = { assignees: [], departments: [], networkCodes: [], chargebacks: [] };

const NextCase = z.strictObject({ _csrf: z.string(), requestId: z.uuid({ error: 'must be the form’s request id' }) });

/** The pending sign-in a cookie carries back; null when there is none, or it is not one. */
function pendingOf(raw: string | undefined): PendingSignIn | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<PendingSignIn>;
    const strings = [value.state, value.nonce, value.verifier, value.redirectUrl].every((v) => typeof v === 'string');
    return strings ? (value as PendingSignIn) : null;
  } catch {
    return null;
  }
}

/** Only a path of this console is a place to return to after signing in. */
const safeNext = (next: string | undefined) => (next && /^\/console(\/|\?|$)/.test(next) ? next : '/console');

/**
 * A person's browser asking for a console page gets an error as a page, with a way on; any other
 * caller (an API client, a script) gets the problem+json every route answers.
 */
export const consoleErrorPages: ErrorRequestHandler = (error, req, res, next) => {
  if (!req.path.startsWith('/console') || req.accepts(['json', 'html']) !== 'html' || res.headersSent) {
    return next(error);
  }
  const problem = problemOf(error, res);
  auditReason(res, problem.detail);
  res
    .set(problem.headers)
    .status(problem.status)
    .type('html')
    .send(errorPage(problem, requestIdOf(res) ?? 'unknown'));
};

/** Where a case's workflow is seen in the Temporal UI. */
export interface TemporalUi {
  url: string;
  namespace: string;
}

export interface ConsoleDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  jwt: JwtVerifier | null;
  oidc: OidcSignIn | null;
  temporalUi: TemporalUi | null;
  /** Where the documents customers send are kept; null when this API takes no customer pages. */
  documents: DocumentStore | null;
}

/**
 * The dashboard's form asks for the last day included (`through`); the figures' range ends before
 * `to`, the day after. An empty department is all of them.
 */
function dashboardQuery(query: Record<string, unknown>): Record<string, unknown> {
  const { through, departmentId, ...rest } = query;
  const day =
    typeof through === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(through) ? new Date(`${through}T00:00:00Z`) : null;
  return {
    ...rest,
    ...(through === undefined ? {} : { to: day ? new Date(day.getTime() + DAY_MS).toISOString() : through }),
    ...(departmentId ? { departmentId } : {}),
  };
}

/** What an identity-provider sign-in keeps for the browser's return: its secrets, for ten minutes. */
const PENDING_SIGN_IN = { cookie: 'console_oidc', path: '/console/sign-in/oidc', maxAge: 10 * 60_000 };

export function consoleRoutes({ db, temporal, taskQueue, jwt, oidc, temporalUi, documents }: ConsoleDeps): Router {
  const router = Router();

  // Browsers ask for it on every page; there is none.
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });

  router.get('/console/assets/:asset', (req, res, next) => {
    const name = String(req.params.asset);
    if (!Object.hasOwn(ASSETS, name)) return next(Problem.notFound(`No asset ${name}.`));
    res.sendFile(ASSETS[name], { maxAge: '1h' });
  });

  router.get('/console/sign-in', (req, res) => {
    const next = typeof req.query.next === 'string' ? safeNext(req.query.next) : undefined;
    res.type('html').send(signInPage({ next, oidc: oidc !== null }));
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
          .send(signInPage({ error: why, next, oidc: oidc !== null }));
      }
    },
  );

  // Sign-in through the bank's identity provider: OIDC's authorization code with PKCE. The try's
  // state, nonce and code verifier wait in an HttpOnly cookie sent back to the callback only
  // (SameSite=Lax: the provider's redirect is a cross-site navigation).
  router.get('/console/sign-in/oidc', async (req, res) => {
    if (!oidc) throw Problem.notFound('No identity provider is configured here; sign in with a staff token.');
    const next = typeof req.query.next === 'string' ? safeNext(req.query.next) : undefined;
    const callback = `${req.protocol}://${req.get('host')}${PENDING_SIGN_IN.path}/callback`;
    const begun = await oidc.begin(callback, next).catch(() => null);
    if (!begun) {
      const error = 'The identity provider cannot be reached now. Try again shortly, or sign in with a staff token.';
      return res
        .status(503)
        .type('html')
        .send(signInPage({ error, next, oidc: true }));
    }
    const { cookie, path: cookiePath, maxAge } = PENDING_SIGN_IN;
    const value = Buffer.from(JSON.stringify(begun.pending)).toString('base64url');
    res.cookie(cookie, value, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: cookiePath, maxAge });
    res.redirect(303, begun.url);
  });

  router.get('/console/sign-in/oidc/callback', async (req, res) => {
    if (!oidc) throw Problem.notFound('No identity provider is configured here; sign in with a staff token.');
    const refuse = (status: number, error: string, next?: string) =>
      res
        .status(status)
        .type('html')
        .send(signInPage({ error, next, oidc: true }));
    const raw = req.headers.cookie ? parseCookies(req.headers.cookie)[PENDING_SIGN_IN.cookie] : undefined;
    res.clearCookie(PENDING_SIGN_IN.cookie, { path: PENDING_SIGN_IN.path });
    const pending = pendingOf(raw);
    if (!pending) return refuse(401, 'That sign-in expired or was started elsewhere. Start again.');
    const outcome = await oidc.finish(new URL(req.originalUrl, pending.redirectUrl), pending);
    if ('refused' in outcome) return refuse(401, `The identity provider did not sign you in (${outcome.refused}).`);
    const actor = await loadActor(db, outcome.staffId);
    if (!actor) return refuse(403, `${outcome.staffId} is not active staff here.`);
    if (!reachOf(actor, 'readCases')) return refuse(403, 'This role does not work cases in the console.');
    await startSession(db, req, res, CONSOLE_SESSION, actor);
    res.type('html').send(continuePage(safeNext(pending.next)));
  });

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
  // so a second submit of the same form shows the case the first one took. A case the read model
  // still lists as waiting but a colleague has just taken refuses, and the next one is tried.
  router.post('/console/next', async (req, res) => {
    const actor = actorOf(res);
    const key = NextCase.parse(req.body).requestId;
    const earlier = await db.actionRequest.findUnique({ where: { idempotencyKey: key } });
    if (earlier) return res.redirect(303, `/console/cases/${earlier.caseId}`);
    for (const caseRow of await nextCases(db, actor)) {
      auditAs(res, { action: 'assign', caseId: caseRow.id });
      const call = { action: 'assign' as const, actor, caseRow, target: caseRow.id, idempotencyKey: key };
      try {
        await carryOutAction(
          { db, temporal },
          { ...call, body: ACTION_BODIES.assign, input: { assigneeId: actor.id } },
        );
        return res.redirect(303, `/console/cases/${caseRow.id}`);
      } catch (error) {
        if (!(error instanceof Problem && [403, 409, 422].includes(error.status))) throw error;
      }
    }
    return queuePage(req, res, 'Nobody is waiting that you may take.');
  });

  /** Who may be given the case (its department's active agents and supervisors), and where it may go. */
  async function choicesFor(view: CaseView): Promise<Choices> {
    const [staff, departments] = await Promise.all([
      db.staff.findMany({
        where: { departmentId: view.departmentId, active: true, role: { in: ['agent', 'supervisor'] } },
        orderBy: { id: 'asc' },
        select: { id: true },
      }),
      db.department.findMany({
        where: { id: { not: view.departmentId } },
        orderBy: { id: 'asc' },
        select: { id: true },
      }),
    ]);
    const network = view.network;
    const networkCodes = network
      ? applicableCodes(networkRules(network.network, network.rulesVersion), view.reasonCode, {
          cardPresent: network.cardPresent ?? false,
        }).map((c) => c.code)
      : [];
    return {
      assignees: staff.map((s) => s.id),
      departments: departments.map((d) => d.id),
      networkCodes,
      chargebacks: awaitingDecision(view),
    };
  }

  /** The case file, with the actions the person may take now; a failed try shows its errors. */
  async function caseFilePage(req: Request, res: Response, attempt: FormAttempt | null = null): Promise<void> {
    const actor = actorOf(res);
    const file = await loadCaseFile(db, temporal, String(req.params.id), actor);
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    const view = file.detail.stale ? null : (file.detail.workflow as CaseView);
    const target = { on: 'case' as const, caseId: file.detail.id };
    const actions = view
      ? actionForms(target, availableActions(actor, view, target), await choicesFor(view), csrf, attempt)
      : html`<p>The case cannot be asked now, so it takes no action; try again shortly.</p>`;
    const workflowUrl = temporalUi
      ? `${temporalUi.url}/namespaces/${encodeURIComponent(temporalUi.namespace)}/workflows/${encodeURIComponent(file.detail.workflowId)}`
      : null;
    const body = caseFileBody(file, actions, { outreachLinks: reachOf(actor, 'readOutreach') !== null, workflowUrl });
    res.type('html').send(consolePage({ title: `Case ${file.detail.id}`, actor, csrf, body }));
  }

  router.get('/console/cases/:id', (req, res) => caseFilePage(req, res));
  // What the customer sent, as the API serves it (the same access row, each opening audited).
  router.get('/console/cases/:id/documents/:documentId', documentDownload({ db, documents }));

  router.get('/console/care', async (req, res) => {
    const actor = actorOf(res);
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    const body = careQueueBody(await loadCareQueue(db, actor));
    res.type('html').send(consolePage({ title: 'Care queue', actor, csrf, body }));
  });

  /** An outreach with its brief and the actions the person may take on it now. */
  async function outreachPage(req: Request, res: Response, attempt: FormAttempt | null = null): Promise<void> {
    const actor = actorOf(res);
    const file = await loadOutreach(db, String(req.params.id));
    // The case as the person may read it: the same reach check as the case file.
    const detail = await caseDetail(db, temporal, file.row.caseId, actor);
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    const target = { on: 'outreach' as const, outreachId: file.row.id };
    const actions = detail.stale
      ? html`<p>The case cannot be asked now, so the outreach takes no action; try again shortly.</p>`
      : actionForms(target, availableActions(actor, detail.workflow as CaseView, target), NO_CHOICES, csrf, attempt);
    const body = outreachBody(file, actor, actions);
    res.type('html').send(consolePage({ title: `Outreach ${file.row.id}`, actor, csrf, body }));
  }

  router.get('/console/outreach/:id', (req, res) => outreachPage(req, res));

  /** The case an action's form is for: the one in the URL, or the case of the outreach there. */

  // Each action's form, carried out by the API's own protocol: the same body check, the same
  // rules, the form's request id as the Idempotency-Key (a second submit acts once).
  for (const action of [...CASE_ACTIONS, ...OUTREACH_ACTIONS]) {
    const page = STAFF_ACTIONS[action].on === 'case' ? caseFilePage : outreachPage;
    router.post(`/console${actionPath(action)}`, async (req, res) => {
      const target = String((req.params as { id?: string }).id);
      const caseRow = await caseOfAction(db, action, target);
      auditAs(res, { action, caseId: caseRow.id });
      const values = (req.body ?? {}) as Record<string, unknown>;
      const requestId = typeof values.requestId === 'string' && values.requestId ? values.requestId : undefined;
      try {
        const call = { action, actor: actorOf(res), caseRow, target, idempotencyKey: requestId };
        await carryOutAction({ db, temporal }, { ...call, body: ACTION_BODIES[action], input: bodyOf(action, values) });
        // A transferred case has gone to another department's queue: back to one's own.
        const back =
          action === 'transfer'
            ? '/console'
            : STAFF_ACTIONS[action].on === 'case'
              ? `/console/cases/${target}`
              : `/console/outreach/${target}`;
        res.redirect(303, back);
      } catch (error) {
        const problem = error instanceof ZodError ? Problem.invalid(fieldErrors(error)) : error;
        if (!(problem instanceof Problem) || ![403, 409, 422].includes(problem.status)) throw error;
        const errors = (problem.extra.errors as FieldError[] | undefined) ?? [];
        res.status(problem.status);
        await page(req, res, { action, values, errors, refusal: errors.length ? null : problem.detail });
      }
    });
  }

  async function supervisionPage(req: Request, res: Response, attempt: BulkAttempt | null = null): Promise<void> {
    const actor = actorOf(res);
    // A failed bulk form comes back with the filter it was shown with.
    const query = (attempt ? String(attempt.values.query ?? '') : (req.originalUrl.split('?')[1] ?? '')).replace(
      /^\?/,
      '',
    );
    const filter = QueueFilter.parse(Object.fromEntries(new URLSearchParams(query)));
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    const body = supervisionBody(await loadSupervision(db, actor, filter), {
      csrf,
      attempt,
      query: query ? `?${query}` : '',
      filterForm: filterForm('/console/supervision', filter),
    });
    res.type('html').send(consolePage({ title: 'Supervision', actor, csrf, body }));
  }

  router.get('/console/supervision', (req, res) => supervisionPage(req, res));

  // The customer-experience dashboard, and its figures as JSON and CSV for the same session.
  router.get('/console/dashboard', async (req, res) => {
    const actor = actorOf(res);
    const computed = await figuresFor(db, res, dashboardQuery(req.query));
    const departments = await departmentChoices(db, reachOf(actor, 'readCxFigures')?.department === null);
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    const body = dashboardBody({ ...computed, departments });
    res.type('html').send(consolePage({ title: 'Customer experience', actor, csrf, body, scripts: ['dashboard'] }));
  });
  router.get('/console/dashboard/figures.json', async (req, res) =>
    sendFigureJson(res, await figuresFor(db, res, dashboardQuery(req.query))),
  );
  router.get('/console/dashboard/figures.csv', async (req, res) =>
    sendFigureCsv(res, await figuresFor(db, res, dashboardQuery(req.query))),
  );

  // A bulk operation, started by the API's own startBulkOperation: the same checks, the form's
  // request id as its Idempotency-Key (a second submit starts nothing more).
  router.post('/console/bulk-operations', async (req, res) => {
    const values = (req.body ?? {}) as Record<string, unknown>;
    const given = (name: string) =>
      typeof values[name] === 'string' && (values[name] as string).trim() ? (values[name] as string) : undefined;
    const body =
      values.action === 'assign'
        ? { assigneeId: given('assigneeId') ?? '', reason: given('reason') }
        : values.action === 'transfer'
          ? { departmentId: given('departmentId') ?? '', reason: given('reason') ?? '' }
          : { reason: given('reason') ?? '' };
    const caseIds = ([] as unknown[]).concat(values.caseIds ?? []);
    try {
      const op = NewBulkOperation.parse({ action: values.action, caseIds, body });
      const { operation } = await startBulkOperation({ db, temporal, taskQueue }, actorOf(res), op, given('requestId'));
      auditAs(res, { action: `bulk:${op.action}` });
      res.redirect(303, `/console/bulk-operations/${operation.id}`);
    } catch (error) {
      const problem = error instanceof ZodError ? Problem.invalid(fieldErrors(error)) : error;
      if (!(problem instanceof Problem) || ![409, 422].includes(problem.status)) throw error;
      const errors = (problem.extra.errors as FieldError[] | undefined) ?? [
        { field: 'action', message: problem.detail },
      ];
      res.status(problem.status);
      await supervisionPage(req, res, { values, errors });
    }
  });

  async function bulkPage(req: Request, res: Response, op: BulkOperationFile): Promise<void> {
    const actor = actorOf(res);
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    const mayCancel = reachOf(actor, 'runBulkOperations') !== null;
    const body = bulkOperationBody(op, { csrf, mayCancel });
    res.type('html').send(consolePage({ title: `Bulk operation ${op.id}`, actor, csrf, body }));
  }

  router.get('/console/bulk-operations/:id', async (req, res) =>
    bulkPage(req, res, await loadBulkOperation(db, String(req.params.id), actorOf(res))),
  );

  router.post('/console/bulk-operations/:id/cancel', async (req, res) => {
    const op = await cancelBulkOperation(db, String(req.params.id), actorOf(res));
    res.redirect(303, `/console/bulk-operations/${op.id}`);
  });

  async function intakePage(
    req: Request,
    res: Response,
    failed?: { errors: FieldError[]; values: Record<string, unknown> },
  ) {
    const actor = actorOf(res);
    const query = IntakeQuery.parse(req.method === 'GET' ? req.query : {});
    const customerId = failed ? String(failed.values.customerId ?? '') : query.customer;
    const csrf = csrfToken(req, CONSOLE_SESSION) ?? '';
    const body = intakeBody({
      q: query.q,
      found: query.q ? await findCustomers(db, query.q) : null,
      chosen: customerId ? await recentCharges(db, customerId) : null,
      csrf,
      // A failed submit keeps its request id: the same form, sent again, opens one case.
      requestId: typeof failed?.values.requestId === 'string' ? failed.values.requestId : randomUUID(),
      errors: failed?.errors ?? [],
      values: failed?.values ?? {},
    });
    res.type('html').send(consolePage({ title: 'Intake', actor, csrf, body }));
  }

  router.get('/console/intake', (req, res) => intakePage(req, res));

  // The dispute is opened by the API's own openCase, the form's request id its Idempotency-Key: a
  // repeat submit finds the case the first one opened.
  router.post('/console/intake', async (req, res) => {
    const values = (req.body ?? {}) as Record<string, unknown>;
    const customerId = String(values.customerId ?? '');
    const charge =
      typeof values.transactionId === 'string' && values.transactionId
        ? await db.cardTransaction.findFirst({ where: { id: values.transactionId, card: { customerId } } })
        : null;
    if (!charge) {
      res.status(422);
      return intakePage(req, res, {
        values,
        errors: [{ field: 'transactionId', message: 'choose the disputed charge' }],
      });
    }
    const parsed = NewCase.safeParse({
      customerId,
      cardId: charge.cardId,
      transactionId: charge.id,
      amount: charge.amountCents / 100,
      reasonCode: values.reasonCode,
      description: typeof values.description === 'string' && values.description.trim() ? values.description : undefined,
    });
    if (!parsed.success) {
      res.status(422);
      return intakePage(req, res, { values, errors: fieldErrors(parsed.error) });
    }
    const key = typeof values.requestId === 'string' && values.requestId ? values.requestId : undefined;
    const { row } = await openCase({ db, temporal, taskQueue }, actorOf(res), parsed.data, key);
    auditAs(res, { caseId: row.id });
    res.redirect(303, `/console/cases/${row.id}`);
  });

  return router;
}
