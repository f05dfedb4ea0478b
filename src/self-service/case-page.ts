/**
 * The customer's own case page: where her dispute stands in plain words, what happens next and by
 * when, the money, and every message she was sent. It shows what the bank told her and nothing
 * else: no staff, no notes, no risk or outreach, nothing about any other case or customer.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { READ_DEADLINE_MS, withinDeadline } from '../api/deadlines';
import type { FieldError } from '../api/problem';
import type { Db } from '../db/client';
import { OUTCOME_TEXT, STAGE_TEXT } from '../notifications/render';
import type { ChannelName } from '../notifications/channels';
import type { QuietHours } from '../notifications/quiet-hours';
import type { NotificationSettings } from '../notifications/settings';
import { html, layout, type Html } from '../web/html';
import { getCaseQuery, type CaseView } from '../../workflows/dispute/messages';
import { OPEN_STAGES } from '../../workflows/domain/case';
import { toUnits } from '../../workflows/domain/money';
import { RESOLUTION_CLOCKS } from '../../workflows/domain/regulations';
import { ANSWER_TEXT_MAX } from './answers';
import type { CodeCheck, CodeSent } from './codes';
import { DOCUMENT_LIMITS, DOCUMENT_TYPES, sizeText } from './documents';
import { UPDATE_INTERVALS, type Preferences } from './preferences';
import type { CaseVisitor } from './sessions';
import { SURVEYED_STAGES } from './survey';

export type CasePageData = Awaited<ReturnType<typeof loadCasePage>>;

/** What the page shows, for the visitor's case only. */
export async function loadCasePage(db: Db, temporal: Client, visitor: CaseVisitor) {
  const row = await db.case.findUniqueOrThrow({
    where: { id: visitor.caseId },
    include: {
      transaction: { select: { merchant: true, postedAt: true } },
      customer: {
        select: {
          name: true,
          timezone: true,
          preferredChannel: true,
          statusUpdateIntervalDays: true,
          quietHoursStart: true,
          quietHoursEnd: true,
        },
      },
      notifications: { where: { status: 'sent' }, orderBy: { sentAt: 'asc' } },
      surveyAnswer: { select: { answeredAt: true } },
      customerAnswers: {
        orderBy: { createdAt: 'asc' },
        include: {
          documents: { select: { fileName: true, mediaType: true, sizeBytes: true }, orderBy: { id: 'asc' } },
        },
      },
      // The question she was last asked, as her message gave it.
      events: { where: { type: 'info_requested' }, orderBy: { at: 'desc' }, take: 1, select: { data: true } },
    },
  });
  const view = await caseView(temporal, row.workflowId);
  const resolution = view?.clocks.find((c) => RESOLUTION_CLOCKS.includes(c.id) && c.endedAt === null);
  return {
    caseId: row.id,
    customer: row.customer,
    amountCents: row.amountCents,
    currency: row.currency,
    merchant: row.transaction.merchant,
    postedAt: row.transaction.postedAt,
    stage: view?.stage ?? row.stage,
    resolveBy: resolution?.deadline ?? null,
    provisionalCreditCents: view ? (view.provisionalCredit?.amountCents ?? null) : row.provisionalCreditCents,
    outcome: view?.resolution?.outcome ?? row.outcome,
    resolvedAmountCents: view ? (view.resolution?.amountCents ?? null) : row.resolvedAmountCents,
    surveyAnsweredAt: row.surveyAnswer?.answeredAt ?? null,
    question: questionOf(row.events[0]?.data),
    answers: row.customerAnswers.map((a) => ({ at: a.createdAt, text: a.text, documents: a.documents })),
    messages: row.notifications.map((n) => ({
      at: n.sentAt ?? n.createdAt,
      channel: n.channel,
      subject: n.subject,
      body: n.body,
    })),
  };
}

function questionOf(data: string | undefined): string | null {
  if (!data) return null;
  const { question } = JSON.parse(data) as { question?: unknown };
  return typeof question === 'string' ? question : null;
}

/** The case as it is now, or null when it does not answer in time (the read model then serves). */
function caseView(temporal: Client, workflowId: string): Promise<CaseView | null> {
  return withinDeadline(temporal, READ_DEADLINE_MS, () =>
    temporal.workflow.getHandle(workflowId).query(getCaseQuery),
  ).catch(() => null);
}

