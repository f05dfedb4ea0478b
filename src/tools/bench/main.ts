/**
 * `npm run bench`: the product's performance record. It starts the product as `npm start` runs it
 * (dev server, worker and API as processes, SQLite, the sinks) and a bare baseline beside it: a
 * workflow with the standard case's shape (the same Updates, as many trivial activities) on its
 * own worker, same server, same run. Every figure is measured for both, and each ratio is
 * product / bare.
 *
 *   npm run bench -- [--json] [--quick] [--rounds 3] [--open 1000,5000,10000]
 *                    [--postgres <url>] [--scale-out] [--only <figure,...>] [--cpu-prof <dir>]
 *                    [--running [--api <url>]] [--cluster <postgres url>]
 *
 * --json prints the figures as one JSON object on the last line; --quick runs small samples (a
 * smoke run, not a record); --postgres runs on a fresh database of that server instead of SQLite;
 * --scale-out adds a second worker and API replica (on PostgreSQL) and compares throughput;
 * --cpu-prof writes CPU profiles of the product's worker and API into that directory; --running
 * measures a product already running (the environment `npm start` reads names its Temporal,
 * database and keys; --api its API, by default on the configured port) instead of starting one;
 * --cluster runs the product (and the baseline) on a real Temporal cluster (npm run cluster's: its
 * services as processes, mTLS) whose databases it makes on that PostgreSQL server, not the dev server.
 * Figures: action, throughput, intake, capacity, history, long, watch, replay, care, console, cem, scaleout.
 */
// Installs a Temporal runtime that logs at WARN, as the tests do; first, before any connection.
import '../../../test/helpers/quiet-runtime';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../../config';
import { workflowBundlePath } from '../../temporal/bundle';
import { attritionWatchWorkflowId } from '../../../workflows/attrition-watch/messages';
import { disputeWorkflowId } from '../../../workflows/dispute/messages';
import { sleep } from '../chaos/load';
import { ProcessStack } from '../process-stack';
import { LocalCluster } from '../cluster/local-cluster';
import { clusterDatabase } from '../cluster/server-config';
import { RunningProduct, type BenchedProduct } from './product';
import { BareStack } from './bare-stack';
import { BARE_ID_PREFIX, BareDriver, ProductDriver, type Driver } from './drivers';
import { activityShape, historiesOf, replaySpeed, sizeOf, type History } from './histories';
import { careRules } from './care-rules';
import { consoleAtScale } from './console';
import { figuresAtScale } from './cem';
import { ninetyDayCase } from './long-cases';
import { cpuDuring, latency, mb, median, pool, residentBytes, round, timed, type Latency } from './measure';
import { machine, report } from './report';

const FIGURES = [
  'action',
  'throughput',
  'intake',
  'capacity',
  'history',
  'long',
  'watch',
  'replay',
  'care',
  'console',
  'cem',
  'scaleout',
] as const;
type Figure = (typeof FIGURES)[number];

export interface Sizes {
  notes: number;
  concurrency: number;
  cases: number;
  intake: number;
  open: number[];
  rounds: number;
}

