/**
 * The staff console's pages, server-rendered with `html` (every value escaped) and enhanced by
 * htmx: the queue refreshes itself, countdowns tick (console.js). No inline script, so the
 * content security policy stays strict; every signal has words, not colour alone.
 */
import { html, layout, type Html } from '../../web/html';
import type { Actor } from '../../../workflows/domain/case';
import { reachOf } from '../access';
import type { Problem } from '../problem';

export interface ConsolePage {
  title: string;
  actor: Actor;
  /** The session's CSRF token: every form carries it, and htmx sends it as a header. */
  csrf: string;
  body: Html;
  /** Scripts of this page besides the console's own (`dashboard`: its charts, with uPlot). */
  scripts?: 'dashboard'[];
}

const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false });

/** The frame of every signed-in page: who is signed in, the way around, and sign-out. */
export function consolePage({ title, actor, csrf, body, scripts = [] }: ConsolePage): string {
  return layout({
    title: `${title} · Proactive Care`,
    head: html`<meta name="htmx-config" content="${HTMX_CONFIG}" />
      <link rel="stylesheet" href="/console/assets/console.css" />
      <script src="/console/assets/htmx.min.js" defer></script>
      <script src="/console/assets/console.js" defer></script>
      ${
        scripts.includes('dashboard')
          ? html`<link rel="stylesheet" href="/console/assets/uPlot.min.css" />
              <script src="/console/assets/uPlot.iife.min.js" defer></script>
              <script src="/console/assets/dashboard.js" defer></script>`
          : null
      }`,
    body: html`<a class="skip" href="#main">Skip to the content</a>
      <div hx-headers="${JSON.stringify({ 'X-CSRF-Token': csrf })}">
        <header class="bar">
          <nav aria-label="Console">
            <a href="/console">Work queue</a>
            ${reachOf(actor, 'openCase') ? html`<a href="/console/intake">Intake</a>` : null}
            ${reachOf(actor, 'readOutreach') ? html`<a href="/console/care">Care queue</a>` : null}
            ${reachOf(actor, 'runBulkOperations') ? html`<a href="/console/supervision">Supervision</a>` : null}
            ${reachOf(actor, 'readCxFigures') ? html`<a href="/console/dashboard">Customer experience</a>` : null}
          </nav>
          <p class="who">${actor.id} · ${actor.role.replace('_', ' ')} · ${actor.departmentId}</p>
          <form method="post" action="/console/sign-out">
            <input type="hidden" name="_csrf" value="${csrf}" />
            <button type="submit">Sign out</button>
          </form>
        </header>
        <main id="main">
          <h1>${title}</h1>
          ${body}
        </main>
      </div>`,
  });
}

/** The sign-in page: a staff token, and where to go after. */
export function signInPage({ error, next, oidc }: { error?: string; next?: string; oidc: boolean }): string {
  return layout({
    title: 'Sign in · Proactive Care',
    head: html`<link rel="stylesheet" href="/console/assets/console.css" />`,
    body: html`<main id="main" class="narrow">
      <h1>Sign in to the console</h1>
      ${error ? html`<p class="error" role="alert" id="token-error">${error}</p>` : null}
      <form method="post" action="/console/sign-in">
        <label for="token">Staff API token</label>
        <input
          id="token"
          type="password"
          name="token"
          autocomplete="off"
          required
          ${error ? html`aria-invalid="true" aria-describedby="token-error"` : null}
        />
        ${next ? html`<input type="hidden" name="next" value="${next}" />` : null}
        <button type="submit">Sign in</button>
      </form>
      <p class="hint">An admin issues tokens (<code>npm run staff</code>); <code>npm start</code> prints some.</p>
      ${
        oidc
          ? html`<p>
              <a class="button" href="/console/sign-in/oidc${next ? `?next=${encodeURIComponent(next)}` : ''}"
                >Sign in with the bank’s identity provider</a
              >
            </p>`
          : null
      }
    </main>`,
  });
}

