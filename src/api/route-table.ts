/**
 * Every route the app serves, in one table: what it is (open, staff, system: who may call it and
 * which operation of the access table it is), and for the JSON API its schemas, answer and
 * problems. The app's guard, the OpenAPI document and the access matrix test all read it; a test
 * fails when the app serves a route this table lacks.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { match } from 'path-to-regexp';
import { z, type ZodType } from 'zod';
import { actionPath, STAFF_ACTIONS } from '../../workflows/dispute/messages';
import type { StaffActionName } from '../../workflows/domain/staff-requests';
import { BULK_ACTIONS, BULK_ITEM_STATUSES } from '../../workflows/domain/bulk';
import { CODEC_SESSION, CONSOLE_SESSION, type SessionKind } from '../web/sessions';
import type { Operation } from './access';
import { ACTION_BODIES } from './routes/actions';
import { AlertFilter } from './routes/alerts';
import { AuditFilter } from './routes/audit';
import { NewBulkOperation } from './routes/bulk-operations';
import { CaseFilter, NewCase } from './routes/cases';
import { CodecPayloads } from './routes/codec';
import { TransactionFilter } from './routes/customers';
import { CardEvents, Transactions } from './routes/feed';
import { NetworkEvents, NetworkFeedResult } from './routes/network-feed';
import { FigureQueryParams } from './routes/cem';
import { OutreachFilter } from './routes/outreach';
import { NewToken } from './routes/staff';
import { DOCUMENT_MEDIA_TYPES } from '../self-service/documents';
import { LINK_PATH } from '../self-service/links';

extendZodWithOpenApi(z);

const CaseSummary = z
  .looseObject({
    id: z.string(),
    workflowId: z.string(),
    customerId: z.string(),
    stage: z.string(),
    departmentId: z.string(),
    amount: z.number(),
    priority: z.enum(['normal', 'high']),
    attritionRisk: z.string(),
  })
  .openapi('Case', { example: { id: 'DSP-1A2B3C4D5E6F', stage: 'investigation', departmentId: 'merchant-disputes' } });
const CaseDetail = CaseSummary.extend({
  stale: z
    .boolean()
    .optional()
    .describe('True when the case could not be asked (no worker, say): the read model may lag behind it'),
  network: z
    .looseObject({
      network: z.enum(['visa', 'mastercard']),
      rulesVersion: z.number().int(),
      captured: z.boolean().describe('False when the case could not say which version it opened with: the newest'),
      codes: z.array(
        z.looseObject({
          code: z.string(),
          filingDeadline: z.string(),
          daysLeft: z.number().describe('Negative once the time limit has passed'),
          checklist: z
            .array(
              z.object({
                item: z.string(),
                ticked: z.boolean(),
                source: z
                  .enum(['filed', 'documents'])
                  .nullable()
                  .describe('filed: named in a filing; documents: the customer sent documents asked for it'),
              }),
            )
            .describe('The evidence the code needs, ticked by what the case holds'),
        }),
      ),
    })
    .optional()
    .describe('The card network’s reason codes a chargeback may be filed under, with their time limits left'),
  workflow: z.looseObject({}),
}).openapi('CaseDetail');
const BulkOperationView = z
  .looseObject({
    id: z.string(),
    action: z.enum(BULK_ACTIONS),
    status: z.enum(['running', 'completed', 'cancelled']),
    requestedBy: z.string(),
    counts: z.record(z.enum(BULK_ITEM_STATUSES), z.number().int()),
    items: z.array(z.object({ caseId: z.string(), status: z.enum(BULK_ITEM_STATUSES), detail: z.string().nullable() })),
  })
  .openapi('BulkOperation');
const Items = z.looseObject({ items: z.array(z.looseObject({})) });
const LinksRevoked = z.object({ caseId: z.string(), revoked: z.number().int() }).openapi('LinksRevoked');
/** Each figure with its definition and rows (src/cem/definitions.ts, METRICS.md). */
const FigureRow = z.object({
  group: z.record(z.string(), z.string()),
  value: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
});
const FigureReport = z
  .object({
    from: z.string(),
    to: z.string(),
    departmentId: z.string().nullable(),
    generatedAt: z.string(),
    figures: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        unit: z.string(),
        formula: z.string(),
        numerator: z.string(),
        denominator: z.string(),
        excluded: z.string(),
        rows: z.array(FigureRow),
      }),
    ),
  })
  .openapi('FigureReport');

