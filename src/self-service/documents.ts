/**
 * Documents a customer sends with her answer: a PDF, JPEG or PNG as its bytes say (never its name),
 * within size and count limits, kept once per content under its SHA-256 in a document store. The
 * store is an interface: a folder on disk by default; an object store implements the same two calls.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FieldError } from '../api/problem';

/** Where document content lives, addressed by its SHA-256 (hex). */
export interface DocumentStore {
  /** Keeps the bytes under their hash; the same content stored again changes nothing. */
  put(sha256: string, bytes: Buffer): Promise<void>;
  /** The bytes kept under the hash, or null. */
  get(sha256: string): Promise<Buffer | null>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Files under `<root>/<first two hex digits>/<hash>`, each written whole (a temp file renamed in). */
export function diskDocumentStore(root: string): DocumentStore {
  const fileOf = (sha256: string) => {
    // The hash is the only path part, so nothing a customer sends can name a file.
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return path.join(root, sha256.slice(0, 2), sha256);
  };
  return {
    async put(sha256, bytes) {
      const file = fileOf(sha256);
      if (
        await stat(file).then(
          () => true,
          () => false,
        )
      )
        return;
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const part = `${file}.${randomUUID()}.part`;
      try {
        await writeFile(part, bytes, { mode: 0o600 });
        await rename(part, file);
      } finally {
        await rm(part, { force: true });
      }
    },
    async get(sha256) {
      try {
        return await readFile(fileOf(sha256));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
  };
}

/** What one answer may carry. */
export const DOCUMENT_LIMITS = {
  /** Per file: a phone photo of a receipt is 2-5 MB. */
  maxBytes: 8 * 1024 * 1024,
  maxFiles: 5,
};

/** The types she may send, as the content says, and how the page names them. */
export const DOCUMENT_TYPES: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
};
export const DOCUMENT_MEDIA_TYPES = Object.keys(DOCUMENT_TYPES) as [string, ...string[]];

/** A file as received (multer's in-memory file, say). */
export interface ReceivedFile {
  originalname: string;
  buffer: Buffer;
}

export interface CheckedDocument {
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  bytes: Buffer;
}

// file-type is an ES module; this CommonJS build loads it when first needed.
const fileType = () => import('file-type');

/** Her files, each checked by its content; the first problem of each refused file, by name. */
export async function checkDocuments(
  files: readonly ReceivedFile[],
): Promise<{ documents: CheckedDocument[] } | { errors: FieldError[] }> {
  const { fileTypeFromBuffer } = await fileType();
  const documents: CheckedDocument[] = [];
  const errors: FieldError[] = [];
  for (const file of files) {
    const fileName = displayName(file.originalname);
    if (file.buffer.length === 0) {
      errors.push({ field: 'documents', message: `${fileName} is empty` });
      continue;
    }
    const detected = await fileTypeFromBuffer(file.buffer);
    if (!detected || !Object.hasOwn(DOCUMENT_TYPES, detected.mime)) {
      errors.push({
        field: 'documents',
        message: `${fileName} is not a PDF, JPEG or PNG file, whatever its name says; send a photo or a PDF of it`,
      });
      continue;
    }
    documents.push({
      fileName,
      mediaType: detected.mime,
      sizeBytes: file.buffer.length,
      sha256: createHash('sha256').update(file.buffer).digest('hex'),
      bytes: file.buffer,
    });
  }
  return errors.length ? { errors } : { documents };
}

/** The name as shown to staff: without any folder, control characters or excess length. */
function displayName(name: string): string {
  const base = path
    .basename(name.replaceAll('\\', '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base || 'document').slice(0, 120);
}

/** A size as people read it. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const megabytes = bytes / (1024 * 1024);
  return `${Number.isInteger(megabytes) ? megabytes : megabytes.toFixed(1)} MB`;
}