/**
 * After the identity provider's redirect: a page that moves on by itself. A redirect would do no
 * good, since the browser treats the whole chain as the provider's (cross-site) navigation and
 * withholds the session's SameSite=Strict cookie; this page's own navigation is same-site.
 */
export function continuePage(next: string): string {
  return layout({
    title: 'Signed in · Proactive Care',
    head: html`<meta http-equiv="refresh" content="0;url=${next}" />
      <link rel="stylesheet" href="/console/assets/console.css" />`,
    body: html`<main id="main" class="narrow">
      <h1>Signed in</h1>
      <p><a href="${next}">Continue to the console</a></p>
    </main>`,
  });
}

/** A deadline as words and a live countdown (console.js keeps the words current). */
export const deadline = (at: string | null): Html =>
  at ? html`<time datetime="${at}" data-countdown>${at.slice(0, 16).replace('T', ' ')} UTC</time>` : html`none`;

/** A labelled select; its empty choice says what choosing nothing means ("any" in a filter). */
export function select(
  name: string,
  label: string,
  options: readonly string[],
  chosen: string | undefined,
  empty = 'any',
): Html {
  return html`<label for="${name}">${label}</label>
    <select id="${name}" name="${name}">
      <option value="">${empty}</option>
      ${options.map(
        (option) =>
          html`<option value="${option}" ${option === chosen ? html`selected` : null}>
            ${option.replaceAll('_', ' ')}
          </option>`,
      )}
    </select>`;
}

/** A table's head: one column header for each name. */
export const tableHead = (...names: string[]): Html =>
  html`<thead>
    <tr>
      ${names.map((name) => html`<th scope="col">${name}</th>`)}
    </tr>
  </thead>`;

/** A name as people read it: `customer_favour` as "customer favour". */
export const words = (text: string | null | undefined): string => (text ?? '').replaceAll('_', ' ');

/** Terms and their values; a missing value shows as a dash. */
export function facts(rows: [string, Html | string | number | null][]): Html {
  return html`<dl class="facts">
    ${rows.map(
      ([term, value]) =>
        html`<dt>${term}</dt>
          <dd>${value ?? '—'}</dd>`,
    )}
  </dl>`;
}

/** A list as a captioned table with its count, or the sentence that says it is empty. */
export function listTable(caption: string, empty: string, head: string[], rows: Html[]): Html {
  if (rows.length === 0)
    return html`<h2>${caption}</h2>
      <p>${empty}</p>`;
  return html`<table>
    <caption>
      ${caption} (${rows.length})
    </caption>
    ${tableHead(...head)}
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** A part of a page that refreshes itself (every 15 s) without reloading: htmx asks `url` again and swaps it in. */
export const liveSection = (id: string, label: string, url: string, body: Html, seconds = 15): Html =>
  html`<section
    id="${id}"
    aria-label="${label}"
    hx-get="${url}"
    hx-trigger="every ${seconds}s"
    hx-select="#${id}"
    hx-swap="outerHTML"
  >
    ${body}
  </section>`;

const ERROR_HEADINGS: Record<number, string> = {
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible now',
  503: 'Not available just now',
};

/** An error as a page for a person: what went wrong, the request's id to quote, and a way on. */
export function errorPage(problem: Problem, requestId: string): string {
  return layout({
    title: `${ERROR_HEADINGS[problem.status] ?? problem.title} · Proactive Care`,
    head: html`<link rel="stylesheet" href="/console/assets/console.css" />`,
    body: html`<main id="main" class="narrow">
      <h1>${ERROR_HEADINGS[problem.status] ?? problem.title}</h1>
      <p>${problem.detail}</p>
      <p class="hint">If you report this, quote request ${requestId}.</p>
      <p>
        ${
          problem.status === 401
            ? html`<a href="/console/sign-in">Sign in</a>`
            : html`<a href="/console">Back to the work queue</a>`
        }
      </p>
    </main>`,
  });
}