const FULL: Sizes = { notes: 200, concurrency: 8, cases: 24, intake: 600, open: [1_000, 5_000, 10_000], rounds: 3 };
const QUICK: Sizes = { notes: 30, concurrency: 8, cases: 8, intake: 40, open: [100, 200], rounds: 1 };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      open: { type: 'string' },
      postgres: { type: 'string' },
      'scale-out': { type: 'boolean', default: false },
      only: { type: 'string' },
      'cpu-prof': { type: 'string' },
      running: { type: 'boolean', default: false },
      api: { type: 'string' },
      cluster: { type: 'string' },
    },
  });
  const sizes: Sizes = { ...(values.quick ? QUICK : FULL) };
  if (values.rounds) sizes.rounds = Number(values.rounds);
  if (values.open) sizes.open = values.open.split(',').map(Number);
  const only = new Set<Figure>(
    (values.only?.split(',') as Figure[] | undefined) ?? FIGURES.filter((f) => f !== 'scaleout'),
  );
  if (values['scale-out']) only.add('scaleout');
  for (const figure of only)
    if (!FIGURES.includes(figure)) throw new Error(`--only: no figure ${figure}; figures: ${FIGURES.join(', ')}`);
  const progress = (line: string) => console.error(`bench: ${line}`);
  if (values.running && (values.postgres || values['cpu-prof'])) {
    throw new Error(
      '--running measures the product as it runs: --postgres and --cpu-prof apply to a stack the bench starts',
    );
  }
  if (values.api && !values.running) throw new Error("--api names a running product's API: pass --running too");
  if (values.cluster && values.running) throw new Error('--cluster starts a product on a cluster: not with --running');

  const figures: Record<string, unknown> = {
    machine: machine(),
    sizes,
    database: values.postgres ? 'postgresql' : 'sqlite',
    temporal: values.cluster ? 'cluster' : values.running ? 'running' : 'dev server',
  };
  const ratios: Record<string, number> = {};

  if ([...only].some((f) => !['long', 'watch', 'care', 'console', 'cem', 'scaleout'].includes(f))) {
    const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] : [];
    const startProduct = async (customers: number, dir: string): Promise<BenchedProduct> => {
      if (values.running) {
        progress(`measuring the running product, its API at ${values.api ?? 'the configured port'}`);
        return RunningProduct.connect(values.api);
      }
      progress(`starting the product (${customers} customers seeded) and the bare baseline in ${dir}`);
      const temporal = values.cluster ? await benchCluster(values.cluster, dir, progress) : undefined;
      return ProcessStack.start({
        postgresUrl: values.postgres,
        nodeArgs,
        dir,
        customers,
        shortClocks: false,
        temporal,
      });
    };
    Object.assign(figures, await sideBySide(only, sizes, startProduct, progress, ratios));
  }
  if (only.has('long')) {
    progress('a 90-day case, on the time-skipping server');
    const long = await ninetyDayCase();
    figures.longCase = { ...long, wallMs: round(long.wallMs) };
  }
  if (only.has('watch')) {
    progress('an attrition watch across continue-as-new, polling every 0.2 s');
    figures.watchRun = await watchRun(values.postgres);
  }
  if (only.has('care')) {
    progress('the attrition rules: one look, and a sweep');
    figures.careRules = await careRules(values.quick ? 50 : 300);
  }
  if (only.has('console')) {
    const backlog = values.quick ? 10_000 : 100_000;
    progress(`the staff console with ${backlog} cases in the read model`);
    figures.console = await consoleAtScale(backlog, values.quick ? 20 : 60, progress);
  }
  if (only.has('cem')) {
    const cases = values.quick ? 10_000 : 100_000;
    progress(`the customer-experience figures with ${cases} cases in the read model`);
    figures.cem = await figuresAtScale(cases, values.quick ? 5 : 20, progress, values.postgres);
  }
  if (only.has('scaleout')) {
    const url = values.postgres ?? process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('--scale-out runs on PostgreSQL: pass --postgres <url> (or set TEST_DATABASE_URL)');
    figures.scaleOut = await scaleOut(url, sizes, progress);
  }
  figures.ratios = ratios;
  report(figures, values.json);
}

/** A Temporal cluster for the product and the baseline, on databases of its own; gone when the product stops. */
async function benchCluster(postgresUrl: string, dir: string, progress: (line: string) => void) {
  progress('starting a Temporal cluster (frontend, two history, matching, worker; mTLS) on PostgreSQL');
  const cluster = await LocalCluster.start({
    dir: path.join(dir, 'temporal'),
    db: clusterDatabase(postgresUrl, `pc_temporal_bench_${process.pid}`),
    namespace: { name: 'default', retentionDays: 1 },
  });
  return cluster.asTemporal({ owned: true });
}