/** Where she can tell the team she is still unhappy: as staff may record a contact (open, or resolved). */
const CONTACT_STAGES: readonly string[] = [...OPEN_STAGES, 'resolved'];

const STYLESHEET = html`<link rel="stylesheet" href="/my-case/assets/case-page.css" />`;

/** A form she sent that was refused: what she entered, and why. */
export interface TriedForm {
  values: Record<string, unknown>;
  errors: FieldError[];
}

/** The sections whose changes need a one-time code first. */
export const CODE_SECTIONS = ['answer', 'preferences', 'withdraw'] as const;
export type CodeSection = (typeof CODE_SECTIONS)[number];

/** What her forms need: the session's CSRF token, and a failed try to show again. */
export interface CasePageForms {
  csrf: string;
  /** Until when her session may change things (a code entered right), if it may now. */
  verifiedUntil: Date | null;
  /** How she hears from us now, and the channels she may choose. */
  preferences: { current: Preferences; channels: readonly ChannelName[] } & Partial<TriedForm>;
  survey?: TriedForm;
  unhappy?: TriedForm;
  answer?: TriedForm;
  withdraw?: TriedForm;
  /** What she just did, after its redirect. */
  told?: 'unhappy' | 'answer' | 'preferences';
  /** A change was asked for without a confirmed code: that section asks for one first. */
  needCode?: CodeSection;
  /** A code just sent for a section, or one entered wrong or too late there. */
  code?: { for: CodeSection; result: CodeSent | { wrong: Exclude<CodeCheck, 'verified'> } };
}

/** The page of her case. */
export function casePage(data: CasePageData, bank: NotificationSettings, forms: CasePageForms): string {
  const money = (cents: number) =>
    new Intl.NumberFormat('en-US', { style: 'currency', currency: data.currency }).format(toUnits(cents));
  const day = (at: Date | string) =>
    DateTime.fromJSDate(new Date(at), { zone: data.customer.timezone }).toLocaleString(DateTime.DATE_FULL, {
      locale: 'en-US',
    });
  const [headline, sentence] = STAGE_TEXT[data.stage] ?? [data.stage, ''];
  const open = data.stage !== 'resolved' && data.stage !== 'closed';
  return layout({
    title: `Your dispute ${data.caseId} · ${bank.bankName}`,
    head: STYLESHEET,
    body: html`<main id="main">
      <p class="bank">${bank.bankName}</p>
      <h1>Your dispute ${data.caseId}</h1>
      <p class="charge">
        The charge of ${money(data.amountCents)}${data.merchant ? html` at ${data.merchant}` : null} on
        ${day(data.postedAt)}.
      </p>
      <section aria-labelledby="where">
        <h2 id="where">Where it stands: ${headline}</h2>
        <p>${capitalised(sentence)}</p>
        ${
          open && data.resolveBy
            ? html`<p class="next">We will resolve it by <strong>${day(data.resolveBy)}</strong> at the latest.</p>`
            : null
        }
      </section>
      ${moneySection(data, money)}
      <section aria-labelledby="messages">
        <h2 id="messages">What we sent you</h2>
        ${
          data.messages.length === 0
            ? html`<p>Nothing yet.</p>`
            : html`<ol class="messages">
                ${data.messages.map(
                  (m) =>
                    html`<li>
                      <p class="meta">${day(m.at)} · ${m.channel === 'sms' ? 'text message' : m.channel}</p>
                      ${m.subject && m.channel !== 'sms' ? html`<h3>${m.subject}</h3>` : null}
                      ${m.body ? html`<pre>${m.body}</pre>` : null}
                    </li>`,
                )}
              </ol>`
        }
      </section>
      ${answerSection(data, forms)} ${unhappySection(data, forms)} ${surveySection(data, forms)}
      ${sentSection(data, day)} ${preferencesSection(data, forms, bank.quietHours)} ${withdrawSection(data, forms)}
      <footer>
        <p>Questions? Call ${bank.bankPhone} and quote case ${data.caseId}.</p>
      </footer>
    </main>`,
  });
}

