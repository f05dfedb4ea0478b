/**
 * The OpenAPI 3.1 document of the admin API, generated from the same zod schemas the handlers
 * check requests with (zod-to-openapi), never written by hand, for every route of `API_ROUTES`.
 */
import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { API_ROUTES, type ProblemStatus } from './route-table';
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

const PROBLEMS: Record<ProblemStatus, string> = {
  400: 'Malformed JSON',
  401: 'No valid credential',
  403: 'The policy or the case refuses it',
  404: 'No such resource, or not within the caller’s reach',
  409: 'Not allowed in the case’s stage, or already done',
  413: 'Body over 100 kB',
  415: 'Body not application/json',
  422: 'A field is wrong; `errors` names it',
  429: 'Over the rate limit; see Retry-After',
  503: 'Temporal or the database is unreachable, or the figures are being rebuilt; see Retry-After',
};

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
    // Every `:name` of the path, each an id.
    const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const params = names.length ? z.object(Object.fromEntries(names.map((name) => [name, id()]))) : undefined;
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
      security: route.kind === 'open' ? [] : [{ [bearer.name]: [] }],
      request: {
        params,
        query: route.query,
        body: route.body ? { content: { 'application/json': { schema: route.body } }, required: true } : undefined,
      },
      responses: {
        [route.ok.status]: {
          description: route.ok.description,
          content: Object.fromEntries(
            (route.ok.media ?? ['application/json']).map((media) => [media, { schema: route.ok.schema }]),
          ),
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
