import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { JwtVerifier } from '../auth/jwt';
import type { OidcSignIn } from '../auth/oidc';
import type { Db } from '../db/client';
import type { EncryptionCodec } from '../temporal/codec';
import { carriesCsrfToken, sessionActor } from '../web/sessions';
import { STAFF_ACTIONS } from '../../workflows/dispute/messages';
import { actorOf, authenticate } from './auth';
import { authorize } from './access';
import { Problem, problemHandler } from './problem';
import { DEFAULT_RATE_LIMITS, perAddress, perCredential, type RateLimitSettings } from './rate-limits';
import { requestId } from './request-id';
import { requestLog } from './request-log';
import { requestMetrics } from './request-metrics';
import { consoleErrorPages, consoleRoutes, type TemporalUi } from './console/routes';
import { actionRoutes } from './routes/actions';
import { alertRoutes } from './routes/alerts';
import { auditRoutes } from './routes/audit';
import { caseRoutes } from './routes/cases';
import { cemRoutes } from './routes/cem';
import { customerAnswerRoutes } from './routes/customer-answers';
import { CODEC_BODY_LIMIT, codecCors, codecRoutes, codecSignInRoutes } from './routes/codec';
import { customerRoutes } from './routes/customers';
import { docsRoutes } from './routes/docs';
import { feedRoutes } from './routes/feed';
import { networkFeedRoutes } from './routes/network-feed';
import { healthRoutes } from './routes/health';
import { outreachRoutes } from './routes/outreach';
import { bulkOperationRoutes } from './routes/bulk-operations';
import { staffRoutes } from './routes/staff';
import { routeFor } from './route-table';
import { auditAs, auditStaffCalls } from './staff-calls';
import { selfServiceRoutes, type SelfServiceDeps } from '../self-service/routes';

export interface ApiDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Verifies the identity provider's JWTs; without it only staff API tokens are accepted. */
  jwt?: JwtVerifier | null;
  /** The Temporal UI the console links cases' workflows to. */
  temporalUi?: TemporalUi | null;
  /** Console sign-in through the bank's identity provider, where one is configured. */
  oidc?: OidcSignIn | null;
  rateLimits?: RateLimitSettings;
  /** Opens and seals payloads for the Temporal UI's remote codec; without it they are passed as they are. */
  codec?: EncryptionCodec | null;
  /** Origins of the Temporal UI allowed to call the codec. */
  codecOrigins?: string[];
  /** Customers' case pages: the link key and what the pages say about the bank. */
  selfService?: Pick<
    SelfServiceDeps,
    'linkKey' | 'bank' | 'channels' | 'documents' | 'casePolicy' | 'refusedLinksPerAddress'
  >;
}

const CODEC_PATHS = ['/codec/decode', '/codec/encode'];
/** The admin API. Stateless: every request reads the database or asks Temporal. */
export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestId);
  app.use(requestLog);
  app.use(requestMetrics);
  const limits = deps.rateLimits ?? DEFAULT_RATE_LIMITS;
  app.use(perAddress(limits.perAddress));
  // Security headers: no sniffing, no framing, HSTS behind TLS, a strict CSP (no inline scripts).
  // Requests are not upgraded to https: on embedded defaults the API speaks plain http on 127.0.0.1.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // The Temporal UI calls the codec from its own origin, with a history's payloads at a time.
  app.use(CODEC_PATHS, codecCors(deps.codecOrigins ?? []), express.json({ limit: CODEC_BODY_LIMIT }));
  app.use(express.json({ limit: '100kb' }));
  // The console's forms, read before the guard checks their CSRF token.
  app.use('/console', express.urlencoded({ extended: false, limit: '100kb' }));
  app.use('/my-case', express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(healthRoutes(deps));
  app.use(docsRoutes());
  app.use(codecSignInRoutes({ db: deps.db, jwt: deps.jwt ?? null }));
  app.use(routeGuard(deps, limits));
  app.use(feedRoutes(deps));
  app.use(networkFeedRoutes(deps));
  app.use(caseRoutes(deps));
  app.use(customerAnswerRoutes({ db: deps.db, documents: deps.selfService?.documents ?? null }));
  app.use(cemRoutes(deps));
  app.use(customerRoutes(deps));
  app.use(actionRoutes(deps));
  app.use(alertRoutes(deps));
  app.use(outreachRoutes(deps));
  app.use(bulkOperationRoutes(deps));
  app.use(staffRoutes(deps));
  app.use(auditRoutes(deps));
  app.use(codecRoutes({ codec: deps.codec ?? null }));
  if (deps.selfService) app.use(selfServiceRoutes({ db: deps.db, temporal: deps.temporal, ...deps.selfService }));
  app.use(
    consoleRoutes({
      db: deps.db,
      temporal: deps.temporal,
      taskQueue: deps.taskQueue,
      jwt: deps.jwt ?? null,
      oidc: deps.oidc ?? null,
      temporalUi: deps.temporalUi ?? null,
      documents: deps.selfService?.documents ?? null,
    }),
  );
  app.use((req, _res, next) => next(Problem.notFound(`No route ${req.method} ${req.path}.`)));
  app.use(consoleErrorPages);
  app.use(problemHandler);
  return app;
}