/** Every figure that needs the product and the bare baseline on one Temporal. */
async function sideBySide(
  only: Set<Figure>,
  sizes: Sizes,
  startProduct: (customers: number, dir: string) => Promise<BenchedProduct>,
  progress: (line: string) => void,
  ratios: Record<string, number>,
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const customers = Math.max(300, Math.ceil((sizes.open.at(-1)! + sizes.intake + 200) / 25));
  const stack = await startProduct(customers, dir);
  const bare = await BareStack.start(stack.temporalEnv());
  const out: Record<string, unknown> = {};
  try {
    const product = await ProductDriver.create(stack.db, [stack.apiBase]);

    // One standard case of the product, read back, gives the bare case its shape.
    const sample = await product.open();
    await product.ready(sample);
    await product.work(sample);
    await settle();
    const sampleHistory = (await historiesOf(stack.temporal, product.workflowId(sample)))[0];
    const shape = activityShape(sampleHistory);
    const baseline = new BareDriver(bare.client, shape);
    out.shape = shape;
    const drivers: [Driver, Driver] = [product, baseline];

    if (only.has('history')) {
      // Customers differ (a channel, quiet hours), so do their cases: the median of several.
      const sized = async (driver: Driver, client: Client) => {
        const ids: string[] = [];
        for (let i = 0; i < HISTORY_CASES; i++) {
          const id = await driver.open();
          await driver.ready(id);
          await driver.work(id);
          ids.push(driver.workflowId(id));
        }
        await settle();
        const all = await Promise.all(ids.map(async (id) => sizeOf(await historiesOf(client, id))));
        return {
          cases: all.length,
          events: median(all.map((h) => h.events)),
          bytes: median(all.map((h) => h.bytes)),
          maxBytes: Math.max(...all.map((h) => h.bytes)),
        };
      };
      const history = { product: await sized(product, stack.temporal), bare: await sized(baseline, bare.client) };
      out.standardCaseHistory = history;
      ratios.historyBytes = round(history.product.bytes / history.bare.bytes, 2);
      progress(`standard case history: ${history.product.events} events, ${round(history.product.bytes / 1024)} KB`);
    }

    if (only.has('action')) {
      const alone = pooled(await roundsOf(sizes.rounds, drivers, (d) => actionLatency(d, 1, sizes.notes)));
      const busy = pooled(
        await roundsOf(sizes.rounds, drivers, (d) => actionLatency(d, sizes.concurrency, sizes.notes)),
      );
      out.staffAction = { alone, [`concurrency${sizes.concurrency}`]: busy };
      ratios.actionP50 = round(alone.product.p50 / alone.bare.p50, 2);
      ratios.actionP99 = round(alone.product.p99 / alone.bare.p99, 2);
      ratios.actionP99Concurrent = round(busy.product.p99 / busy.bare.p99, 2);
      progress(
        `staff action p99 alone ${ratios.actionP99}x, at concurrency ${sizes.concurrency} ${ratios.actionP99Concurrent}x bare`,
      );
    }

    if (only.has('throughput')) {
      // CPU is counted until the work behind the last answers (writes, messages) is done too.
      const processes = (d: Driver) =>
        d === product ? stack.processes() : { server: stack.processes().server, worker: bare.worker.pid };
      const rounds = await roundsOf(sizes.rounds, drivers, async (d) => {
        const { result, cpuMs } = await cpuDuring(processes(d), async () => {
          const perSecond = await caseThroughput(d, sizes.cases, sizes.concurrency);
          await settle();
          return perSecond;
        });
        return { perSecond: result, cpuMs };
      });
      const perSecond = {
        product: rounds.map((r) => r.product.perSecond),
        bare: rounds.map((r) => r.bare.perSecond),
      };
      const perCase = (side: 'product' | 'bare') =>
        Object.fromEntries(
          Object.keys(rounds[0][side].cpuMs).map((name) => [
            name,
            round(median(rounds.map((r) => r[side].cpuMs[name])) / sizes.cases),
          ]),
        );
      out.caseThroughput = {
        casesPerSecond: {
          product: perSecond.product.map((n) => round(n, 2)),
          bare: perSecond.bare.map((n) => round(n, 2)),
        },
        cpuMsPerCase: { product: perCase('product'), bare: perCase('bare') },
        cases: sizes.cases,
        concurrency: sizes.concurrency,
      };
      ratios.caseThroughput = round(median(perSecond.product) / median(perSecond.bare), 2);
      progress(`case throughput ${ratios.caseThroughput} of bare`);
    }

    if (only.has('replay')) {
      const productHistories = await Promise.all(
        (await resolvedCases(stack, 24)).map(async (id) => (await historiesOf(stack.temporal, id))[0]),
      );
      const bareIds = await Promise.all(
        Array.from({ length: productHistories.length }, async () => {
          const id = await baseline.open();
          await baseline.work(id);
          return id;
        }),
      );
      await settle();
      const bareHistories = await Promise.all(bareIds.map(async (id) => (await historiesOf(bare.client, id))[0]));
      const speed = {
        product: await replaySpeed(productHistories, {
          workflowBundle: { codePath: await workflowBundlePath(path.join(loadConfig().dataDir, 'cache')) },
          dataConverter: stack.replayConverter(),
        }),
        bare: await replaySpeed(bareHistories, { workflowsPath: require.resolve('./bare-workflow') }),
      };
      out.replay = {
        histories: productHistories.length,
        product: {
          historiesPerSecond: round(speed.product.historiesPerSecond),
          eventsPerSecond: Math.round(speed.product.eventsPerSecond),
        },
        bare: {
          historiesPerSecond: round(speed.bare.historiesPerSecond),
          eventsPerSecond: Math.round(speed.bare.eventsPerSecond),
        },
      };
      ratios.replayEvents = round(speed.product.eventsPerSecond / speed.bare.eventsPerSecond, 2);
    }

    if (only.has('intake')) {
      // The bare cases first: the product's cases keep working after they answer (routing, the
      // acknowledgement, the watch), which must not slow the baseline down.
      const bareIntake = await intakeRate(baseline, sizes.intake, sizes.concurrency);
      const intake = { product: await intakeRate(product, sizes.intake, sizes.concurrency), bare: bareIntake };
      out.intake = intake;
      ratios.intake = round(intake.product.casesPerSecond / intake.bare.casesPerSecond, 2);
      progress(`intake ${intake.product.casesPerSecond} cases/s (bare ${intake.bare.casesPerSecond})`);
    }

    if (only.has('capacity') && !stack.processes().worker) {
      progress('capacity: skipped, it measures the memory of processes the bench started');
    } else if (only.has('capacity')) {
      out.capacity = await capacity(stack, bare, drivers, sizes, progress);
      const top = (out.capacity as { perOpenCaseKb: { product: number; bare: number } }).perOpenCaseKb;
      ratios.memoryPerOpenCase = round(top.product / top.bare, 2);
    }
  } finally {
    await bare.stop();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** Standard cases whose histories are sized. */
const HISTORY_CASES = 8;

/** Lets what runs behind the last answers finish (read-model writes, messages). */
const settle = () => sleep(2_000);

/** Runs a measure on each driver in turn, `rounds` times, the two interleaved so drift hits both alike. */
async function roundsOf<T>(rounds: number, drivers: [Driver, Driver], measure: (d: Driver) => Promise<T>) {
  const out: { product: T; bare: T }[] = [];
  for (let i = 0; i < rounds; i++) {
    const product = await measure(drivers[0]);
    await settle();
    const bare = await measure(drivers[1]);
    await settle();
    out.push({ product, bare });
  }
  return out;
}

/** Percentiles over every round's samples. */
function pooled(rounds: { product: number[]; bare: number[] }[]): { product: Latency; bare: Latency } {
  const one = (xs: number[]) => {
    const l = latency(xs);
    return { count: l.count, p50: round(l.p50), p95: round(l.p95), p99: round(l.p99) };
  };
  return { product: one(rounds.flatMap((r) => r.product)), bare: one(rounds.flatMap((r) => r.bare)) };
}

/** Notes on `concurrency` cases at once, each case taking its notes one after another; every note's round trip. */
async function actionLatency(driver: Driver, concurrency: number, notes: number): Promise<number[]> {
  const cases = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const id = await driver.open();
      await driver.ready(id);
      return id;
    }),
  );
  const perCase = Math.ceil(notes / concurrency) * (concurrency > 1 ? 2 : 1);
  const times: number[][] = await Promise.all(
    cases.map(async (id) => {
      const mine: number[] = [];
      for (let i = 0; i < perCase; i++) mine.push(await timed(() => driver.note(id)));
      return mine;
    }),
  );
  return times.flat();
}

