import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';

export type WasmSchemaEngine = SchemaEngine;

const PACKAGE = '@prisma/schema-engine-wasm';

/** The slice of the WebAssembly global used here (the project compiles without DOM types). */
declare const WebAssembly: {
  instantiate(
    bytes: Buffer,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

/**
 * Instantiates the wasm engine by hand: the package's entry point imports the .wasm file as
 * an ES module, which Node only allows behind --experimental-wasm-modules.
 */
export async function loadWasmEngine(
  datamodels: [string, string][],
  onLog: (message: string) => void,
  adapterFactory: object,
): Promise<SchemaEngine> {
  const bindings = (await import(
    `${PACKAGE}/schema_engine_bg`
  )) as typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
    __wbg_set_wasm(exports: Record<string, unknown>): void;
  };
  const wasmPath = path.join(path.dirname(require.resolve(PACKAGE)), 'schema_engine_bg.wasm');
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
    './schema_engine_bg.js': bindings,
  });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  // `datamodels` must be undefined or non-empty.
  return bindings.SchemaEngine.new({ datamodels: datamodels.length ? datamodels : undefined }, onLog, adapterFactory);
}