function moneySection(data: CasePageData, money: (cents: number) => string): Html | null {
  if (data.provisionalCreditCents === null && data.outcome === null) return null;
  return html`<section aria-labelledby="money">
    <h2 id="money">Your money</h2>
    ${
      data.provisionalCreditCents !== null
        ? html`<p>We credited ${money(data.provisionalCreditCents)} to your account while we investigate.</p>`
        : null
    }
    ${
      data.outcome
        ? html`<p>${OUTCOME_TEXT[data.outcome] ?? data.outcome}</p>
            ${data.resolvedAmountCents !== null ? html`<p>Credited in the end: ${money(data.resolvedAmountCents)}.</p>` : null}`
        : null
    }
  </section>`;
}

/** While the case is open or just resolved: she can tell the team she is still unhappy. */
function unhappySection(data: CasePageData, { csrf, unhappy, told }: CasePageForms): Html | null {
  const problem = unhappy?.errors[0];
  if (!CONTACT_STAGES.includes(data.stage)) {
    // A form sent from a page the case has since moved past: the refusal, and no form.
    return problem
      ? html`<section aria-labelledby="unhappy">
          <h2 id="unhappy">Not happy with how this is going?</h2>
          <p class="error" role="alert">${problem.message}</p>
        </section>`
      : null;
  }
  const reasons: [string, string][] = [
    ['too_slow', 'It is taking too long'],
    ['no_news', 'I have not heard from you'],
    ...(data.stage === 'resolved' ? [['disagree', 'I disagree with the outcome'] as [string, string]] : []),
    ['other', 'Something else'],
  ];
  const chosen = String(unhappy?.values.reason ?? '');
  return html`<section aria-labelledby="unhappy">
    <h2 id="unhappy">Not happy with how this is going?</h2>
    ${
      told
        ? html`<p role="status">
            Thank you. We have told the team looking after your case, and they will be in touch.
          </p>`
        : html`<form method="post" action="/my-case/unhappy">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <input type="hidden" name="requestId" value="${randomUUID()}" />
            <fieldset ${problem ? html`aria-describedby="reason-error"` : null}>
              <legend>What is wrong?</legend>
              ${reasons.map(
                ([value, label]) =>
                  html`<label class="option"
                    ><input
                      type="radio"
                      name="reason"
                      value="${value}"
                      ${chosen === value ? 'checked' : null}
                      required
                    />
                    ${label}</label
                  >`,
              )}
              ${problem ? html`<p class="error" id="reason-error">${problem.message}</p>` : null}
            </fieldset>
            <button type="submit">Tell the team</button>
          </form>`
    }
  </section>`;
}

/** While the case is open: she may withdraw it, once she has entered a code and confirms it. */
function withdrawSection(data: CasePageData, forms: CasePageForms): Html | null {
  const { csrf, withdraw } = forms;
  const problem = withdraw?.errors[0];
  if (!OPEN_STAGES.includes(data.stage as (typeof OPEN_STAGES)[number])) {
    return problem ? html`<p class="error" role="alert">${problem.message}</p>` : null;
  }
  return html`<section aria-labelledby="withdraw">
    <h2 id="withdraw">Withdraw your dispute</h2>
    <p>
      If you now recognise the charge, or the merchant has put it right, you can withdraw. We stop investigating and
      close your case${data.provisionalCreditCents !== null ? ', and take back the provisional credit' : ''}.
    </p>
    ${
      mayChange('withdraw', forms)
        ? html`<form method="post" action="/my-case/withdraw">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <input type="hidden" name="requestId" value="${randomUUID()}" />
            <label class="option"
              ><input
                type="checkbox"
                name="confirm"
                value="yes"
                required
                ${problem ? html`aria-invalid="true" aria-describedby="confirm-error"` : null}
              />
              Yes, withdraw my dispute</label
            >
            ${problem ? html`<p class="error" id="confirm-error">${problem.message}</p>` : null}
            <button type="submit">Withdraw</button>
          </form>`
        : identityCheck('withdraw', 'withdraw your dispute', data, forms)
    }
  </section>`;
}