/** Standard cases from opening to approval, `concurrency` at a time: cases a second. */
async function caseThroughput(driver: Driver, cases: number, concurrency: number): Promise<number> {
  const started = performance.now();
  await pool(Array.from({ length: cases }), concurrency, async () => {
    const id = await driver.open();
    await driver.ready(id);
    await driver.work(id);
  });
  return cases / ((performance.now() - started) / 1000);
}

/** Cases opened, `concurrency` at a time: cases a second, and each opening's latency. */
async function intakeRate(driver: Driver, cases: number, concurrency: number) {
  const times: number[] = [];
  const started = performance.now();
  await pool(Array.from({ length: cases }), concurrency, async () => {
    times.push(await timed(() => driver.open()));
  });
  const l = latency(times);
  return {
    cases,
    casesPerSecond: round(cases / ((performance.now() - started) / 1000)),
    p50: round(l.p50),
    p99: round(l.p99),
  };
}

/** The workflow ids of the latest cases that reached their resolution. */
async function resolvedCases(stack: BenchedProduct, count: number): Promise<string[]> {
  const rows = await stack.db.case.findMany({
    where: { stage: 'resolved' },
    orderBy: { openedAt: 'desc' },
    take: count,
  });
  return rows.map((r) => disputeWorkflowId(r.id));
}

