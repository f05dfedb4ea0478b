/**
 * The OpenAPI 3.1 document of the admin API, generated from the same zod schemas the handlers
 * check requests with (zod-to-openapi), never written by hand. `API_ROUTES` lists every route
 * with its schemas, answer and problems; a test fails when the app has a route this list lacks.
 */
import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z, type ZodType } from 'zod';
import { STAFF_ACTIONS, type StaffActionName } from '../../workflows/dispute/messages';
import { ACTION_ROUTES } from './routes/actions';
import { AlertFilter } from './routes/alerts';
import { AuditFilter } from './routes/audit';
import { CaseFilter, NewCase } from './routes/cases';
import { CodecPayloads } from './routes/codec';
import { TransactionFilter } from './routes/customers';
import { CardEvents, Transactions } from './routes/feed';
import { OutreachFilter } from './routes/outreach';
import { NewToken } from './routes/staff';
import { id } from './validation';

extendZodWithOpenApi(z);

const Problem = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    code: z.string().optional(),
    requestId: z.string().optional(),
  })
  .openapi('Problem', {
    description: 'RFC 9457 problem details; `errors` names each wrong field.',
    example: {
      type: 'about:blank',
      title: 'Invalid request',
      status: 422,
      detail: 'amount: must be positive',
      errors: [{ field: 'amount', message: 'must be positive' }],
      requestId: '3f5d714a-99d3-41ef-a297-8238210910b8',
    },
  });

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
  workflow: z.looseObject({}),
}).openapi('CaseDetail');
const Items = z.looseObject({ items: z.array(z.looseObject({})) });
const FeedResult = z.object({ received: z.number().int(), recorded: z.number().int(), duplicates: z.number().int() });

const PROBLEMS = {
  400: 'Malformed JSON',
  401: 'No valid credential',
  403: 'The policy or the case refuses it',
  404: 'No such resource, or not within the caller’s reach',
  409: 'Not allowed in the case’s stage, or already done',
  413: 'Body over 100 kB',
  415: 'Body not application/json',
  422: 'A field is wrong; `errors` names it',
  429: 'Over the rate limit; see Retry-After',
  503: 'Temporal or the database is unreachable',
} as const;
type ProblemStatus = keyof typeof PROBLEMS;