/**
 * Each request as its route in the table declares it: an open route passes; every other request,
 * a path no route has included, needs a credential, is audited, is nobody's to cache, counts
 * against its caller's rate limit, and must be allowed the route's operation by the access table.
 * Handlers check only what depends on the record they load (a case outside the caller's reach).
 */
function routeGuard(deps: ApiDeps, limits: RateLimitSettings): RequestHandler {
  const credentialed = Router();
  // Every call with a credential is audited, refusals included (so the audit comes before
  // authentication), and counted against its staff member's rate limit.
  credentialed.use(auditStaffCalls(deps.db));
  // What a signed-in caller is answered (a customer's name and phone in an outreach) is nobody's to cache.
  credentialed.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // A route that takes a browser session (the codec's, the console's) says which kind. A change
  // made with a session must carry the session's CSRF token, so no other site can make it.
  const fromSession = async (req: Request, res: Response) => {
    const session = sessionOf(res.locals.route as Routed);
    const actor = session ? await sessionActor(deps.db, req, session) : null;
    if (actor && session!.csrf && !SAFE_METHODS.has(req.method) && !carriesCsrfToken(req, session!)) {
      throw new Problem(403, 'Forbidden', 'The form lacks its CSRF token: reload the page and send it again.', {
        code: 'CsrfTokenMissing',
      });
    }
    return actor;
  };
  credentialed.use(authenticate(deps.db, deps.jwt ?? null, fromSession));
  credentialed.use(perCredential(limits.perCredential));
  credentialed.use((_req, res, next) => {
    const route = res.locals.route as Routed;
    if (route?.kind === 'staff' || route?.kind === 'system') {
      // The audit names the staff action a call was, refused or not.
      if (Object.hasOwn(STAFF_ACTIONS, route.operation)) auditAs(res, { action: route.operation });
      authorize(actorOf(res), route.operation);
    }
    next();
  });
  return (req, res, next) => {
    const route = routeFor(req.method, req.path);
    // A customer's page checks her case session itself: no staff credential is asked for.
    if (route?.kind === 'open' || route?.kind === 'customer') return next();
    res.locals.route = route;
    credentialed(req, res, (error?: unknown) => {
      // A person without a live session who opens a page is sent to sign in, then back.
      const signIn = sessionOf(route)?.signIn;
      if (error instanceof Problem && error.status === 401 && signIn && req.method === 'GET') {
        return res.redirect(303, `${signIn}?next=${encodeURIComponent(req.originalUrl)}`);
      }
      next(error);
    });
  };
}

type Routed = ReturnType<typeof routeFor>;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const sessionOf = (route: Routed) =>
  route && (route.kind === 'staff' || route.kind === 'system') ? route.session : undefined;
