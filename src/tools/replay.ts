/**
 * `npm run replay`: proves that today's workflow code replays case histories without
 * nondeterminism, with the SDK's replayer and the worker's own payload codec and workflow bundle.
 *
 *   npm run replay -- <source>... [--query '<visibility query>']
 *
 * A source is a case id (its dispute and its attrition watch), a workflow id (every run of its
 * continue-as-new chain), both fetched from the configured Temporal server; a history file as
 * `temporal workflow show --output json` writes it; or a folder of them. `--query` replays every
 * run the server's visibility finds (`--query 'CaseStage="resolved"'`). One line per history, a
 * progress bar on long runs, a summary; exit 1 when any history fails.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MultiBar, Presets } from 'cli-progress';
import type { Client } from '@temporalio/client';
import { METADATA_ENCODING_KEY, type DataConverter } from '@temporalio/common';
import { DefaultLogger, Runtime, Worker, type ReplayResult, type ReplayWorkerOptions } from '@temporalio/worker';
import { attritionWatchWorkflowId } from '../../workflows/attrition-watch/messages';
import { disputeWorkflowId } from '../../workflows/dispute/messages';
import { loadConfig } from '../config';
import { runCommand } from './command';
import { workflowBundlePath } from '../temporal/bundle';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA, type PayloadKeys, type PlaintextPolicy } from '../temporal/codec';
import { connectClient, temporalDataConverter } from '../temporal/connection';
import { loadPayloadKeys } from '../temporal/encryption';

/** A history as the replayer takes it: fetched from the server, or JSON from a file. */
type History = Parameters<typeof Worker.runReplayHistory>[1];

/** A history to replay, loaded only when its turn comes. */
export interface HistorySource {
  workflowId: string;
  /** Where it came from, as the line shows it: a run id, or a file. */
  label: string;
  /** The run, for a history fetched from the server. */
  runId?: string;
  load(): Promise<unknown>;
}

export interface ReplayLine {
  source: HistorySource;
  ok: boolean;
  /** For a failure: the first event that diverged, when the replayer says. */
  eventId: number | null;
  message: string;
  /** Why the history's payloads cannot be opened here, when they cannot: then it was not replayed. */
  unopenable?: string;
}

/** What this process can open: its keys, and whether it takes payloads in clear. */
export interface PayloadAccess {
  keys: PayloadKeys;
  plaintext: PlaintextPolicy;
}

/** A metadata value: bytes in a fetched history, base64 in a history file. */
const metadataText = (value: unknown): string =>
  typeof value === 'string' ? Buffer.from(value, 'base64').toString() : new TextDecoder().decode(value as Uint8Array);

/**
 * Why a history's payloads cannot be opened with these keys, if they cannot: sealed with a key not
 * loaded, or in clear where clear payloads are refused. Such a history would fail replay as if the
 * code had changed; it is reported as what it is instead.
 */
export function unopenablePayloads(history: unknown, { keys, plaintext }: PayloadAccess): string | null {
  const missing = new Set<string>();
  let clear = 0;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const metadata = (node as { metadata?: Record<string, unknown> }).metadata;
    if (metadata && typeof metadata === 'object' && METADATA_ENCODING_KEY in metadata) {
      if (metadataText(metadata[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING) {
        const keyId = metadataText(metadata[KEY_ID_METADATA]);
        if (!keys.keys.has(keyId)) missing.add(keyId);
      } else if (plaintext === 'refuse') clear += 1;
      return;
    }
    Object.values(node).forEach(visit);
  };
  visit(history);
  if (missing.size) {
    const loaded = [...keys.keys.keys()].join(', ');
    return `sealed with key ${[...missing].join(', ')}, which is not among the keys loaded (${loaded}): set PAYLOAD_KEYS or PAYLOAD_KEY_FILE to the keys it was sealed with`;
  }
  if (clear) {
    return `${clear} payloads are in clear, which this process refuses: a history from before payload encryption replays with PAYLOAD_PLAINTEXT=accept`;
  }
  return null;
}

/** Every run of a workflow id, oldest first: a continue-as-new chain whole. */
export async function runsOf(client: Client, workflowId: string): Promise<HistorySource[]> {
  return fromQuery(client, `WorkflowId = ${JSON.stringify(workflowId)}`);
}

/** Every run the visibility query finds, oldest first. */
export async function fromQuery(client: Client, query: string): Promise<HistorySource[]> {
  const runs: { workflowId: string; runId: string; startTime: Date }[] = [];
  for await (const run of client.workflow.list({ query })) runs.push(run);
  runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  return runs.map(({ workflowId, runId }) => ({
    workflowId,
    runId,
    label: `run ${runId}`,
    load: () => client.workflow.getHandle(workflowId, runId).fetchHistory(),
  }));
}

/** A history file, or every `.json` in a folder. */
export function fromFiles(target: string): HistorySource[] {
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => path.join(target, f))
    : [target];
  return files.map((file) => ({
    workflowId: path.basename(file, '.json'),
    label: file,
    load: async () => JSON.parse(readFileSync(file, 'utf8')) as unknown,
  }));
}

