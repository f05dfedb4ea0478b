/**
 * What customers sent from their case pages, for staff: her answers with their documents (type,
 * size, hash), and each document's bytes. Who may read them is the access table's
 * `readCustomerDocuments`; every opening is a staff call in the audit, with the document in its path.
 */
import { createHash } from 'node:crypto';
import { Router, type RequestHandler, type Response } from 'express';
import type { Db } from '../../db/client';
import { log } from '../../log';
import type { DocumentStore } from '../../self-service/documents';
import { actorOf } from '../auth';
import { authorize } from '../access';
import { Problem } from '../problem';
import { auditAs } from '../staff-calls';

export interface CustomerAnswerRouteDeps {
  db: Db;
  /** Where document bytes are kept; null when this API takes no customer pages. */
  documents: DocumentStore | null;
}

/** Her answers on a case, oldest first, each document with where staff download it. */
export async function customerAnswersOf(db: Db, caseId: string, hrefOf: (documentId: string) => string) {
  const answers = await db.customerAnswer.findMany({
    where: { caseId },
    orderBy: { createdAt: 'asc' },
    include: { documents: { orderBy: { id: 'asc' } } },
  });
  return answers.map((a) => ({
    id: a.id,
    text: a.text,
    at: a.createdAt.toISOString(),
    documents: a.documents.map((d) => ({
      id: d.id,
      fileName: d.fileName,
      mediaType: d.mediaType,
      sizeBytes: d.sizeBytes,
      sha256: d.sha256,
      uploadedBy: d.uploadedBy,
      uploadedAt: d.createdAt.toISOString(),
      href: hrefOf(d.id),
    })),
  }));
}

/** The case, once the caller may read what its customer sent. */
async function readableCase(db: Db, caseId: string, res: Response) {
  const row = await db.case.findUnique({ where: { id: caseId }, select: { id: true, departmentId: true } });
  if (!row) throw Problem.noCase(caseId);
  authorize(actorOf(res), 'readCustomerDocuments', { caseId: row.id, departmentId: row.departmentId });
  auditAs(res, { caseId: row.id, action: 'readCustomerDocuments' });
  return row;
}

/** A document's bytes as kept, checked against its hash, or null when the store lacks them. */
export async function documentContent(
  db: Db,
  store: DocumentStore | null,
  caseId: string,
  documentId: string,
): Promise<{ fileName: string; mediaType: string; bytes: Buffer } | null> {
  const document = await db.caseDocument.findUnique({ where: { id: documentId } });
  if (!document || document.caseId !== caseId) return null;
  const bytes = await store?.get(document.sha256);
  if (!bytes) return null;
  if (createHash('sha256').update(bytes).digest('hex') !== document.sha256) {
    log.error({ documentId, caseId }, 'document content does not match its hash');
    return null;
  }
  return { fileName: document.fileName, mediaType: document.mediaType, bytes };
}

export function customerAnswerRoutes({ db, documents }: CustomerAnswerRouteDeps): Router {
  const router = Router();

  router.get('/cases/:id/customer-answers', async (req, res) => {
    const row = await readableCase(db, String(req.params.id), res);
    const answers = await customerAnswersOf(db, row.id, (id) => `/cases/${row.id}/documents/${id}`);
    res.json({ caseId: row.id, answers });
  });

  router.get('/cases/:id/documents/:documentId', documentDownload({ db, documents }));

  return router;
}

/**
 * A document's download, for the API and the console alike: as an attachment in a sandbox, so a
 * document is never rendered as one of our pages.
 */
export function documentDownload({ db, documents }: CustomerAnswerRouteDeps): RequestHandler {
  return async (req, res) => {
    const row = await readableCase(db, String(req.params.id), res);
    const documentId = String(req.params.documentId);
    const content = await documentContent(db, documents, row.id, documentId);
    if (!content) throw Problem.notFound(`Case ${row.id} has no document ${documentId}.`);
    res.attachment(content.fileName);
    res.set('Content-Security-Policy', "sandbox; default-src 'none'");
    res.type(content.mediaType).send(content.bytes);
  };
}