const DISPUTE_PREFIX = disputeWorkflowId('');
const WATCH_PREFIX = attritionWatchWorkflowId('');

interface Memory {
  workerMb: number;
  apiMb: number;
  serverMb: number;
  bareWorkerMb: number;
}

/**
 * Opening answers before intake is done: waits until every open case has its watch (the worker's
 * backlog drained), or the count of watches stopped moving for half a minute.
 */
async function untilWatched(openNow: (prefix: string) => Promise<number>): Promise<void> {
  let watches = -1;
  let movedAt = Date.now();
  while (Date.now() - movedAt < 30_000) {
    const now = await openNow(WATCH_PREFIX);
    if (now >= (await openNow(DISPUTE_PREFIX))) return;
    if (now !== watches) [watches, movedAt] = [now, Date.now()];
    await sleep(1_000);
  }
}

/**
 * Memory as open cases pile up: the product's cases with their watches and timers, then as many
 * bare cases (each waiting on a timer); worker, API and server resident memory at each level.
 */
async function capacity(
  stack: BenchedProduct,
  bare: BareStack,
  [product, baseline]: [Driver, Driver],
  sizes: Sizes,
  progress: (line: string) => void,
) {
  const memory = (): Memory => ({
    workerMb: mb(residentBytes(stack.processes().worker)),
    apiMb: mb(residentBytes(stack.processes().api)),
    serverMb: mb(residentBytes(stack.processes().server)),
    bareWorkerMb: mb(residentBytes(bare.worker.pid)),
  });
  const openNow = async (prefix: string) =>
    (await stack.temporal.workflow.count(`ExecutionStatus = "Running" AND WorkflowId STARTS_WITH "${prefix}"`)).count;
  // What each driver's open cases take: the product's worker, API and server; the bare worker and server.
  const footprint = {
    product: (m: Memory) => m.workerMb + m.apiMb + m.serverMb,
    bare: (m: Memory) => m.bareWorkerMb + m.serverMb,
  };
  const levels: Record<string, unknown>[] = [];
  const before = memory();
  const perCase = { product: 0, bare: 0 };
  for (const [driver, prefix, key] of [
    [product, DISPUTE_PREFIX, 'product'],
    [baseline, BARE_ID_PREFIX, 'bare'],
  ] as const) {
    const start = { open: await openNow(prefix), memory: memory() };
    for (const level of sizes.open) {
      const missing = level - (await openNow(prefix));
      const started = performance.now();
      if (missing > 0) await pool(Array.from({ length: missing }), sizes.concurrency, () => driver.open());
      if (key === 'product') await untilWatched(openNow);
      await settle();
      const open = await openNow(prefix);
      const watches = key === 'product' ? await openNow(WATCH_PREFIX) : 0;
      const now = memory();
      levels.push({
        driver: key,
        openCases: open,
        openWatches: watches,
        secondsUntilSettled: round((performance.now() - started) / 1000),
        ...now,
      });
      progress(
        `${key}: ${open} open cases (${watches} watches): worker ${key === 'product' ? now.workerMb : now.bareWorkerMb} MB, server ${now.serverMb} MB`,
      );
      const grown = footprint[key](now) - footprint[key](start.memory);
      perCase[key] = round((grown * 1024) / Math.max(1, open - start.open));
    }
  }
  return { before, levels, perOpenCaseKb: perCase };
}

