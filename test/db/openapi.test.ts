/**
 * The OpenAPI document: generated from the handlers' schemas, it lists every route the app has
 * (and no other), with the bearer scheme, problem answers and examples; Swagger UI is served
 * from this server with no CDN.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import { seed } from '../../prisma/seed';
import { createApp } from '../../src/api/app';
import { API_ROUTES, PAGE_ROUTES } from '../../src/api/route-table';
import { issueToken } from '../../src/auth/tokens';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../src/notifications/settings';
import { diskDocumentStore } from '../../src/self-service/documents';
import type { Db } from '../../src/db/client';
import { migratedSqlite } from '../helpers/db';

let db: Db;
let app: Express;
let server: Server;
let base: string;

beforeAll(() => {
  ({ db } = migratedSqlite());
  app = createApp({
    db,
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    taskQueue: 'x',
    // Customers' pages as production mounts them; nothing here sends a message.
    selfService: {
      linkKey: randomBytes(32),
      bank: DEFAULT_NOTIFICATION_SETTINGS,
      channels: { email: null as never, sms: null, push: null },
      documents: diskDocumentStore(mkdtempSync(path.join(tmpdir(), 'documents-'))),
    },
  });
  server = app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await db?.$disconnect();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route the Express app answers, as `METHOD /path`. */
function appRoutes(): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route)
        for (const method of Object.keys(layer.route.methods)) found.push(`${method} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

test('every route of the app is in the route table, and every route of the table is in the app', () => {
  const declared = [...API_ROUTES, ...PAGE_ROUTES].map((r) => `${r.method} ${r.path}`).sort();
  const served = appRoutes().sort();
  expect(served).toEqual(declared);
});

test('GET /openapi.json is OpenAPI 3.1 with the bearer scheme, problem answers and examples', async () => {
  const res = await fetch(`${base}/openapi.json`);
  const doc = (await res.json()) as {
    openapi: string;
    paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, { content: object }> }>>;
    components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, { example?: unknown }> };
  };
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
  expect(doc.components.schemas.Problem.example).toBeDefined();
  const notes = doc.paths['/cases/{id}/notes'].post;
  expect(notes.security).toEqual([{ bearer: [] }]);
  expect(Object.keys(notes.responses)).toEqual(
    expect.arrayContaining(['200', '401', '403', '404', '409', '422', '503']),
  );
  expect(notes.responses['422'].content).toHaveProperty(['application/problem+json']);
  expect(doc.paths['/healthz'].get.security).toEqual([]);
});

test('GET /docs is Swagger UI from this server, no CDN', async () => {
  const page = await (await fetch(`${base}/docs`)).text();
  expect(page).toContain('swagger-ui');
  expect(page).not.toMatch(/https?:\/\//);
  for (const asset of ['/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js', '/docs/init.js']) {
    expect((await fetch(`${base}${asset}`)).status).toBe(200);
  }
});

test('a path no route has is closed: 401 without a credential, 404 with one', async () => {
  await seed(db, { customers: 1 });
  const { token } = await issueToken(db, 'admin', { days: 1 });
  for (const path of ['/nowhere', '/cases/DSP-1/no-such-action', '/codec/sign-in/more']) {
    expect((await fetch(`${base}${path}`)).status).toBe(401);
    const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    expect([path, res.status]).toEqual([path, 404]);
  }
});
