/**
 * A database that cannot be written, or cannot be reached, answers 503 with Retry-After at once
 * and never blocks unrelated requests; nothing is half applied, and the API recovers by itself
 * when the database does. On the real stack (dev server, worker, API): the SQLite file locked by
 * another process, as a backup job or a stray `sqlite3` shell would, and PostgreSQL cut off.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seed } from '../../prisma/seed';
import { createApp } from '../../src/api/app';
import { issueToken } from '../../src/auth/tokens';
import { createDb } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { ApiStack, eventually } from '../helpers/api-stack';
import { emptyPostgres, TEST_DATABASE_URL } from '../helpers/db';
import { expectActivityFailures } from '../helpers/quiet-runtime';
import { TcpProxy } from '../../src/tools/chaos/tcp-proxy';

// The worker's writes fail while the database is locked, on purpose.
expectActivityFailures();

let stack: ApiStack;
beforeAll(async () => {
  stack = await ApiStack.start({ taskQueue: 'database-outage' });
});
afterAll(() => stack?.stop());

/** Another process holding the file's write lock (readers go on: the file is in WAL mode). */
async function lockDatabase(): Promise<ChildProcess> {
  const file = stack.databaseUrl.replace(/^file:/, '');
  const script = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
    db.exec('BEGIN EXCLUSIVE');
    console.log('locked');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout!, 'data');
  return child;
}

async function release(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await once(child, 'exit');
}

const note = (caseId: string, text: string) => stack.call('POST', `/cases/${caseId}/notes`, 'admin', { text });

/** A case on a transaction nobody disputed yet. */
async function openCase(): Promise<string> {
  const res = await stack.call('POST', '/cases', 'intake-agent-1', await stack.undisputedCase());
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  // Routed out of intake, where staff do not work a case yet.
  await eventually(
    () => stack.db.case.findUniqueOrThrow({ where: { id } }),
    (row) => row.stage !== 'intake',
  );
  return id;
}

/** The notes in the case's timeline as the API shows it: after every write the case made so far. */
async function timelineNotes(caseId: string): Promise<string[]> {
  const res = await stack.call('GET', `/cases/${caseId}`, 'admin');
  const { timeline } = (await res.json()) as { timeline: { type: string; data: { text: string } }[] };
  return timeline.filter((e) => e.type === 'note').map((e) => e.data.text);
}

test('a database locked for writing: reads go on, actions answer 503 at once and apply nothing, then recover', async () => {
  const caseId = await openCase();
  await stack.auth('admin');
  const lock = await lockDatabase();
  try {
    const started = Date.now();
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => note(caseId, `during the lock ${i}`)),
      fetch(`${stack.base}/healthz`),
      stack.call('GET', '/cases?limit=5', 'admin'),
      fetch(`${stack.base}/readyz`),
    ]);
    const elapsed = Date.now() - started;
    const [health, list, ready] = answers.slice(8);
    const actions = answers.slice(0, 8);
    expect(health.status).toBe(200);
    expect(list.status).toBe(200);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ database: { ok: false } });
    for (const action of actions) {
      expect(action.status).toBe(503);
      expect(action.headers.get('retry-after')).toBe('5');
      expect(await action.json()).toMatchObject({ title: 'Database unavailable' });
    }
    // Each locked query waits half a second at most, and a failed database is left alone meanwhile.
    expect(elapsed).toBeLessThan(5_000);
  } finally {
    await release(lock);
  }
  const after = await eventually(
    () => note(caseId, 'after the lock'),
    (res) => res.status === 200,
    10_000,
  );
  expect(after.status).toBe(200);
  expect(await timelineNotes(caseId)).toEqual(['after the lock']);
  expect((await fetch(`${stack.base}/readyz`)).status).toBe(200);
});

(TEST_DATABASE_URL ? test : test.skip)(
  'PostgreSQL stopped: every request that needs it answers 503 fast, /healthz stays 200, and it recovers',
  async () => {
    const { url, drop } = await emptyPostgres(TEST_DATABASE_URL!);
    const setup = createDb(url);
    await migrate(setup, url);
    await seed(setup, { customers: 2 });
    const { token } = await issueToken(setup, 'admin', { days: 1, label: 'test' });
    await setup.$disconnect();
    const target = new URL(url);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    target.host = `127.0.0.1:${proxy.port}`;
    const db = createDb(target.toString());
    const server = createApp({ db, temporal: stack.env.client, taskQueue: 'database-outage' }).listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const list = () => fetch(`${base}/cases?limit=5`, { headers: { Authorization: `Bearer ${token}` } });
    try {
      expect((await list()).status).toBe(200);
      await proxy.cut();
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 10 }, list));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(503));
      expect(answers[0].headers.get('retry-after')).toBe('5');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ database: { ok: false } });

      await proxy.restore();
      const back = await eventually(list, (res) => res.status === 200, 10_000);
      expect(back.status).toBe(200);
    } finally {
      server.close();
      await db.$disconnect();
      await proxy.stop();
      await drop();
    }
  },
);

