/**
 * Her answer to the bank's question: her words and documents are stored first (the documents by
 * content hash), then her case is told by an Update carrying their ids. The form's request id names
 * the answer, so a double submit stores one answer and sends one Update.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client';
import type { CheckedDocument, DocumentStore } from './documents';
import type { CaseVisitor } from './sessions';

export const ANSWER_TEXT_MAX = 4000;

export const AnswerForm = z.object({
  text: z
    .string()
    .trim()
    .max(ANSWER_TEXT_MAX, { error: `keep it under ${ANSWER_TEXT_MAX.toLocaleString('en-US')} characters` })
    .default(''),
  requestId: z.uuid({ error: 'reload the page and send it again' }),
});
export type AnswerForm = z.infer<typeof AnswerForm>;

export interface StoredAnswer {
  answerId: string;
  documentIds: string[];
}

/** Stores her answer once per form: a repeat of the same form gets the answer stored the first time. */
export async function saveAnswer(
  db: Db,
  store: DocumentStore,
  visitor: CaseVisitor,
  form: AnswerForm,
  documents: readonly CheckedDocument[],
): Promise<StoredAnswer> {
  const earlier = await storedAnswer(db, form.requestId, visitor);
  if (earlier) return earlier;
  // Content first: a row never names bytes the store lacks (bytes without a row are harmless).
  for (const document of documents) await store.put(document.sha256, document.bytes);
  const answerId = `ans_${randomUUID()}`;
  const rows = documents.map((d) => ({
    id: `doc_${randomUUID()}`,
    caseId: visitor.caseId,
    fileName: d.fileName,
    mediaType: d.mediaType,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    uploadedBy: `customer:${visitor.customerId}`,
  }));
  try {
    await db.customerAnswer.create({
      data: {
        id: answerId,
        requestId: form.requestId,
        caseId: visitor.caseId,
        customerId: visitor.customerId,
        text: form.text,
        documents: { create: rows },
      },
    });
  } catch (error) {
    // The same form sent twice at once: the other submit stored it.
    if ((error as { code?: string }).code !== 'P2002') throw error;
    const stored = await storedAnswer(db, form.requestId, visitor);
    if (stored) return stored;
    throw error;
  }
  return { answerId, documentIds: rows.map((r) => r.id).sort() };
}

async function storedAnswer(db: Db, requestId: string, visitor: CaseVisitor): Promise<StoredAnswer | null> {
  const row = await db.customerAnswer.findUnique({
    where: { requestId },
    include: { documents: { select: { id: true }, orderBy: { id: 'asc' } } },
  });
  // A request id from another case's form answers nothing here.
  if (!row || row.caseId !== visitor.caseId) return null;
  return { answerId: row.id, documentIds: row.documents.map((d) => d.id) };
}

/** Takes back an answer her case refused (it no longer waits on her): it was never part of the case. */
export async function discardAnswer(db: Db, answerId: string): Promise<void> {
  await db.$transaction([
    db.caseDocument.deleteMany({ where: { answerId } }),
    db.customerAnswer.deleteMany({ where: { id: answerId } }),
  ]);
}
