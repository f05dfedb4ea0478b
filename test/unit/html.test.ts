/**
 * The pages' HTML: every value is escaped unless it is markup `html` made, so data shown on a
 * page (a subject line, a staff id, a customer's note) cannot add markup or script to it.
 */
import { html, layout } from '../../src/web/html';

const ATTACKS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '&lt;already escaped&gt;',
  '</title><script>alert(1)</script>',
];

test.each(ATTACKS)('%s is shown as text, in an element and in an attribute', (attack) => {
  const page = html`<p title="${attack}">${attack}</p>`.markup;
  expect(page).not.toMatch(/<(script|img)/);
  expect(page.match(/"/g)).toHaveLength(2); // the attribute's own quotes, no more
  expect(page).not.toContain("'");
  const text = page
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  expect(text).toBe(`<p title="${attack.replace(/&/g, '&amp;')}">${attack.replace(/&/g, '&amp;')}</p>`);
});

test('markup made by html, and lists of it, are kept; nothing is printed for null, undefined and false', () => {
  const items = ['a<b', 'c'].map((item) => html`<li>${item}</li>`);
  // Prettier lays out `html` templates as HTML; the space between tags it adds means nothing.
  const markup = html`<ul>
      ${items}
    </ul>
    ${null}${undefined}${false}${0}`.markup.replace(/\s+/g, '');
  expect(markup).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
});

test('the layout escapes the title and says the language and charset', () => {
  const page = layout({ title: 'Signed in as <x>', body: html`<h1>Hi</h1>` });
  expect(page).toMatch(/^<!doctype html>\s*<html lang="en">/);
  expect(page).toContain('<meta charset="utf-8" />');
  expect(page).toContain('<title>Signed in as &lt;x&gt;</title>');
});
