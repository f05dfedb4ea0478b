/**
 * Where the payload keys come from, and the data converter every process that talks to Temporal
 * uses: the worker, the API's client, replay and audit.
 *
 * Keys are `id:base64` entries (32 random bytes each), separated by commas or new lines; the first
 * seals new payloads, the others still open what they sealed. They come from PAYLOAD_KEYS, or the
 * file PAYLOAD_KEY_FILE names; on embedded defaults a key file is made in the data dir.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, type PayloadKeys, type PlaintextPolicy, type Refusal } from './codec';

export interface PayloadKeySettings {
  /** The keys themselves (PAYLOAD_KEYS), or null to read `file`. */
  keys: string | null;
  file: string;
  /** Whether `file` may be created when missing: embedded defaults only, never beside a real cluster. */
  generate: boolean;
  plaintext: PlaintextPolicy;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses key entries; `source` names where they came from in the error. */
export function parsePayloadKeys(text: string, source: string): PayloadKeys {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`${source} holds no key: give id:base64 entries, the first encrypts`);
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (colon < 1 || !KEY_ID.test(id)) throw new Error(`${source}: "${entry.slice(0, 20)}…" is not id:base64`);
    if (key.length !== 32) throw new Error(`${source}: key "${id}" is ${key.length} bytes, not 32 (AES-256)`);
    if (keys.has(id)) throw new Error(`${source}: key "${id}" is given twice`);
    keys.set(id, key);
  }
  return { encryptWith: entries[0].slice(0, entries[0].indexOf(':')), keys };
}

/** A fresh key entry, named after today: `k20261124:…`. */
export function newKeyEntry(now = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replaceAll('-', '')}:${randomBytes(32).toString('base64')}`;
}

export function loadPayloadKeys(settings: PayloadKeySettings): PayloadKeys {
  if (settings.keys) return parsePayloadKeys(settings.keys, 'PAYLOAD_KEYS');
  if (!existsSync(settings.file)) {
    if (!settings.generate) {
      throw new Error(
        `No payload keys: set PAYLOAD_KEYS or PAYLOAD_KEY_FILE, the same on every worker and API replica (${settings.file} does not exist)`,
      );
    }
    mkdirSync(path.dirname(settings.file), { recursive: true, mode: 0o700 });
    writeFileSync(
      settings.file,
      `# Payload keys: the first encrypts. Keep a copy: without it, histories are unreadable.\n${newKeyEntry()}\n`,
      {
        mode: 0o600,
        flag: 'wx',
      },
    );
  }
  return parsePayloadKeys(readFileSync(settings.file, 'utf8'), settings.file);
}

/** Failure messages and stack traces go into the sealed attributes too (see the workflow-side module). */
export const FAILURE_CONVERTER_PATH = require.resolve('../../workflows/failure-converter');

/** The worker passes `mark`: a forged payload reaches the workflow as a marker its interceptor refuses. */
export function dataConverter(
  keys: PayloadKeys,
  plaintext: PlaintextPolicy = 'refuse',
  refusal: Refusal = 'throw',
): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec(keys, plaintext, refusal)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