/** While the case waits on her: the question, and her answer with documents (after a code). */
function answerSection(data: CasePageData, forms: CasePageForms): Html | null {
  const { csrf, answer, told } = forms;
  const heading = html`<h2 id="answer">Your answer</h2>`;
  if (told === 'answer') {
    return html`<section aria-labelledby="answer">
      ${heading}
      <p role="status">Thank you. We have your answer and carry on with your case.</p>
    </section>`;
  }
  if (data.stage !== 'awaiting_customer') {
    // A form sent from a page the case has since moved past: the refusal, and no form.
    const problem = answer?.errors[0];
    return problem
      ? html`<section aria-labelledby="answer">
          ${heading}
          <p class="error" role="alert">${problem.message}</p>
        </section>`
      : null;
  }
  const error = (field: string) => answer?.errors.find((e) => e.field === field);
  const text = error('text') ?? error('requestId');
  const files = error('documents');
  const types = Object.values(DOCUMENT_TYPES).join(', ');
  return html`<section aria-labelledby="answer">
    ${heading}
    <p>We need something from you before we can go on with your case.</p>
    ${data.question ? html`<blockquote>${data.question}</blockquote>` : null}
    ${
      mayChange('answer', forms)
        ? html`<form method="post" action="/my-case/answer" enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <input type="hidden" name="requestId" value="${randomUUID()}" />
            <label for="answer-text">Your answer</label>
            <textarea
              id="answer-text"
              name="text"
              rows="5"
              maxlength="${ANSWER_TEXT_MAX}"
              ${text ? html`aria-invalid="true" aria-describedby="text-error"` : null}
            >
${String(answer?.values.text ?? '')}</textarea>
            ${text ? html`<p class="error" id="text-error">${text.message}</p>` : null}
            <label for="answer-documents">Documents, such as a receipt (optional)</label>
            <p class="hint" id="documents-hint">
              ${types}; up to ${DOCUMENT_LIMITS.maxFiles} files of ${sizeText(DOCUMENT_LIMITS.maxBytes)} each.
            </p>
            <input
              id="answer-documents"
              name="documents"
              type="file"
              multiple
              accept=".pdf,.jpg,.jpeg,.png,${Object.keys(DOCUMENT_TYPES).join(',')}"
              aria-describedby="documents-hint${files ? ' documents-error' : ''}"
              ${files ? html`aria-invalid="true"` : null}
            />
            ${
              files
                ? html`<div class="error" id="documents-error">
                    ${answer!.errors.filter((e) => e.field === 'documents').map((e) => html`<p>${e.message}.</p>`)}
                  </div>`
                : null
            }
            <button type="submit">Send my answer</button>
          </form>`
        : identityCheck('answer', 'send us your answer and documents', data, forms)
    }
  </section>`;
}

/** What she sent us: her answers and their documents, by name, type and size. */
function sentSection(data: CasePageData, day: (at: Date) => string): Html {
  return html`<section aria-labelledby="documents">
    <h2 id="documents">What you sent us</h2>
    ${
      data.answers.length === 0
        ? html`<p>You have not sent us anything here yet.</p>`
        : html`<ol class="messages">
            ${data.answers.map(
              (a) =>
                html`<li>
                  <p class="meta">${day(a.at)}</p>
                  ${a.text ? html`<pre>${a.text}</pre>` : null}
                  ${
                    a.documents.length
                      ? html`<ul>
                          ${a.documents.map(
                            (d) =>
                              html`<li>
                                ${d.fileName} (${DOCUMENT_TYPES[d.mediaType] ?? d.mediaType}, ${sizeText(d.sizeBytes)})
                              </li>`,
                          )}
                        </ul>`
                      : null
                  }
                </li>`,
            )}
          </ol>`
    }
  </section>`;
}

