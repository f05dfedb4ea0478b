/**
 * A Prisma schema engine for machines that cannot download Prisma's native one.
 *
 * The Prisma CLI runs whatever `PRISMA_SCHEMA_ENGINE_BINARY` names, either as a JSON-RPC
 * server over stdio (`--datamodels <file>… --datasource <json>`) or for one-shot commands
 * (`--datasource <json> cli can-connect-to-database | create-database | drop-database`).
 * This program serves that protocol with Prisma's own engine compiled to wasm
 * (`@prisma/schema-engine-wasm`), talking to the database through the same driver adapters
 * the app uses. `scripts/schema-engine/adapters.ts` holds the work-arounds for the places
 * where the wasm engine and the adapters disagree.
 *
 * `src/db/migrate.ts` points the CLI here only when no real engine is configured.
 */
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { bindMigrationAwareSqlAdapterFactory, type ErrorRegistry } from '@prisma/driver-adapter-utils';
import {
  adapterFactoryFor,
  canConnect,
  createDatabase,
  dropDatabase,
  ensureSqliteMigrationsTable,
  resetSqlite,
  type MigrationAdapterFactory,
} from './adapters';
import { loadWasmEngine, type WasmSchemaEngine } from './wasm';

interface Datasource {
  url: string;
  shadowDatabaseUrl?: string;
}

interface RpcRequest {
  id: number;
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

/** Engine log lines go to stderr as JSON, the shape the CLI parses for error codes. */
function log(level: 'INFO' | 'ERROR', message: string, errorCode?: string): void {
  const fields: Record<string, string> = { message };
  if (errorCode) fields.error_code = errorCode;
  process.stderr.write(`${JSON.stringify({ level, target: 'schema_engine::logger', fields })}\n`);
}

function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      datamodels: { type: 'string', multiple: true },
      datasource: { type: 'string' },
      'enabled-preview-features': { type: 'string' },
      'extension-types': { type: 'string' },
    },
  });
  const datasource = values.datasource ? (JSON.parse(String(values.datasource)) as Datasource) : undefined;
  const datamodels = (values.datamodels as string[] | undefined) ?? [];
  return { datasource, datamodels, positionals };
}

/** `cli <command>`: one-shot commands; exit code 0 means success. */
async function runCliCommand(command: string, datasource: Datasource | undefined): Promise<number> {
  if (!datasource?.url) {
    log('ERROR', 'The cli commands need --datasource with a url.');
    return 1;
  }
  // The CLI skips the first stderr line before parsing the rest as JSON log lines.
  process.stderr.write('schema-engine-wasm cli\n');
  try {
    switch (command) {
      case 'can-connect-to-database':
        await canConnect(datasource.url);
        return 0;
      case 'create-database':
        await createDatabase(datasource.url);
        return 0;
      case 'drop-database':
        await dropDatabase(datasource.url);
        return 0;
      default:
        log('ERROR', `Unknown cli command "${command}".`);
        return 1;
    }
  } catch (error) {
    const e = error as { code?: string; message?: string };
    log('ERROR', e.message ?? String(error), e.code ?? 'P1001');
    return 1;
  }
}

/** Turns an engine or adapter error into the JSON-RPC error shape the CLI renders. */
function rpcError(error: unknown, errors: ErrorRegistry) {
  const e = error as { code?: unknown; message?: string; name?: string; stack?: string };
  let message = e.message ?? JSON.stringify(e);
  // Adapter errors reach the engine as "External error id#N"; the registry holds the original.
  const external = /External error id#(\d+)/.exec(message);
  const original = external ? errors.consumeError(Number(external[1])) : undefined;
  if (original) message = message.replace(external![0], describeAdapterError(original.error));
  if (e.name === 'RuntimeError') {
    return { code: 4466, message, data: { is_panic: true, message, backtrace: e.stack } };
  }
  const data: Record<string, unknown> = { is_panic: false, message };
  if (typeof e.code === 'string') data.error_code = e.code;
  return { code: 4466, message: 'An error happened. Check the data field for details.', data };
}

/** Calls the engine method named by the request, with the fixes some methods need. */
async function dispatch(
  engine: WasmSchemaEngine,
  adapters: MigrationAdapterFactory,
  datasource: Datasource,
  method: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  switch (method) {
    case 'getDatabaseVersion':
      return engine.version(params as never);
    case 'reset':
      if (adapters.sqliteFile) {
        resetSqlite(adapters.sqliteFile);
        return {};
      }
      break;
    case 'createDatabase':
      await createDatabase(datasource.url);
      return { databaseName: datasource.url };
  }
  if (adapters.sqliteFile) ensureSqliteMigrationsTable(adapters.sqliteFile);
  const target = engine as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  if (typeof target[method] !== 'function') {
    throw Object.assign(new Error(`Method not found: ${method}`), { code: 'P1000' });
  }
  // Call through the object: a detached wasm-bindgen method loses its binding.
  return target[method](params);
}

function describeAdapterError(error: unknown): string {
  const e = error as { kind?: string; originalMessage?: string; message?: string; cause?: unknown };
  return [e.kind, e.originalMessage ?? e.message ?? JSON.stringify(error)].filter(Boolean).join(': ');
}

async function serve(
  engine: WasmSchemaEngine,
  adapters: MigrationAdapterFactory,
  errors: ErrorRegistry,
  datasource: Datasource,
) {
  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  // Requests are handled one at a time, in order, as the native engine does.
  let queue = Promise.resolve();
  input.on('line', (line) => {
    if (!line.trim()) return;
    queue = queue.then(() => handle(line));
  });
  const handle = async (line: string) => {
    let request: RpcRequest;
    try {
      request = JSON.parse(line) as RpcRequest;
    } catch {
      log('ERROR', `Could not parse request: ${line.slice(0, 200)}`);
      return;
    }
    if (request.id === undefined) return; // responses to our (never sent) requests
    try {
      const result = await dispatch(engine, adapters, datasource, request.method, request.params ?? {});
      reply({ jsonrpc: '2.0', id: request.id, result: result ?? null });
    } catch (error) {
      reply({ jsonrpc: '2.0', id: request.id, error: rpcError(error, errors) });
    }
  };
  await new Promise<void>((resolve) => input.on('close', resolve));
  await queue;
  await adapters.cleanup();
}

function reply(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<number> {
  const { datasource, datamodels, positionals } = parseCommandLine(process.argv.slice(2));
  if (positionals[0] === 'cli') return runCliCommand(positionals[1] ?? '', datasource);
  if (!datasource?.url) {
    log('ERROR', 'No datasource url: set datasource.url in prisma.config.ts.');
    return 1;
  }
  const adapters = adapterFactoryFor(datasource.url, datasource.shadowDatabaseUrl);
  const files = datamodels.map((file): [string, string] => [file, readFileSync(file, 'utf8')]);
  // The engine logs JSON lines already; pass them through to the CLI.
  const onLog = (line: string) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  const bound = bindMigrationAwareSqlAdapterFactory(adapters);
  const engine = await loadWasmEngine(files, onLog, bound);
  await serve(engine, adapters, bound.errorRegistry, datasource);
  return 0;
}

// The wasm runtime leaves timers behind; exit explicitly once the work is done.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log('ERROR', error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