const CustomerDocument = z
  .object({
    id: z.string(),
    fileName: z.string().describe('As the customer named it: shown, never trusted'),
    mediaType: z.enum(DOCUMENT_MEDIA_TYPES).describe('From the content, not the name'),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    uploadedBy: z.string(),
    uploadedAt: z.string(),
    href: z.string().describe('Where staff download it'),
  })
  .openapi('CustomerDocument');
const CustomerAnswers = z
  .object({
    caseId: z.string(),
    answers: z.array(
      z.object({ id: z.string(), text: z.string(), at: z.string(), documents: z.array(CustomerDocument) }),
    ),
  })
  .openapi('CustomerAnswers');
const FeedResult = z.object({ received: z.number().int(), recorded: z.number().int(), duplicates: z.number().int() });

/**
 * Who may call a route, which the app's guard enforces before any handler runs:
 * - `open`: anyone, no credential (health, this API's document, the pages that sign people in);
 * - `staff`: a member of staff with a bearer credential, allowed `operation` by the access table;
 * - `system`: a machine caller (the card processor) with a bearer credential, likewise;
 * - `customer`: a customer's own case page, which takes her case session (opened by the link in
 *   her messages) and nothing else; its handlers check the session.
 * A path that matches no route needs a credential too, so a route left out of this table is
 * closed, not open.
 */
export type RouteKind = 'open' | 'staff' | 'system' | 'customer';
type Access =
  | { kind: 'open' }
  | { kind: 'customer' }
  | {
      kind: 'staff' | 'system';
      operation: Operation;
      /** A browser session this route also takes in place of a bearer token, by its cookie. */
      session?: SessionKind;
    };

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

interface Route {
  method: 'get' | 'post' | 'delete';
  /** Express style: `/cases/:id`. */
  path: string;
}

/** A route of the JSON API, as the OpenAPI document describes it. */
export type ApiRoute = Route &
  Access & {
    summary: string;
    tag: string;
    query?: z.ZodObject;
    body?: ZodType;
    ok: {
      status: 200 | 201;
      schema: ZodType;
      description: string;
      /** The answer's media types when it is not JSON (a document's bytes). */
      media?: string[];
    };
    /** A 202 answer besides `ok`: taken, with the outcome to be learned later. */
    accepted?: { schema: ZodType; description: string };
    problems: ProblemStatus[];
  };

/** A page for people's browsers (HTML and its assets): not part of the API's document. */
export type PageRoute = Route & Access & { page: true };

/** An action the case accepted but had not finished within the deadline, or may have taken. */
export const ActionAccepted = z.object({
  status: z.enum(['accepted', 'unknown']).describe('accepted: taken, not finished; unknown: perhaps taken'),
  caseId: z.string(),
  detail: z.string(),
});

const BODY: ProblemStatus[] = [400, 413, 415, 422];
const STAFF: ProblemStatus[] = [401, 403, 429];
const ACTION_PROBLEMS: ProblemStatus[] = [...STAFF, ...BODY, 404, 409, 503];

function actionRoute(name: StaffActionName): ApiRoute {
  const { on } = STAFF_ACTIONS[name];
  return {
    method: 'post',
    path: actionPath(name),
    kind: 'staff',
    operation: name,
    summary: `${name}: a staff action (the Temporal Update of the same name)`,
    tag: on === 'case' ? 'Staff actions' : 'Care outreach',
    body: ACTION_BODIES[name].schema,
    ok: { status: 200, schema: CaseDetail, description: 'The case as the action left it' },
    accepted: {
      schema: ActionAccepted,
      description:
        'The case accepted the action but had not finished it within seconds (its records wait for the database, say), or may have taken it before Temporal went quiet; the same request with the same Idempotency-Key answers the outcome',
    },
    problems: ACTION_PROBLEMS,
  };
}