const CHANNEL_TEXT: Record<string, string> = { email: 'email', sms: 'text message', push: 'app notification' };
const hourText = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** While the case is open: how she hears from us, changed after a code. */
function preferencesSection(data: CasePageData, forms: CasePageForms, bankQuiet: QuietHours): Html | null {
  if (!OPEN_STAGES.includes(data.stage as (typeof OPEN_STAGES)[number])) return null;
  const { csrf, preferences, told } = forms;
  const { current } = preferences;
  const values = preferences.values ?? {};
  const error = (field: string) => preferences.errors?.find((e) => e.field === field);
  const chosen = (field: string, fallback: string) => String(values[field] ?? fallback);
  const quiet = current.quietHours;
  const hours = (name: string, label: string, fallback: number) => {
    const problem = error(name);
    return html`<label for="${name}">${label}</label>
      <select
        id="${name}"
        name="${name}"
        ${problem ? html`aria-invalid="true" aria-describedby="${name}-error"` : null}
      >
        ${Array.from({ length: 24 }, (_, h) => html`<option value="${h}" ${chosen(name, String(fallback)) === String(h) ? 'selected' : null}>${hourText(h)}</option>`)}
      </select>
      ${problem ? html`<p class="error" id="${name}-error">${problem.message}</p>` : null}`;
  };
  return html`<section aria-labelledby="preferences">
    <h2 id="preferences">How we keep you informed</h2>
    ${told === 'preferences' ? html`<p role="status">Thank you. We will keep you informed as you asked.</p>` : null}
    <p>
      We send your messages by ${CHANNEL_TEXT[current.channel] ?? current.channel}, with news at least every
      ${current.statusUpdateDays} days, and nothing between ${hourText((quiet ?? bankQuiet).start)} and
      ${hourText((quiet ?? bankQuiet).end)} your time.
    </p>
    ${
      mayChange('preferences', forms)
        ? html`<form method="post" action="/my-case/preferences">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <input type="hidden" name="requestId" value="${randomUUID()}" />
            <fieldset>
              <legend>How should we reach you?</legend>
              ${preferences.channels.map(
                (c) =>
                  html`<label class="option"
                    ><input
                      type="radio"
                      name="channel"
                      value="${c}"
                      ${chosen('channel', current.channel) === c ? 'checked' : null}
                      required
                    />
                    By ${CHANNEL_TEXT[c]}</label
                  >`,
              )}
              ${error('channel') ? html`<p class="error">${error('channel')!.message}</p>` : null}
            </fieldset>
            <label for="every">How often do you want news while we investigate?</label>
            <select id="every" name="every">
              ${UPDATE_INTERVALS.map(
                (d) =>
                  html`<option
                    value="${d}"
                    ${chosen('every', String(current.statusUpdateDays)) === String(d) ? 'selected' : null}
                  >
                    Every ${d} days
                  </option>`,
              )}
            </select>
            ${error('every') ? html`<p class="error">${error('every')!.message}</p>` : null}
            <fieldset>
              <legend>When should we not send you anything?</legend>
              <label class="option"
                ><input
                  type="radio"
                  name="quiet"
                  value="bank"
                  ${chosen('quiet', quiet ? 'own' : 'bank') === 'bank' ? 'checked' : null}
                />
                From ${hourText(bankQuiet.start)} to ${hourText(bankQuiet.end)} (our usual quiet hours)</label
              >
              <label class="option"
                ><input
                  type="radio"
                  name="quiet"
                  value="own"
                  ${chosen('quiet', quiet ? 'own' : 'bank') === 'own' ? 'checked' : null}
                />
                Between hours I choose</label
              >
              ${hours('quietFrom', 'From', (quiet ?? bankQuiet).start)}
              ${hours('quietTo', 'To', (quiet ?? bankQuiet).end)}
            </fieldset>
            <button type="submit">Save how you hear from us</button>
          </form>`
        : identityCheck('preferences', 'change how we keep you informed', data, forms)
    }
  </section>`;
}

/** Once the dispute is decided: the survey, or her thanks for answering it. */
function surveySection(data: CasePageData, { csrf, survey }: CasePageForms): Html | null {
  if (!SURVEYED_STAGES.includes(data.stage)) return null;
  if (data.surveyAnsweredAt) {
    return html`<section aria-labelledby="survey">
      <h2 id="survey">Your opinion</h2>
      <p>Thank you for answering our survey.</p>
    </section>`;
  }
  const error = (field: string) => survey?.errors.find((e) => e.field === field);
  const scale = (name: string, legend: string, from: number, to: number, ends: [string, string]) => {
    const problem = error(name);
    const chosen = String(survey?.values[name] ?? '');
    return html`<fieldset ${problem ? html`aria-describedby="${name}-error"` : null}>
      <legend>${legend}</legend>
      <p class="ends">${from}: ${ends[0]} · ${to}: ${ends[1]}</p>
      ${Array.from({ length: to - from + 1 }, (_, i) => String(from + i)).map(
        (value) =>
          html`<label class="choice"
            ><input type="radio" name="${name}" value="${value}" ${chosen === value ? 'checked' : null} required />
            ${value}</label
          >`,
      )}
      ${problem ? html`<p class="error" id="${name}-error">${problem.message}</p>` : null}
    </fieldset>`;
  };
  const comment = error('comment');
  return html`<section aria-labelledby="survey">
    <h2 id="survey">Your opinion</h2>
    <form method="post" action="/my-case/survey">
      <input type="hidden" name="_csrf" value="${csrf}" />
      ${scale('satisfaction', 'How satisfied are you with how we handled your dispute?', 1, 5, [
        'not at all',
        'very satisfied',
      ])}
      ${scale('recommend', 'How likely are you to recommend us to a friend?', 0, 10, ['not at all', 'extremely likely'])}
      <label for="comment">Anything you would like to tell us (optional)</label>
      <textarea
        id="comment"
        name="comment"
        rows="4"
        maxlength="2000"
        ${comment ? html`aria-describedby="comment-error"` : null}
      >
${String(survey?.values.comment ?? '')}</textarea>
      ${comment ? html`<p class="error" id="comment-error">${comment.message}</p>` : null}
      <button type="submit">Send my answers</button>
    </form>
  </section>`;
}

