/**
 * The customer's side of the API: the link in her messages, exchanged for a session on her case,
 * and her case page. Refusals look alike whatever their cause and are limited per address.
 */
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { fieldErrors } from '../api/problem';
import type { Db } from '../db/client';
import { log } from '../log';
import type { DeliveryChannels } from '../notifications/channels';
import type { NotificationSettings } from '../notifications/settings';
import { carriesCsrfToken, csrfToken } from '../web/sessions';
import { customerWithdrawUpdate, stillUnhappyUpdate } from '../../workflows/dispute/messages';
import { casePage, closedPage, loadCasePage, unavailablePage, type CasePageForms } from './case-page';
import { checkCode, sendCode } from './codes';
import { sendToCase, StillUnhappyForm, WithdrawForm } from './customer-actions';
import { LINK_PATH, openCaseLink } from './links';
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
  /** Refused links an address may try in a quarter of an hour. */
  refusedLinksPerAddress?: number;
}

const ASSETS: Record<string, string> = { 'case-page.css': path.join(__dirname, 'assets', 'case-page.css') };
const REFUSAL_WINDOW_MS = 15 * 60_000;

export function selfServiceRoutes({
  db,
  temporal,
  linkKey,
  bank,
  channels,
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
    forms: Omit<CasePageForms, 'csrf' | 'verifiedUntil'> = {},
    status = 200,
  ) {
    const csrf = csrfToken(req, CASE_PAGE_SESSION) ?? '';
    res.set('Cache-Control', 'no-store');
    res
      .status(status)
      .type('html')
      .send(
        casePage(await loadCasePage(db, temporal, visitor), bank, {
          csrf,
          verifiedUntil: visitor.verifiedUntil,
          ...forms,
        }),
      );
  }

  // What she sends: only with her live session and its CSRF token (another site has neither).
  const fromHer: RequestHandler = async (req, res, next) => {
    const visitor = await caseVisitor(db, req);
    if (!visitor) return closed(401)(req, res, next);
    if (!carriesCsrfToken(req, CASE_PAGE_SESSION)) return closed(403)(req, res, next);
    res.locals.visitor = visitor;
    next();
  };

  router.get('/my-case', async (req, res, next) => {
    const visitor = await caseVisitor(db, req);
    if (!visitor) return closed(401)(req, res, next);
    await showCase(req, res, visitor, { told: req.query.told === 'unhappy' ? 'unhappy' : undefined });
  });

  router.post('/my-case/survey', fromHer, async (req, res) => {
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
  router.post('/my-case/unhappy', fromHer, async (req, res) => {
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
  router.post('/my-case/withdraw', fromHer, async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    if (!visitor.verifiedUntil) return showCase(req, res, visitor, { needCode: 'withdraw' }, 403);
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

  // Before a change: a one-time code by her channel, then the code entered on the page.
  router.post('/my-case/code', fromHer, async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const sent = await sendCode(db, channels, bank, visitor);
    await showCase(req, res, visitor, { code: sent }, 'refused' in sent ? 429 : 200);
  });

  router.post('/my-case/verify', fromHer, async (req, res) => {
    const visitor = res.locals.visitor as CaseVisitor;
    const entered = typeof req.body?.code === 'string' ? req.body.code : '';
    const checked = await checkCode(db, visitor, entered);
    if (checked === 'verified') return res.redirect(303, `${CASE_PAGE_SESSION.path}#changes`);
    await showCase(req, res, visitor, { code: { wrong: checked } }, 422);
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
