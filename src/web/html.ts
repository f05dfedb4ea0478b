/**
 * The pages' one way to write HTML: `html` is a tagged template that escapes every value put into
 * it, unless the value is HTML made by `html` itself; `layout` is the document around a page.
 * A page built this way cannot be given markup by the data it shows.
 */
import escapeHtml from 'escape-html';

/** Markup this module made, so it is put into other markup as it is. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

const render = (value: Value): string => {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
};

/** `html\`<p>${text}</p>\``: text escaped, nested `html` and lists of it kept; null, undefined and false print nothing. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, string, i) => out + render(values[i - 1]) + string));
}

export interface Page {
  title: string;
  /** Stylesheets and other `<head>` elements. */
  head?: Html;
  body: Html;
}

/** The document around every page: language, charset, viewport and title. */
export function layout({ title, head, body }: Page): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        ${head}
      </head>
      <body>
        ${body}
      </body>
    </html> `.markup;
}