/** Whether a section shows its form: a code was confirmed, and none is being entered there now. */
const mayChange = (section: CodeSection, { verifiedUntil, code }: CasePageForms) =>
  verifiedUntil !== null && code?.for !== section;

/**
 * Before a change, in the section that asks for it: a one-time code by her channel, then the code
 * entered there. Once confirmed, every section's form is open for a quarter of an hour.
 */
function identityCheck(section: CodeSection, what: string, data: CasePageData, forms: CasePageForms): Html {
  const { csrf, needCode } = forms;
  const code = forms.code?.for === section ? forms.code.result : null;
  const askForm = (label: string) =>
    html`<form method="post" action="/my-case/code#${section}">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <input type="hidden" name="for" value="${section}" />
      <button type="submit">${label}</button>
    </form>`;
  if (!code) {
    return html`<p ${needCode === section ? html`role="alert"` : null}>
        To ${what}, first confirm it is you: we send a code to the email or phone we use for your messages.
      </p>
      ${askForm('Send me a code')}`;
  }
  if ('refused' in code) {
    return html`<p class="error" role="alert">We have sent you enough codes for now. Call us on the number below.</p>`;
  }
  const codeError =
    'wrong' in code
      ? code.wrong === 'wrong'
        ? 'That is not the code we sent. Check it and try again.'
        : 'That code has expired or was used already. Ask for a new one.'
      : null;
  const id = `${section}-code`;
  return html`${
      'sent' in code
        ? html`<p role="status">
            We sent a code to your ${code.sent === 'sms' ? 'phone' : 'email'} ${code.to}. It works for 10 minutes.
          </p>`
        : null
    }
    <form method="post" action="/my-case/verify">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <input type="hidden" name="for" value="${section}" />
      <label for="${id}">The code we sent you</label>
      <input
        id="${id}"
        name="code"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]{6}"
        required
        ${codeError ? html`aria-invalid="true" aria-describedby="${id}-error"` : null}
      />
      ${codeError ? html`<p class="error" id="${id}-error">${codeError}</p>` : null}
      <button type="submit">Confirm</button>
    </form>
    ${askForm('Send me a new code')}`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * What a link that opens nothing gets, whatever the cause (unknown, expired, revoked, tried too
 * often), and a visit without a session: the same plain page, the bank's phone and nothing else.
 */
export function closedPage(bank: NotificationSettings): string {
  return layout({
    title: bank.bankName,
    head: STYLESHEET,
    body: html`<main id="main">
      <p class="bank">${bank.bankName}</p>
      <h1>This link does not open a case</h1>
      <p>Open the link in the latest message we sent you, or call us on ${bank.bankPhone}.</p>
    </main>`,
  });
}

/** When something failed while serving her (the database away, a code that could not be sent). */
export function unavailablePage(bank: NotificationSettings): string {
  return layout({
    title: bank.bankName,
    head: STYLESHEET,
    body: html`<main id="main">
      <p class="bank">${bank.bankName}</p>
      <h1>We cannot do that just now</h1>
      <p>Please try again in a few minutes, or call us on ${bank.bankPhone}.</p>
    </main>`,
  });
}
