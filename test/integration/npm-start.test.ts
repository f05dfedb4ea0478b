/**
 * `npm start` recovers from a SIGKILL of any of its processes by itself: the worker, the API and
 * the Temporal dev server are restarted by the supervisor; the supervisor killed takes its
 * children with it, so the next start finds its ports free; a dev server an earlier run left
 * behind is stopped by the next start; a second start on the same data dir is refused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ROOT } from '../../src/db/target';
import { freePort } from '../../src/ports';
import { alive, type Recorded } from '../../src/processes';
import { startDevServer } from '../../src/temporal/dev-server';

jest.setTimeout(600_000);

let dir: string;
let env: NodeJS.ProcessEnv;
const started: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'npm-start-'));
  const ports = {
    TEMPORAL_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
    API_PORT: await freePort(),
    WORKER_HEALTH_PORT: await freePort(),
    API_METRICS_PORT: await freePort(),
    SMTP_PORT: await freePort(),
    MAIL_SINK_HTTP_PORT: await freePort(),
    SMS_SINK_PORT: await freePort(),
  };
  // The embedded defaults, as on a fresh clone: no service given, only other ports and data dir.
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CHECKPOINT_DISABLE: '1',
    LOG_LEVEL: 'warn',
    DATA_DIR: path.join(dir, 'data'),
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
  };
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const { pid } of Object.values(recorded())) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const config = () => loadConfig(env);

interface Start {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the output once the banner is out, or rejects with it when the start exits. */
  running: Promise<string>;
}

function npmStart(): Start {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  const running = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Proactive Care is running')) resolve(output);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code, signal) => reject(new Error(`npm start exited (${signal ?? code}):\n${output}`)));
  });
  running.catch(() => {});
  return { child, output: () => output, running };
}

function recorded(): Record<string, Recorded> {
  try {
    return JSON.parse(readFileSync(path.join(env.DATA_DIR!, 'processes.json'), 'utf8')) as Record<string, Recorded>;
  } catch {
    return {};
  }
}

/** Polls until `done` holds; fails naming what was awaited after two minutes (a hang, not slowness). */
async function until(what: string, done: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within two minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (res) => res.ok,
    () => false,
  );

const apiUrl = () => `http://127.0.0.1:${env.API_PORT}`;

/** SIGKILLs one part and waits until the supervisor has started it again and the stack is ready. */
async function killAndRecover(part: string): Promise<void> {
  const before = recorded()[part].pid;
  process.kill(before, 'SIGKILL');
  await until(`${part} gone`, () => !alive(before));
  await until(`${part} restarted`, () => {
    const now = recorded()[part]?.pid;
    return now !== undefined && now !== before && alive(now);
  });
  await until('the stack ready again', () => answers(`${apiUrl()}/readyz`));
}

function tokenOf(output: string, role: string): string {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(role));
  if (!line) throw new Error(`No token line for ${role} in the output:\n${output}`);
  return line.trim().split(/\s+/).at(-1)!;
}

test('every process of npm start killed outright is recovered by itself', async () => {
  const first = npmStart();
  await first.running;
  expect(Object.keys(recorded()).sort()).toEqual(['API', 'Temporal dev server', 'supervisor', 'worker']);

  // A second start on the same data dir is refused, naming the one that runs.
  const second = npmStart();
  await expect(second.running).rejects.toThrow(`already runs on this data dir (pid ${first.child.pid})`);

  for (const part of ['worker', 'API', 'Temporal dev server']) await killAndRecover(part);

  // The recovered stack works: a case opened now is routed by the restarted worker.
  // Read from all the output so far: the banner resolved the start as soon as its first line came.
  const intake = tokenOf(first.output(), 'intake agent');
  const call = (method: string, url: string, body?: unknown) =>
    fetch(`${apiUrl()}${url}`, {
      method,
      headers: { authorization: `Bearer ${intake}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const jane = (await (await call('GET', '/customers/cust-jane')).json()) as {
    transactions: { id: string; cardId: string; disputed: boolean }[];
  };
  const txn = jane.transactions.find((t) => !t.disputed)!;
  const opened = await call('POST', '/cases', {
    customerId: 'cust-jane',
    cardId: txn.cardId,
    transactionId: txn.id,
    amount: 1,
    reasonCode: 'not_received',
  });
  expect(opened.status).toBe(201);
  const { id } = (await opened.json()) as { id: string };
  await until('the case routed out of intake', async () => {
    const res = await call('GET', `/cases/${id}`);
    return res.ok && ((await res.json()) as { stage: string }).stage !== 'intake';
  });

  // The supervisor killed outright: its children die with it, and a new start finds its ports free.
  const parts = recorded();
  process.kill(first.child.pid!, 'SIGKILL');
  for (const [part, { pid }] of Object.entries(parts)) await until(`the ${part} gone`, () => !alive(pid));
  const again = npmStart();
  await again.running;
  again.child.kill('SIGTERM');
  const [code] = (await once(again.child, 'exit')) as [number];
  expect(code).toBe(0);
  for (const [part, { pid }] of Object.entries(recorded())) expect([part, alive(pid)]).toEqual([part, false]);
});

test('a start stops the dev server an earlier run left behind on its data dir', async () => {
  // As a run on a system where children cannot be made to die with their parent would leave it.
  const orphan = await startDevServer(config().temporal);
  started.push(orphan);
  writeFileSync(
    path.join(env.DATA_DIR!, 'processes.json'),
    JSON.stringify({ 'Temporal dev server': { pid: orphan.pid, marker: config().temporal.dbFile } }),
  );
  const start = npmStart();
  const output = await start.running;
  expect(output).toContain(`Stopped the Temporal dev server (pid ${orphan.pid}) an earlier run left behind.`);
  expect(orphan.exitCode !== null || orphan.signalCode !== null).toBe(true);
  start.child.kill('SIGTERM');
  await once(start.child, 'exit');
});