test('an action the case applied is answered 200 even when its answer cannot be stored', async () => {
  const caseId = await openCase();
  const failing = new Proxy(stack.db, {
    get: (target, property) =>
      property === 'actionRequest'
        ? new Proxy(target.actionRequest, {
            get: (inner, method) =>
              method === 'update'
                ? () => Promise.reject(Object.assign(new Error('database is locked'), { code: 'P1008' }))
                : Reflect.get(inner, method),
          })
        : Reflect.get(target, property),
  });
  const server = createApp({ db: failing, temporal: stack.env.client, taskQueue: 'database-outage' }).listen(0);
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/cases/${caseId}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': 'applied-1', ...(await stack.auth('admin')) },
      body: JSON.stringify({ text: 'applied' }),
    });
    expect(res.status).toBe(200);
  } finally {
    server.close();
  }
  // The retry, with the answer never stored, is the same Update id: applied once.
  const retry = await fetch(`${stack.base}/cases/${caseId}/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': 'applied-1', ...(await stack.auth('admin')) },
    body: JSON.stringify({ text: 'applied' }),
  });
  expect(retry.status).toBe(200);
  await eventually(
    () => timelineNotes(caseId),
    (notes) => notes.length > 0,
  );
  expect(await timelineNotes(caseId)).toEqual(['applied']);
});

describe('a case whose worker is away', () => {
  let server: Server;
  let base: string;
  let caseId: string;
  beforeAll(async () => {
    // The same server and database, but a task queue no worker polls.
    server = createApp({ db: stack.db, temporal: stack.env.client, taskQueue: 'nobody-polls' }).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await fetch(`${base}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await stack.auth('intake-agent-1')) },
      body: JSON.stringify(await stack.undisputedCase()),
    });
    expect(res.status).toBe(201);
    caseId = ((await res.json()) as { id: string }).id;
  });
  afterAll(() => server?.close());

  test('a read answers within seconds with the read model, marked stale', async () => {
    const started = Date.now();
    const res = await fetch(`${base}/cases/${caseId}`, { headers: await stack.auth('admin') });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: caseId,
      stage: 'intake',
      stale: true,
      workflow: { status: 'RUNNING' },
    });
  });

  test('an action answers 202 within seconds: the case may take it when a worker comes; the retry learns more', async () => {
    const admin = await stack.auth('admin');
    const send = () =>
      fetch(`${base}/cases/${caseId}/notes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Idempotency-Key': 'away-1', ...admin },
        body: JSON.stringify({ text: 'anyone there?' }),
      });
    const started = Date.now();
    const res = await send();
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/cases/${caseId}`);
    expect(await res.json()).toMatchObject({
      status: 'unknown',
      detail: expect.stringMatching(/same Idempotency-Key/),
    });
    expect((await send()).status).toBe(202);
  });

  test('/readyz says no worker polls the task queue', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ temporal: { ok: true }, worker: { ok: false } });
  });
});

/** The API of the stack's case, over a database whose every write the API makes succeeds (the worker's, the same file, may be locked). */
function apiWritingAside(): { at: string; close: () => void } {
  const writable = new Proxy(stack.db, {
    get: (target, property) =>
      property === '$executeRawUnsafe'
        ? () => Promise.resolve(0)
        : property === 'actionRequest'
          ? new Proxy(target.actionRequest, {
              get: (inner, method) =>
                method === 'create' || method === 'update' ? () => Promise.resolve({}) : Reflect.get(inner, method),
            })
          : Reflect.get(target, property),
  });
  const server = createApp({ db: writable, temporal: stack.env.client, taskQueue: 'database-outage' }).listen(0);
  return { at: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test('an action whose read-model write is held (records locked) answers from the case at once; the write lands after', async () => {
  const caseId = await openCase();
  const admin = await stack.auth('admin');
  const api = apiWritingAside();
  const lock = await lockDatabase();
  try {
    const res = await fetch(`${api.at}/cases/${caseId}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': 'held-1', ...admin },
      body: JSON.stringify({ text: 'held' }),
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { workflow: { version: number } };
    const row = await stack.db.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(answer.workflow.version).toBeGreaterThan(row.version);
  } finally {
    await release(lock);
    api.close();
  }
  // The write is retried behind the answer until the lock is gone.
  const notes = await eventually(
    () => timelineNotes(caseId),
    (n) => n.length > 0,
  );
  expect(notes).toEqual(['held']);
});

test('an action the case accepted but cannot finish (its alert cannot be written) answers 202, then its outcome', async () => {
  const caseId = await openCase();
  const { departmentId } = await stack.db.case.findUniqueOrThrow({ where: { id: caseId } });
  const admin = await stack.auth('admin');
  const api = apiWritingAside();
  // Handed to someone else, the assignee is alerted before the action answers: that write waits on the lock.
  const send = (at: string) =>
    fetch(`${at}/cases/${caseId}/assign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': 'accepted-1', ...admin },
      body: JSON.stringify({ assigneeId: `${departmentId}-agent-2` }),
    });
  const lock = await lockDatabase();
  try {
    const started = Date.now();
    const res = await send(api.at);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/cases/${caseId}`);
    expect(await res.json()).toMatchObject({ status: 'accepted', caseId });
  } finally {
    await release(lock);
    api.close();
  }
  const outcome = await eventually(
    () => send(stack.base),
    (r) => r.status === 200,
  );
  expect(outcome.status).toBe(200);
  expect(await outcome.json()).toMatchObject({ assigneeId: `${departmentId}-agent-2` });
});
