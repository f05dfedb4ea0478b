/**
 * The customer's side of the API: the link in her messages, exchanged for a session on her case,
 * and her case page. Refusals look alike whatever their cause and are limited per address.
 */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import multer from 'multer';
import { fieldErrors, type FieldError } from '../api/problem';
import type { Db } from '../db/client';
import { log } from '../log';
import type { DeliveryChannels } from '../notifications/channels';
import type { NotificationSettings } from '../notifications/settings';
import { carriesCsrfToken, csrfToken } from '../web/sessions';
import { customerAnswerUpdate, customerWithdrawUpdate, stillUnhappyUpdate } from '../../workflows/dispute/messages';
import { DEFAULT_CASE_SETTINGS, type CaseSettings } from '../../workflows/domain/case-policy';
import { AnswerForm, discardAnswer, saveAnswer } from './answers';
import {
  casePage,
  closedPage,
  CODE_SECTIONS,
  loadCasePage,
  unavailablePage,
  type CasePageForms,
  type CodeSection,
  type TriedForm,
} from './case-page';
import { checkCode, sendCode } from './codes';
import { sendToCase, StillUnhappyForm, WithdrawForm } from './customer-actions';
import { checkDocuments, DOCUMENT_LIMITS, sizeText, type DocumentStore } from './documents';
import { LINK_PATH, openCaseLink } from './links';
import { changePreferences, preferencesForm, preferencesOf } from './preferences';
import { CASE_PAGE_SESSION, caseVisitor, startCaseSession, type CaseVisitor } from './sessions';
import { answerSurvey, SurveyForm, SURVEYED_STAGES } from './survey';

export interface SelfServiceDeps {
  db: Db;
  temporal: Client;
  /** The link key (see `loadLinkKey`). */
  linkKey: Buffer;
  /** The bank's name and phone, as its messages give them. */
  bank: NotificationSettings;
  /** How one-time codes reach her: the channels her messages use. */
  channels: DeliveryChannels;
  /** Where the documents she sends are kept. */
  documents: DocumentStore;
  /** The bank's case policy: how often status updates may come. */
  casePolicy?: CaseSettings;
  /** Refused links an address may try in a quarter of an hour. */
  refusedLinksPerAddress?: number;
}

const ASSETS: Record<string, string> = { 'case-page.css': path.join(__dirname, 'assets', 'case-page.css') };
const REFUSAL_WINDOW_MS = 15 * 60_000;

/** Her files, held in memory within the limits (nothing is written before they are checked). */
const receiveFiles = multer({
  storage: multer.memoryStorage(),
  defParamCharset: 'utf8',
  limits: {
    fileSize: DOCUMENT_LIMITS.maxBytes,
    files: DOCUMENT_LIMITS.maxFiles,
    fields: 10,
    fieldSize: 16 * 1024,
    parts: DOCUMENT_LIMITS.maxFiles + 10,
  },
}).array('documents', DOCUMENT_LIMITS.maxFiles);

/** What she is told when what she sent is over a limit. */
const UPLOAD_LIMIT_TEXT: Partial<Record<multer.ErrorCode, string>> = {
  LIMIT_FILE_SIZE: `a file is larger than ${sizeText(DOCUMENT_LIMITS.maxBytes)}; send a smaller photo or a PDF of it`,
  LIMIT_FILE_COUNT: `send at most ${DOCUMENT_LIMITS.maxFiles} files with one answer`,
  LIMIT_UNEXPECTED_FILE: `send at most ${DOCUMENT_LIMITS.maxFiles} files with one answer`,
};

/** An upload over a limit is not an error page: her form says what was wrong, and nothing is kept. */
const receiveDocuments: RequestHandler = (req, res, next) =>
  receiveFiles(req, res, (error: unknown) => {
    if (!(error instanceof multer.MulterError)) return next(error);
    res.locals.uploadRefused = UPLOAD_LIMIT_TEXT[error.code] ?? 'we could not read what you sent; try again';
    next();
  });

/** What the page may thank her for after a redirect. */
const TOLD = ['unhappy', 'answer', 'preferences'] as const;

/** Whether her case recorded the answer (its read model's timeline names it). */
async function answerRecorded(db: Db, caseId: string, answerId: string): Promise<boolean> {
  const event = await db.caseEvent.findFirst({
    where: { caseId, type: 'customer_responded', data: { contains: answerId } },
    select: { id: true },
  });
  return event !== null;
}