/** Replays each source in turn, telling `onLine` how each went. */
export async function replay(
  sources: HistorySource[],
  options: { bundlePath: string; dataConverter: DataConverter; access?: PayloadAccess },
  onLine: (line: ReplayLine) => void = () => {},
): Promise<ReplayLine[]> {
  const lines: ReplayLine[] = [];
  const worker = { workflowBundle: { codePath: options.bundlePath }, dataConverter: options.dataConverter };
  // Kept until its result is in, for a failure to be looked into without loading it again.
  const pending = new Map<string, { source: HistorySource; history: History }>();
  async function* histories() {
    for (const [i, source] of sources.entries()) {
      // The replayer names a history by the id given here; a sequence number keeps runs apart.
      const key = `${i}:${source.workflowId}`;
      const history = (await source.load()) as History;
      const unopenable = options.access ? unopenablePayloads(history, options.access) : null;
      if (unopenable) {
        const line: ReplayLine = { source, ok: false, eventId: null, message: '', unopenable };
        lines.push(line);
        onLine(line);
        continue;
      }
      pending.set(key, { source, history });
      yield { workflowId: key, history };
    }
  }
  const results: AsyncIterable<ReplayResult> = Worker.runReplayHistories(worker, histories());
  for await (const result of results) {
    const { source, history } = pending.get(result.workflowId)!;
    pending.delete(result.workflowId);
    const message = result.error?.message.replace(/^.*\[TMPRL1100\] /s, '').replace(/", source: .*$/s, '') ?? '';
    const eventId = result.error ? await firstDivergence(history, worker) : null;
    const line: ReplayLine = { source, ok: !result.error, eventId, message };
    lines.push(line);
    onLine(line);
  }
  return lines;
}

/**
 * The first event the code and the history disagree on: replay of a history cut short fails
 * from that event on, so halving the cut finds it in a few replays.
 */
async function firstDivergence(history: History, worker: ReplayWorkerOptions): Promise<number | null> {
  const { events } = history as { events: { eventId: unknown }[] };
  const fails = (count: number) =>
    Worker.runReplayHistory(worker, { events: events.slice(0, count) } as History).then(
      () => false,
      () => true,
    );
  let [low, high] = [0, events.length];
  if (!(await fails(high))) return null;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await fails(mid)) high = mid;
    else low = mid;
  }
  return Number(events[high - 1].eventId);
}

export function describeLine({ source, ok, eventId, message, unopenable }: ReplayLine): string {
  if (ok) return `ok    ${source.workflowId}  (${source.label})`;
  if (unopenable)
    return `SKIP  ${source.workflowId}  (${source.label}): its payloads cannot be opened here: ${unopenable}`;
  const where = eventId === null ? '' : ` at event ${eventId}`;
  return `FAIL  ${source.workflowId}  (${source.label}): nondeterministic${where}: ${message.split('\n')[0]}`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { query: { type: 'string' } }, allowPositionals: true });
  if (!positionals.length && !values.query) {
    console.error(
      'Usage: npm run replay -- <case id | workflow id | history.json | folder>... [--query <visibility query>]',
    );
    return 2;
  }
  // The replayer's own complaints are the lines below; keep its log to errors of its own.
  Runtime.install({ logger: new DefaultLogger('ERROR', () => {}) });
  const config = loadConfig();
  let client: Client | null = null;
  const server = async () => (client ??= await connectClient(config.temporal));
  const sources: HistorySource[] = [];
  for (const arg of positionals) {
    if (existsSync(arg)) sources.push(...fromFiles(arg));
    else if (/^DSP-/.test(arg)) {
      sources.push(...(await runsOf(await server(), disputeWorkflowId(arg))));
      sources.push(...(await runsOf(await server(), attritionWatchWorkflowId(arg))));
    } else sources.push(...(await runsOf(await server(), arg)));
  }
  if (values.query) sources.push(...(await fromQuery(await server(), values.query)));
  if (!sources.length) {
    console.error('No history found for the sources given.');
    return 1;
  }

  const bar =
    process.stderr.isTTY && sources.length > 20
      ? new MultiBar({ clearOnComplete: true }, Presets.shades_classic)
      : null;
  const progress = bar?.create(sources.length, 0);
  const print = (text: string) => (bar ? bar.log(`${text}\n`) : console.log(text));
  const lines = await replay(
    sources,
    {
      bundlePath: await workflowBundlePath(path.join(config.dataDir, 'cache')),
      // The worker's own converter: refused payloads replay as the worker took them.
      dataConverter: temporalDataConverter(config.temporal, 'mark'),
      access: { keys: loadPayloadKeys(config.temporal.payloadKeys), plaintext: config.temporal.payloadKeys.plaintext },
    },
    (line) => {
      print(describeLine(line));
      progress?.increment();
    },
  );
  bar?.stop();
  const unopened = lines.filter((l) => l.unopenable).length;
  const failed = lines.filter((l) => !l.ok).length - unopened;
  const skipped = unopened ? `, ${unopened} not replayed: their payloads cannot be opened with the keys given` : '';
  console.log(
    `\n${lines.length - unopened} histories replayed: ${lines.length - failed - unopened} ok, ${failed} failed${skipped}.`,
  );
  await (client as Client | null)?.connection.close();
  return failed || unopened ? 1 : 0;
}

if (require.main === module) runCommand(main);
