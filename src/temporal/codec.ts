/**
 * Payload encryption: every payload the worker, the API and the tools hand to Temporal (workflow
 * inputs, Update requests and results, activity inputs and results, memos, summaries, failure
 * messages) is sealed with AES-256-GCM before it leaves the process, so the server's histories
 * hold ciphertext. Each sealed payload names its key in its metadata; several keys are loaded so
 * histories sealed before a rotation stay readable.
 *
 * A payload that is not sealed, or does not open with its key (forged, altered), is refused: the
 * API and the tools get an error that says which; the worker gets a REFUSED marker in its place,
 * which workflows/interceptors.ts turns into a rejected Update, an ignored signal, a failed query
 * or start, so a forgery never stalls the case it was aimed at. A payload sealed with a key this
 * process lacks is an error everywhere: a deployment missing a key, which must stall, not drop.
 *
 * A payload of some size is deflated before it is sealed (JSON shrinks to a third or so), which
 * keeps histories small; its metadata says so. Payloads sealed before that open as they were.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const COMPRESSION_METADATA = 'compression';
/** Below this many bytes deflate saves little or nothing. */
const COMPRESS_FROM_BYTES = 128;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKeys {
  /** The key new payloads are sealed with. */
  encryptWith: string;
  /** Every key this process can open payloads with, by id; includes `encryptWith`. */
  keys: Map<string, Buffer>;
}

/** What to do with a payload that arrives unsealed: refuse it, or (while older histories drain) take it. */
export type PlaintextPolicy = 'refuse' | 'accept';

/** How a refused payload is answered: an error, or (in the worker) a REFUSED marker in its place. */
export type Refusal = 'throw' | 'mark';

/** The value a refused payload decodes to in the worker. */
export const REFUSED = 'refusedPayload';

export class PayloadRefused extends Error {
  override name = 'PayloadRefused';
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : '');

export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly keys: PayloadKeys,
    private readonly plaintext: PlaintextPolicy = 'refuse',
    private readonly refusal: Refusal = 'throw',
  ) {
    if (!keys.keys.has(keys.encryptWith)) throw new Error(`no key "${keys.encryptWith}" among the payload keys`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.seal(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      try {
        return this.open(payload);
      } catch (error) {
        if (!(error instanceof PayloadRefused) || this.refusal === 'throw') throw error;
        return defaultPayloadConverter.toPayload({ [REFUSED]: error.message });
      }
    });
  }

  seal(payload: Payload): Payload {
    const key = this.keys.keys.get(this.keys.encryptWith)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const encoded = temporal.api.common.v1.Payload.encode(payload).finish();
    const deflated = encoded.length >= COMPRESS_FROM_BYTES ? deflateRawSync(encoded) : null;
    const plain = deflated && deflated.length < encoded.length ? deflated : encoded;
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    const metadata: Record<string, Uint8Array> = {
      [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING),
      [KEY_ID_METADATA]: utf8(this.keys.encryptWith),
    };
    if (plain === deflated) metadata[COMPRESSION_METADATA] = utf8('deflate');
    return { metadata, data: sealed };
  }

  open(payload: Payload): Payload {
    const encoding = text(payload.metadata?.[METADATA_ENCODING_KEY]);
    if (encoding !== ENCRYPTED_ENCODING) {
      if (this.plaintext === 'accept') return payload;
      throw new PayloadRefused(
        `refused a payload that is not encrypted (encoding "${encoding || 'none'}"): only payloads sealed with a known key are taken`,
      );
    }
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = this.keys.keys.get(keyId);
    if (!key) {
      throw new Error(
        `refused a payload encrypted with key "${keyId}", which is not among the keys loaded (${[...this.keys.keys.keys()].join(', ')})`,
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadRefused(`refused a payload too short to be sealed`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadRefused(
        `refused a payload that key "${keyId}" does not open: altered, or sealed with another key`,
      );
    }
    const compression = text(payload.metadata?.[COMPRESSION_METADATA]);
    if (compression && compression !== 'deflate')
      throw new PayloadRefused(`refused a payload compressed with "${compression}"`);
    return temporal.api.common.v1.Payload.decode(compression ? inflateRawSync(plain) : plain);
  }
}