export interface ApiRoute {
  method: 'get' | 'post' | 'delete';
  /** Express style: `/cases/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** No credential needed (health only). */
  open?: boolean;
  query?: z.ZodObject;
  body?: ZodType;
  ok: { status: 200 | 201; schema: ZodType; description: string };
  /** A 202 answer besides `ok`: taken, with the outcome to be learned later. */
  accepted?: { schema: ZodType; description: string };
  problems: ProblemStatus[];
}

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
  const { on, path } = STAFF_ACTIONS[name];
  return {
    method: 'post',
    path: `/${on === 'case' ? 'cases' : 'outreach'}/:id/${path}`,
    summary: `${name}: a staff action (the Temporal Update of the same name)`,
    tag: on === 'case' ? 'Staff actions' : 'Care outreach',
    body: ACTION_ROUTES[name].schema,
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
    open: true,
    ok: { status: 200, schema: z.object({ status: z.literal('ok') }), description: 'The process serves requests' },
    problems: [429],
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Temporal and the database',
    tag: 'Operations',
    open: true,
    ok: { status: 200, schema: z.looseObject({ status: z.string() }), description: 'Both answer' },
    problems: [429, 503],
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document (browsable at /docs)',
    tag: 'Operations',
    open: true,
    ok: { status: 200, schema: z.looseObject({ openapi: z.string() }), description: 'OpenAPI 3.1' },
    problems: [429],
  },
  {
    method: 'post',
    path: '/cases',
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
    summary: 'A case: read model, audit timeline and the workflow’s view',
    tag: 'Cases',
    ok: { status: 200, schema: CaseDetail, description: 'The case' },
    problems: [...STAFF, 404],
  },
  {
    method: 'get',
    path: '/customers/:id',
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
    summary: 'The care queue',
    tag: 'Care outreach',
    query: OutreachFilter,
    ok: { status: 200, schema: Items, description: 'Outreach, soonest due first' },
    problems: [...STAFF, 422],
  },
  {
    method: 'get',
    path: '/outreach/:id',
    summary: 'One outreach with its brief',
    tag: 'Care outreach',
    ok: { status: 200, schema: z.looseObject({ id: z.string() }), description: 'The outreach' },
    problems: [...STAFF, 404],
  },
  {
    method: 'get',
    path: '/alerts',
    summary: 'The caller’s own alerts',
    tag: 'Alerts',
    query: AlertFilter,
    ok: { status: 200, schema: Items, description: 'Newest first' },
    problems: [...STAFF, 422],
  },
  {
    method: 'post',
    path: '/alerts/:id/read',
    summary: 'Mark an alert read',
    tag: 'Alerts',
    ok: { status: 200, schema: z.looseObject({ id: z.string() }), description: 'Read' },
    problems: [...STAFF, 404],
  },
  {
    method: 'post',
    path: '/staff/:id/tokens',
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
    summary: 'Revoke a staff API token (admins)',
    tag: 'Access',
    ok: { status: 200, schema: z.looseObject({ id: z.string() }), description: 'Revoked' },
    problems: [...STAFF, 404],
  },
  {
    method: 'get',
    path: '/audit',
    summary: 'Every staff call, accepted or refused (auditors, admins)',
    tag: 'Access',
    query: AuditFilter,
    ok: { status: 200, schema: Items, description: 'Newest first' },
    problems: [...STAFF, 422],
  },
  ...(['decode', 'encode'] as const).map((way): ApiRoute => ({
    method: 'post',
    path: `/codec/${way}`,
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
    summary: 'The card processor’s transactions (a batch, idempotent by id)',
    tag: 'Usage feed',
    body: Transactions,
    ok: { status: 200, schema: FeedResult, description: 'Recorded' },
    problems: [...STAFF, ...BODY],
  },
  {
    method: 'post',
    path: '/feed/card-events',
    summary: 'Card events: reissued, closed, travel notices (idempotent by id)',
    tag: 'Usage feed',
    body: CardEvents,
    ok: { status: 200, schema: FeedResult, description: 'Recorded' },
    problems: [...STAFF, ...BODY],
  },
];

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

export function openApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A staff API token (`pct_…`, issued by an admin or `npm run staff`), or a JWT from the bank’s identity provider when one is configured.',
  });
  registry.register('Problem', Problem);
  for (const route of API_ROUTES) {
    const params = route.path.includes(':id') ? z.object({ id: id() }) : undefined;
    const problems = Object.fromEntries(
      route.problems.map((status) => [
        status,
        { description: PROBLEMS[status], content: { 'application/problem+json': { schema: Problem } } },
      ]),
    );
    const config: RouteConfig = {
      method: route.method,
      path: openApiPath(route.path),
      summary: route.summary,
      tags: [route.tag],
      security: route.open ? [] : [{ [bearer.name]: [] }],
      request: {
        params,
        query: route.query,
        body: route.body ? { content: { 'application/json': { schema: route.body } }, required: true } : undefined,
      },
      responses: {
        [route.ok.status]: {
          description: route.ok.description,
          content: { 'application/json': { schema: route.ok.schema } },
        },
        ...(route.accepted
          ? {
              202: {
                description: route.accepted.description,
                content: { 'application/json': { schema: route.accepted.schema } },
              },
            }
          : {}),
        ...problems,
      },
    };
    registry.registerPath(config);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Proactive Care admin API',
      version: '1.0.0',
      description: 'Card disputes on Temporal, and the care of the customer while one is open.',
    },
    servers: [{ url: '/' }],
  });
}