export const API_ROUTES: ApiRoute[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    tag: 'Operations',
    kind: 'open',
    ok: { status: 200, schema: z.object({ status: z.literal('ok') }), description: 'The process serves requests' },
    problems: [429],
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal and the database',
    tag: 'Operations',
    kind: 'open',
    ok: { status: 200, schema: z.looseObject({ status: z.string() }), description: 'Both answer' },
    problems: [429, 503],
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document (browsable at /docs)',
    tag: 'Operations',
    kind: 'open',
    ok: { status: 200, schema: z.looseObject({ openapi: z.string() }), description: 'OpenAPI 3.1' },
    problems: [429],
  },
  {
    method: 'post',
    path: '/cases',
    kind: 'staff',
    operation: 'openCase',
    summary: 'Open a dispute',
    tag: 'Cases',
    body: NewCase,
    ok: { status: 201, schema: CaseSummary, description: 'Opened (200 for a repeat with the same Idempotency-Key)' },
    accepted: {
      schema: ActionAccepted,
      description:
        'Recorded, but Temporal did not confirm the start within seconds; the same request with the same Idempotency-Key answers 200 once it has',
    },
    problems: [...STAFF, ...BODY, 409, 503],
  },
  {
    method: 'get',
    path: '/cases',
    kind: 'staff',
    operation: 'readCases',
    summary: 'List cases: customers at risk first, then newest',
    tag: 'Cases',
    query: CaseFilter,
    ok: {
      status: 200,
      schema: z.object({ items: z.array(CaseSummary), nextCursor: z.string().nullable() }),
      description: 'A page',
    },
    problems: [...STAFF, 422],
  },
  {
    method: 'get',
    path: '/cases/:id',
    kind: 'staff',
    operation: 'readCases',
    summary: 'A case: read model, audit timeline and the workflow’s view',
    tag: 'Cases',
    ok: { status: 200, schema: CaseDetail, description: 'The case' },
    problems: [...STAFF, 404],
  },
  {
    method: 'post',
    path: '/cases/:id/customer-links/revoke',
    kind: 'staff',
    operation: 'revokeCustomerLinks',
    summary: 'Refuse every link to the case page sent to its customer so far, and end the sessions they opened',
    tag: 'Cases',
    ok: { status: 200, schema: LinksRevoked, description: 'How many links were revoked' },
    problems: [...STAFF, 404],
  },
  {
    method: 'get',
    path: '/cases/:id/customer-answers',
    kind: 'staff',
    operation: 'readCustomerDocuments',
    summary: 'What the customer sent from her case page: her answers, with their documents (type, size, hash)',
    tag: 'Cases',
    ok: { status: 200, schema: CustomerAnswers, description: 'Her answers, oldest first' },
    problems: [...STAFF, 404],
  },
  {
    method: 'get',
    path: '/cases/:id/documents/:documentId',
    kind: 'staff',
    operation: 'readCustomerDocuments',
    summary: 'A document the customer sent, as she sent it (each opening is audited)',
    tag: 'Cases',
    ok: {
      status: 200,
      schema: z.string().meta({ format: 'binary' }),
      media: [...DOCUMENT_MEDIA_TYPES],
      description: 'The document; Content-Type says whether a PDF, JPEG or PNG',
    },
    problems: [...STAFF, 404],
  },
  {
    method: 'get',
    path: '/metrics/cem',
    kind: 'staff',
    operation: 'readCxFigures',
    summary: 'The customer-experience figures for a range, each with its definition (METRICS.md)',
    tag: 'Figures',
    query: FigureQueryParams,
    ok: { status: 200, schema: FigureReport, description: 'Every figure, its definition and its rows' },
    problems: [...STAFF, 422],
  },
  {
    method: 'get',
    path: '/metrics/cem.csv',
    kind: 'staff',
    operation: 'readCxFigures',
    summary: 'The same figures as CSV: figure, group, value, numerator, denominator',
    tag: 'Figures',
    query: FigureQueryParams,
    ok: { status: 200, schema: z.string(), media: ['text/csv'], description: 'One line per figure and group' },
    problems: [...STAFF, 422],
  },
  {
    method: 'get',
    path: '/customers/:id',
    kind: 'staff',
    operation: 'readCustomers',
    summary: 'A customer: profile, cards and recent transactions, each saying whether it is disputed',
    tag: 'Customers',
    query: TransactionFilter,
    ok: { status: 200, schema: z.looseObject({}), description: 'The customer' },
    problems: [...STAFF, 404, 422],
  },
  ...(Object.keys(STAFF_ACTIONS) as StaffActionName[]).map(actionRoute),
  {
    method: 'get',
    path: '/outreach',
    kind: 'staff',
    operation: 'readOutreach',
    summary: 'The care queue',
    tag: 'Care outreach',
    query: OutreachFilter,
    ok: { status: 200, schema: Items, description: 'Outreach, soonest due first' },
    problems: [...STAFF, 422],
  },
  {
    method: 'get',
    path: '/outreach/:id',
    kind: 'staff',
    operation: 'readOutreach',
    summary: 'One outreach with its brief',
    tag: 'Care outreach',
    ok: { status: 200, schema: z.looseObject({ id: z.string() }), description: 'The outreach' },
    problems: [...STAFF, 404],
  },
  {
    method: 'post',
    path: '/bulk-operations',
    kind: 'staff',
    operation: 'runBulkOperations',
    summary: 'Send one staff action (assign, transfer, escalate) to many cases, chosen by id or by a filter',
    tag: 'Bulk operations',
    body: NewBulkOperation,
    ok: { status: 200, schema: BulkOperationView, description: 'A repeat with the same Idempotency-Key' },
    accepted: { schema: BulkOperationView, description: 'Started: follow it at the Location' },
    problems: [...STAFF, ...BODY, 409, 503],
  },
  {
    method: 'get',
    path: '/bulk-operations/:id',
    kind: 'staff',
    operation: 'readBulkOperations',
    summary: 'A bulk operation: its progress and what became of each case',
    tag: 'Bulk operations',
    ok: { status: 200, schema: BulkOperationView, description: 'The operation' },
    problems: [...STAFF, 404],
  },
  {
    method: 'post',
    path: '/bulk-operations/:id/cancel',
    kind: 'staff',
    operation: 'runBulkOperations',
    summary: 'Stop a bulk operation: no case is sent the action after this',
    tag: 'Bulk operations',
    ok: { status: 200, schema: BulkOperationView, description: 'The operation, cancelled (or already finished)' },
    problems: [...STAFF, 404],
  },
  {
    method: 'get',
    path: '/alerts',
    kind: 'staff',
    operation: 'readOwnAlerts',
    summary: 'The caller’s own alerts',
    tag: 'Alerts',
    query: AlertFilter,
    ok: { status: 200, schema: Items, description: 'Newest first' },
    problems: [...STAFF, 422],
  },
  {
    method: 'post',
    path: '/alerts/:id/read',
    kind: 'staff',
    operation: 'readOwnAlerts',
    summary: 'Mark an alert read',
    tag: 'Alerts',
    ok: { status: 200, schema: z.looseObject({ id: z.string() }), description: 'Read' },
    problems: [...STAFF, 404],
  },
  {
    method: 'post',
    path: '/staff/:id/tokens',
    kind: 'staff',
    operation: 'manageTokens',
    summary: 'Issue a staff API token (admins); the token is in this answer only',
    tag: 'Access',
    body: NewToken,
    ok: {
      status: 201,
      schema: z.object({
        id: z.string(),
        staffId: z.string(),
        token: z.string(),
        label: z.string().nullable(),
        expiresAt: z.string(),
      }),
      description: 'Issued',
    },
    problems: [...STAFF, ...BODY, 404],
  },
  {
    method: 'delete',
    path: '/tokens/:id',
    kind: 'staff',
    operation: 'manageTokens',
    summary: 'Revoke a staff API token (admins)',
    tag: 'Access',
    ok: { status: 200, schema: z.looseObject({ id: z.string() }), description: 'Revoked' },
    problems: [...STAFF, 404],
  },
  {
    method: 'get',
    path: '/audit',
    kind: 'staff',
    operation: 'readAudit',
    summary: 'Every staff call, accepted or refused (auditors, admins)',
    tag: 'Access',
    query: AuditFilter,
    ok: { status: 200, schema: Items, description: 'Newest first' },
    problems: [...STAFF, 422],
  },
  ...(['decode', 'encode'] as const).map((way): ApiRoute => ({
    method: 'post',
    path: `/codec/${way}`,
    kind: 'staff',
    operation: way === 'decode' ? 'decodePayloads' : 'encodePayloads',
    session: CODEC_SESSION,
    summary:
      way === 'decode'
        ? 'The Temporal UI’s remote codec: opens sealed payloads (auditors, admins)'
        : 'The Temporal UI’s remote codec: seals payloads (admins)',
    tag: 'Operations',
    body: CodecPayloads,
    ok: { status: 200, schema: CodecPayloads, description: way === 'decode' ? 'Opened' : 'Sealed' },
    problems: [...STAFF, ...BODY],
  })),
  {
    method: 'post',
    path: '/feed/transactions',
    kind: 'system',
    operation: 'feedUsage',
    summary: 'The card processor’s transactions (a batch, idempotent by id)',
    tag: 'Usage feed',
    body: Transactions,
    ok: { status: 200, schema: FeedResult, description: 'Recorded' },
    problems: [...STAFF, ...BODY],
  },
  {
    method: 'post',
    path: '/feed/card-events',
    kind: 'system',
    operation: 'feedUsage',
    summary: 'Card events: reissued, closed, travel notices (idempotent by id)',
    tag: 'Usage feed',
    body: CardEvents,
    ok: { status: 200, schema: FeedResult, description: 'Recorded' },
    problems: [...STAFF, ...BODY],
  },
  {
    method: 'post',
    path: '/feed/network-events',
    kind: 'system',
    operation: 'feedNetwork',
    summary:
      'The card network’s answers to chargebacks: acceptances, representments, pre-arbitration answers, rulings (idempotent by id)',
    tag: 'Card network',
    body: NetworkEvents,
    ok: { status: 200, schema: NetworkFeedResult, description: 'Each event applied, repeated or refused by its case' },
    problems: [...STAFF, ...BODY, 503],
  },
];