/**
 * The product on PostgreSQL with one worker and one API, then with a second of each: standard cases
 * at twice the concurrency through both APIs, and a check that every case reached its approval.
 */
/**
 * One attrition watch's first run, which continues as new after its 60 looks at the customer:
 * the events and bytes a run holds, and per look. The watch polls daily; here every 0.2 s
 * (`WATCH_POLL_HOURS`), on a stack of its own, so the run ends within seconds.
 */
async function watchRun(postgresUrl: string | undefined) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-watch-'));
  const stack = await ProcessStack.start({
    dir,
    postgresUrl,
    customers: 30,
    shortClocks: false,
    env: { WATCH_POLL_HOURS: String(0.2 / 3_600) },
  });
  try {
    const product = await ProductDriver.create(stack.db, [stack.apiBase]);
    const caseId = await product.open();
    const watchId = attritionWatchWorkflowId(caseId);
    const deadline = Date.now() + 120_000;
    // Its runs, once there are two (the watch may not have started when first asked).
    for (;;) {
      const runs = await historiesOf(stack.temporal, watchId).catch(() => []);
      if (runs.length >= 2) return lookSizes(runs[0]);
      if (Date.now() > deadline) throw new Error(`the watch of ${caseId} did not continue as new within two minutes`);
      await sleep(1_000);
    }
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A watch run's events and bytes, in all and per look at the customer. */
function lookSizes(run: History) {
  const looks = (run.events ?? []).filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'assessAttritionRisk',
  ).length;
  const { events, bytes } = sizeOf([run]);
  return { looks, events, bytes, eventsPerLook: round(events / looks), bytesPerLook: Math.round(bytes / looks) };
}

async function scaleOut(postgresUrl: string, sizes: Sizes, progress: (line: string) => void) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const stack = await ProcessStack.start({ dir, postgresUrl, customers: 300, shortClocks: false });
  try {
    const concurrency = sizes.concurrency * 2;
    const cases = sizes.cases * 2;
    const one = await ProductDriver.create(stack.db, [stack.apiBase]);
    await caseThroughput(one, sizes.concurrency, sizes.concurrency);
    const single = await caseThroughput(one, cases, concurrency);
    progress(`one worker, one API: ${round(single, 2)} cases/s`);
    const worker = await stack.addReplica('worker');
    const api = await stack.addReplica('api');
    const two = await ProductDriver.create(stack.db, [stack.apiBase, api.url]);
    const double = await caseThroughput(two, cases, concurrency);
    progress(`two workers, two APIs: ${round(double, 2)} cases/s`);
    await settle();
    const resolved = await stack.db.case.count({ where: { stage: 'resolved' } });
    const opened = await stack.db.case.count();
    const running = await stack.temporal.workflow.count(
      `WorkflowId STARTS_WITH "${DISPUTE_PREFIX}" AND ExecutionStatus = "Running"`,
    );
    const workerPids = [stack.worker?.pid, worker.child.pid];
    return {
      cases,
      concurrency,
      oneWorkerOneApi: round(single, 2),
      twoWorkersTwoApis: round(double, 2),
      growth: round(double / single, 2),
      opened,
      resolved,
      runningWorkflows: running.count,
      lost: opened - resolved,
      workerMb: workerPids.map((pid) => mb(residentBytes(pid))),
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