export function selfServiceRoutes({
  db,
  temporal,
  linkKey,
  bank,
  channels,
  documents,
  casePolicy = DEFAULT_CASE_SETTINGS,
  refusedLinksPerAddress = 20,
}: SelfServiceDeps): Router {
  const router = Router();
  const closed =
    (status: number): RequestHandler =>
    (_req, res) => {
      res.status(status).type('html').send(closedPage(bank));
    };
  // Only refusals count, so a customer opening her links again and again is never stopped.
  const guessing = rateLimit({
    windowMs: REFUSAL_WINDOW_MS,
    limit: refusedLinksPerAddress,
    identifier: 'refused case links',
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: closed(429),
  });

  router.get(`${LINK_PATH}/:token`, guessing, async (req, res, next) => {
    const opened = await openCaseLink(db, linkKey, String(req.params.token));
    if ('refused' in opened) return closed(404)(req, res, next);
    await startCaseSession(db, req, res, opened);
    // The token stays out of the address bar, the history and any Referer.
    res.redirect(303, CASE_PAGE_SESSION.path);
  });

  /** Her page, with a failed form shown again (422) when there is one. */
  async function showCase(
    req: Request,
    res: Response,
    visitor: CaseVisitor,
    forms: Omit<CasePageForms, 'csrf' | 'verifiedUntil' | 'preferences'> & { preferences?: TriedForm } = {},
    status = 200,
  ) {
    const csrf = csrfToken(req, CASE_PAGE_SESSION) ?? '';
    res.set('Cache-Control', 'no-store');
    const data = await loadCasePage(db, temporal, visitor);
    const preferences = {
      ...forms.preferences,
      current: preferencesOf(data.customer, casePolicy),
      channels: (['email', 'sms'] as const).filter((c) => channels[c]),
    };
    res
      .status(status)
      .type('html')
      .send(casePage(data, bank, { csrf, verifiedUntil: visitor.verifiedUntil, ...forms, preferences }));
  }

  // What she sends: only with her live session and its CSRF token (another site has neither).
  const herSession: RequestHandler = async (req, res, next) => {
    const visitor = await caseVisitor(db, req);
    if (!visitor) return closed(401)(req, res, next);
    res.locals.visitor = visitor;
    next();
  };
  const withCsrf: RequestHandler = (req, res, next) =>
    carriesCsrfToken(req, CASE_PAGE_SESSION) ? next() : closed(403)(req, res, next);
  const fromHer = [herSession, withCsrf];
  /** A change waits for her code; until then the section asks for one (and nothing is read). */
  const confirmedFor =
    (section: CodeSection): RequestHandler =>
    async (req, res, next) => {
      const visitor = res.locals.visitor as CaseVisitor;
      if (visitor.verifiedUntil) return next();
      await showCase(req, res, visitor, { needCode: section }, 403);
    };

  router.get('/my-case', async (req, res, next) => {
    const visitor = await caseVisitor(db, req);
    if (!visitor) return closed(401)(req, res, next);
    const told = TOLD.find((t) => t === req.query.told);
    await showCase(req, res, visitor, { told });
  });

  router.post('/my-case/survey', ...fromHer, async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const { stage } = await db.case.findUniqueOrThrow({ where: { id: visitor.caseId }, select: { stage: true } });
    const parsed = SurveyForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      return showCase(
        req,
        res,
        visitor,
        { survey: { values: req.body ?? {}, errors: fieldErrors(parsed.error) } },
        422,
      );
    }
    // Asked once the dispute is decided; before that the form is not offered, and a post is ignored.
    if (SURVEYED_STAGES.includes(stage)) await answerSurvey(db, visitor, parsed.data);
    res.redirect(303, `${CASE_PAGE_SESSION.path}#survey`);
  });

  // "Still unhappy": an Update to her case, named by the form's request id, so a double submit acts once.
  router.post('/my-case/unhappy', ...fromHer, async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const parsed = StillUnhappyForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      return showCase(req, res, visitor, { unhappy: { values: req.body ?? {}, errors } }, 422);
    }
    const { workflowId } = await db.case.findUniqueOrThrow({ where: { id: visitor.caseId } });
    const refusal = await sendToCase(
      temporal,
      workflowId,
      stillUnhappyUpdate,
      { customerId: visitor.customerId, reason: parsed.data.reason },
      {
        requestId: parsed.data.requestId,
        field: 'reason',
        tooLate: 'Your case is closed, so we cannot take this here. Please call us.',
      },
    );
    if (refusal) return showCase(req, res, visitor, { unhappy: { values: req.body, errors: [refusal] } }, 409);
    res.redirect(303, `${CASE_PAGE_SESSION.path}?told=unhappy#unhappy`);
  });

  // Withdrawing: confirmed on the form, and only by a session that entered a one-time code.
  router.post('/my-case/withdraw', ...fromHer, confirmedFor('withdraw'), async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const parsed = WithdrawForm.safeParse(req.body ?? {});
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      return showCase(req, res, visitor, { withdraw: { values: req.body ?? {}, errors } }, 422);
    }
    const { workflowId } = await db.case.findUniqueOrThrow({ where: { id: visitor.caseId } });
    const refusal = await sendToCase(
      temporal,
      workflowId,
      customerWithdrawUpdate,
      { customerId: visitor.customerId },
      {
        requestId: parsed.data.requestId,
        field: 'confirm',
        tooLate: 'Your dispute is already decided or closed, so it cannot be withdrawn now.',
      },
    );
    if (refusal) return showCase(req, res, visitor, { withdraw: { values: req.body, errors: [refusal] } }, 409);
    res.redirect(303, `${CASE_PAGE_SESSION.path}#where`);
  });

  // Her answer to the bank's question, with documents: stored, then her case told by an Update.
  // Her files are read only for a session that entered its code; its CSRF token is a field of the form.
  router.post('/my-case/answer', herSession, confirmedFor('answer'), receiveDocuments, withCsrf, async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const values = (req.body ?? {}) as Record<string, unknown>;
    const refuse = (status: number, errors: FieldError[]) =>
      showCase(req, res, visitor, { answer: { values, errors } }, status);
    const overLimit = res.locals.uploadRefused as string | undefined;
    if (overLimit) return refuse(413, [{ field: 'documents', message: overLimit }]);
    const parsed = AnswerForm.safeParse(values);
    if (!parsed.success) return refuse(422, fieldErrors(parsed.error));
    const files = (req.files ?? []) as Express.Multer.File[];
    if (!parsed.data.text && files.length === 0) {
      return refuse(422, [{ field: 'text', message: 'write your answer, or add a document' }]);
    }
    const checked = await checkDocuments(files);
    if ('errors' in checked) return refuse(422, checked.errors);
    const stored = await saveAnswer(db, documents, visitor, parsed.data, checked.documents);
    const { workflowId } = await db.case.findUniqueOrThrow({ where: { id: visitor.caseId } });
    const refusal = await sendToCase(
      temporal,
      workflowId,
      customerAnswerUpdate,
      { customerId: visitor.customerId, answerId: stored.answerId, documentIds: stored.documentIds },
      {
        requestId: parsed.data.requestId,
        field: 'text',
        tooLate: 'We are not waiting for an answer from you now, so this was not sent. To add something, call us.',
      },
    );
    if (refusal) {
      if (!(await answerRecorded(db, visitor.caseId, stored.answerId))) await discardAnswer(db, stored.answerId);
      return refuse(409, [refusal]);
    }
    res.redirect(303, `${CASE_PAGE_SESSION.path}?told=answer#answer`);
  });

  // How she hears from us: kept on her record, and each of her open cases told.
  const PreferencesForm = preferencesForm(channels);
  router.post('/my-case/preferences', ...fromHer, confirmedFor('preferences'), async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const values = (req.body ?? {}) as Record<string, unknown>;
    const parsed = PreferencesForm.safeParse(values);
    if (!parsed.success) {
      return showCase(req, res, visitor, { preferences: { values, errors: fieldErrors(parsed.error) } }, 422);
    }
    await changePreferences(db, temporal, visitor, parsed.data, casePolicy);
    res.redirect(303, `${CASE_PAGE_SESSION.path}?told=preferences#preferences`);
  });

  // Before a change: a one-time code by her channel, then the code entered in the section that asked.
  const sectionOf = (req: Request): CodeSection => CODE_SECTIONS.find((s) => s === req.body?.for) ?? 'answer';
  router.post('/my-case/code', ...fromHer, async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const sent = await sendCode(db, channels, bank, visitor);
    const code = { for: sectionOf(req), result: sent };
    await showCase(req, res, visitor, { code }, 'refused' in sent ? 429 : 200);
  });

  router.post('/my-case/verify', ...fromHer, async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const section = sectionOf(req);
    const entered = typeof req.body?.code === 'string' ? req.body.code : '';
    const checked = await checkCode(db, visitor, entered);
    if (checked === 'verified') return res.redirect(303, `${CASE_PAGE_SESSION.path}#${section}`);
    await showCase(req, res, visitor, { code: { for: section, result: { wrong: checked } } }, 422);
  });

  router.get('/my-case/assets/:asset', (req, res, next) => {
    const name = String(req.params.asset);
    if (!Object.hasOwn(ASSETS, name)) return closed(404)(req, res, next);
    res.sendFile(ASSETS[name], { maxAge: '1h' });
  });

  // Anything that goes wrong here is a page she can read, never a stack of JSON.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    log.error({ err: error as Error }, 'case page failed');
    res.status(503).type('html').send(unavailablePage(bank));
  });

  return router;
}