const page = (method: Route['method'], path: string, access: Access = { kind: 'open' }): PageRoute => ({
  method,
  path,
  ...access,
  page: true,
});
/** The console's pages for signed-in staff: its session, and what the access table must allow. */
const consolePage = (method: Route['method'], path: string, operation: Operation) =>
  page(method, path, { kind: 'staff', operation, session: CONSOLE_SESSION });

/**
 * Pages for a browser: Swagger UI, the codec's sign-in, and the staff console. Signing in is open
 * (it is how one gets a session); the console's pages take its session.
 */
export const PAGE_ROUTES: PageRoute[] = [
  page('get', '/docs'),
  page('get', '/docs/init.js'),
  page('get', '/docs/:asset'),
  page('get', '/codec/sign-in'),
  page('post', '/codec/sign-in'),
  page('post', '/codec/sign-out'),
  page('get', '/favicon.ico'),
  page('get', '/console/assets/:asset'),
  page('get', '/console/sign-in'),
  page('post', '/console/sign-in'),
  page('get', '/console/sign-in/oidc'),
  page('get', '/console/sign-in/oidc/callback'),
  page('post', '/console/sign-out'),
  consolePage('get', '/console', 'readCases'),
  consolePage('get', '/console/cases/:id', 'readCases'),
  consolePage('get', '/console/cases/:id/documents/:documentId', 'readCustomerDocuments'),
  consolePage('post', '/console/next', 'assign'),
  consolePage('get', '/console/intake', 'openCase'),
  consolePage('post', '/console/intake', 'openCase'),
  consolePage('get', '/console/care', 'readOutreach'),
  consolePage('get', '/console/outreach/:id', 'readOutreach'),
  consolePage('get', '/console/supervision', 'runBulkOperations'),
  consolePage('get', '/console/dashboard', 'readCxFigures'),
  consolePage('get', '/console/dashboard/figures.json', 'readCxFigures'),
  consolePage('get', '/console/dashboard/figures.csv', 'readCxFigures'),
  consolePage('post', '/console/bulk-operations', 'runBulkOperations'),
  consolePage('get', '/console/bulk-operations/:id', 'readBulkOperations'),
  consolePage('post', '/console/bulk-operations/:id/cancel', 'runBulkOperations'),
  // A customer's link, exchanged for her case session, and her case page.
  page('get', `${LINK_PATH}/:token`),
  page('get', '/my-case', { kind: 'customer' }),
  page('post', '/my-case/survey', { kind: 'customer' }),
  page('post', '/my-case/unhappy', { kind: 'customer' }),
  page('post', '/my-case/answer', { kind: 'customer' }),
  page('post', '/my-case/preferences', { kind: 'customer' }),
  page('post', '/my-case/withdraw', { kind: 'customer' }),
  page('post', '/my-case/code', { kind: 'customer' }),
  page('post', '/my-case/verify', { kind: 'customer' }),
  page('get', '/my-case/assets/:asset', { kind: 'customer' }),
  // Each action's form posts beside the API's own route for it: /console/cases/:id/notes.
  ...(Object.keys(STAFF_ACTIONS) as StaffActionName[]).map((name) =>
    consolePage('post', `/console${actionPath(name)}`, name),
  ),
];

const MATCHERS = [...API_ROUTES, ...PAGE_ROUTES].map((route) => ({ route, matches: match(route.path) }));

/** The route a request is for, matched as Express matches it (HEAD as GET, any case); undefined when none is. */
export function routeFor(method: string, path: string): ApiRoute | PageRoute | undefined {
  const wanted = method === 'HEAD' ? 'get' : method.toLowerCase();
  return MATCHERS.find(({ route, matches }) => route.method === wanted && matches(path) !== false)?.route;
}
