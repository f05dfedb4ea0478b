/**
 * The payload codec: what it seals opens again, under a rotated key too; what is not sealed, or
 * sealed with a key this process lacks, or altered, is refused with an error that says which.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { COMPRESSION_METADATA, EncryptionCodec, KEY_ID_METADATA, REFUSED } from '../../src/temporal/codec';
import { loadPayloadKeys, newKeyEntry, parsePayloadKeys } from '../../src/temporal/encryption';

const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const value = (p: Payload) => defaultPayloadConverter.fromPayload(p);
const note = { actor: 'merchant-disputes-agent-1', text: 'Customer says the parcel never came' };

const [oldKey, newKey] = [newKeyEntry(new Date('2026-01-01')), newKeyEntry(new Date('2026-11-24'))];

test('a sealed payload holds no plaintext, names its key, and opens to what went in', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(newKey, 'test'));
  const [sealed] = await codec.encode([payload(note)]);
  expect(Buffer.from(sealed.data!).toString('latin1')).not.toContain('parcel');
  expect(new TextDecoder().decode(sealed.metadata![KEY_ID_METADATA])).toBe('k20261124');
  expect(new TextDecoder().decode(sealed.metadata!.encoding)).toBe('binary/encrypted');
  const [opened] = await codec.decode([sealed]);
  expect(value(opened)).toEqual(note);
});

test('a larger payload is deflated before it is sealed, a small one is not, and both open', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(newKey, 'test'));
  const timeline = Array.from({ length: 20 }, (_, seq) => ({
    seq,
    type: 'note',
    actor: note.actor,
    data: { text: note.text },
  }));
  const [large, small] = await codec.encode([payload(timeline), payload({ ok: true })]);
  expect(new TextDecoder().decode(large.metadata![COMPRESSION_METADATA])).toBe('deflate');
  expect(large.data!.length).toBeLessThan(payload(timeline).data!.length / 3);
  expect(small.metadata![COMPRESSION_METADATA]).toBeUndefined();
  expect((await codec.decode([large, small])).map(value)).toEqual([timeline, { ok: true }]);
});

test('after a rotation, payloads sealed with the old key still open, and new ones use the new key', async () => {
  const before = new EncryptionCodec(parsePayloadKeys(oldKey, 'test'));
  const after = new EncryptionCodec(parsePayloadKeys(`${newKey}\n${oldKey}`, 'test'));
  const [old] = await before.encode([payload(note)]);
  expect(value((await after.decode([old]))[0])).toEqual(note);
  const [fresh] = await after.encode([payload(note)]);
  expect(new TextDecoder().decode(fresh.metadata![KEY_ID_METADATA])).toBe('k20261124');
  await expect(before.decode([fresh])).rejects.toThrow(
    'refused a payload encrypted with key "k20261124", which is not among the keys loaded (k20260101)',
  );
});

test('a key of the same id but other bytes, or an altered payload, is refused', async () => {
  const codec = new EncryptionCodec(parsePayloadKeys(newKey, 'test'));
  const impostor = new EncryptionCodec(parsePayloadKeys(newKeyEntry(new Date('2026-11-24')), 'test'));
  const [sealed] = await codec.encode([payload(note)]);
  await expect(impostor.decode([sealed])).rejects.toThrow(
    'refused a payload that key "k20261124" does not open: altered, or sealed with another key',
  );
  // Flip one bit, so the byte differs whatever it was.
  const data = Buffer.from(sealed.data!);
  data[20] ^= 0x01;
  const altered = { ...sealed, data };
  await expect(codec.decode([altered])).rejects.toThrow('does not open');
});

test('a payload in clear is refused, unless taking them was chosen while old histories drain', async () => {
  const keys = parsePayloadKeys(newKey, 'test');
  await expect(new EncryptionCodec(keys).decode([payload(note)])).rejects.toThrow(
    'refused a payload that is not encrypted (encoding "json/plain")',
  );
  expect(value((await new EncryptionCodec(keys, 'accept').decode([payload(note)]))[0])).toEqual(note);
});

test('keys are id:base64 of 32 bytes, named in the error when they are not', () => {
  expect(() => parsePayloadKeys('', 'PAYLOAD_KEYS')).toThrow('PAYLOAD_KEYS holds no key');
  expect(() => parsePayloadKeys('just-bytes', 'PAYLOAD_KEYS')).toThrow('PAYLOAD_KEYS: "just-bytes…" is not id:base64');
  expect(() => parsePayloadKeys(`k1:${Buffer.alloc(16).toString('base64')}`, 'PAYLOAD_KEYS')).toThrow(
    'PAYLOAD_KEYS: key "k1" is 16 bytes, not 32 (AES-256)',
  );
  expect(() => parsePayloadKeys(`${newKey},${newKey}`, 'PAYLOAD_KEYS')).toThrow('key "k20261124" is given twice');
  const keys = parsePayloadKeys(`# rotated in November\n${newKey}, ${oldKey}`, 'file');
  expect(keys.encryptWith).toBe('k20261124');
  expect([...keys.keys.keys()]).toEqual(['k20261124', 'k20260101']);
});

test('embedded defaults make a key file readable by its owner alone; beside a real cluster, a missing key is an error', () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'keys-')), 'payload-keys');
  expect(() => loadPayloadKeys({ keys: null, file, generate: false, plaintext: 'refuse' })).toThrow(
    'No payload keys: set PAYLOAD_KEYS or PAYLOAD_KEY_FILE',
  );
  const made = loadPayloadKeys({ keys: null, file, generate: true, plaintext: 'refuse' });
  expect(statSync(file).mode & 0o777).toBe(0o600);
  // The second start reads the same key.
  const again = loadPayloadKeys({ keys: null, file, generate: true, plaintext: 'refuse' });
  expect(again.keys.get(again.encryptWith)).toEqual(made.keys.get(made.encryptWith));
  expect(readFileSync(file, 'utf8')).toMatch(/^# Payload keys/);
});

test('in the worker, a refused payload becomes a marker its interceptor refuses; a missing key stays an error', async () => {
  const keys = parsePayloadKeys(newKey, 'test');
  const worker = new EncryptionCodec(keys, 'refuse', 'mark');
  expect(value((await worker.decode([payload(note)]))[0])).toEqual({
    [REFUSED]:
      'refused a payload that is not encrypted (encoding "json/plain"): only payloads sealed with a known key are taken',
  });
  const [foreign] = await new EncryptionCodec(parsePayloadKeys(oldKey, 'test')).encode([payload(note)]);
  // A deployment missing a key must stall until it has it, not drop what it cannot read.
  await expect(worker.decode([foreign])).rejects.toThrow('which is not among the keys loaded');
});
