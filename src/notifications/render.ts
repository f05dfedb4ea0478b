/**
 * Customer messages from Handlebars templates in `templates/`: each message has a subject, an
 * HTML and a plain-text part, and a short text for SMS (which names no one: a phone's lock
 * screen is public). HTML is escaped; the others are not (they are not HTML).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import type { NotificationTemplate } from '../../workflows/dispute/messages';
import { toUnits } from '../../workflows/domain/money';

const TEMPLATES = path.join(__dirname, 'templates');

export { NOTIFICATION_TEMPLATES, type NotificationTemplate } from '../../workflows/dispute/messages';

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  /** The message as an SMS; absent for staff mail. */
  sms?: string;
}

/** A stage in the customer's words: a short headline and a sentence. */
export const STAGE_TEXT: Record<string, [headline: string, text: string]> = {
  intake: ['received', 'we have received it and are passing it to the right team.'],
  investigation: ['being investigated', 'a specialist team is investigating the charge.'],
  awaiting_customer: ['waiting for your answer', 'we have asked you a question and are waiting for your answer.'],
  awaiting_merchant: [
    'waiting for the merchant',
    'we have asked the merchant for their side and are waiting for their answer.',
  ],
  awaiting_network: ['with the card network', 'the card network is reviewing the dispute with the merchant’s bank.'],
  pending_approval: ['being decided', 'our investigation is done and the outcome is being approved.'],
  resolved: ['resolved', 'we have decided your dispute; you may still tell us if you disagree.'],
  closed: ['closed', 'your dispute is closed.'],
};

/** An outcome in the customer's words. */
export const OUTCOME_TEXT: Record<string, string> = {
  customer_favour: 'We found in your favour: the charge is refunded in full.',
  partial: 'We found partly in your favour: part of the charge is refunded.',
  write_off: 'We have decided to refund the charge in full.',
  merchant_favour: 'We found that the charge was valid, so it stands.',
  withdrawn: 'You withdrew the dispute.',
};

/** A step at the card network in the customer's words: a headline and what it means for her. */
export const NETWORK_STEP_TEXT: Record<string, [headline: string, text: string]> = {
  chargeback: [
    'we have raised a chargeback',
    'We have raised a chargeback with the card network: we have formally asked the merchant’s bank to return the money.',
  ],
  represented: [
    'the merchant has answered',
    'The merchant has disputed our chargeback and sent their own evidence. We are reviewing it and will decide whether to challenge it again.',
  ],
  pre_arbitration: [
    'we have challenged the merchant’s answer',
    'We disagree with the merchant’s answer and have challenged it again at the card network (pre-arbitration).',
  ],
  arbitration: [
    'the card network will decide',
    'We have asked the card network to decide the dispute (arbitration). We will tell you its decision as soon as we have it.',
  ],
};

/** A Handlebars environment for one customer: dates are shown in their time zone. */
function environment(timezone: string, escape: boolean): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('money', (cents: number, currency: string) =>
    new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(toUnits(cents)),
  );
  hb.registerHelper('date', (iso: string) =>
    DateTime.fromISO(iso, { zone: timezone }).toLocaleString(DateTime.DATE_FULL, { locale: 'en-US' }),
  );
  hb.registerHelper('stageHeadline', (stage: string) => STAGE_TEXT[stage]?.[0] ?? stage);
  hb.registerHelper('stageText', (stage: string) => STAGE_TEXT[stage]?.[1] ?? stage);
  hb.registerHelper('outcomeText', (outcome: string) => OUTCOME_TEXT[outcome] ?? outcome);
  hb.registerHelper('networkHeadline', (step: string) => NETWORK_STEP_TEXT[step]?.[0] ?? step);
  hb.registerHelper('networkText', (step: string) => NETWORK_STEP_TEXT[step]?.[1] ?? step);
  const partials = path.join(TEMPLATES, 'partials');
  for (const file of readdirSync(partials)) {
    const [name, kind] = file.split('.');
    if ((kind === 'html') === escape) hb.registerPartial(name, readFileSync(path.join(partials, file), 'utf8'));
  }
  return hb;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

function template(
  name: string,
  part: 'subject' | 'html' | 'text' | 'sms',
  timezone: string,
): HandlebarsTemplateDelegate {
  const key = `${name}.${part}:${timezone}`;
  let compiledTemplate = compiled.get(key);
  if (!compiledTemplate) {
    const escape = part === 'html';
    const source = readFileSync(path.join(TEMPLATES, `${name}.${part}.hbs`), 'utf8');
    compiledTemplate = environment(timezone, escape).compile(source, { noEscape: !escape, strict: true });
    compiled.set(key, compiledTemplate);
  }
  return compiledTemplate;
}

/** Renders a message; `strict` templates throw on a missing variable instead of sending a gap. */
export function renderMessage(
  name: NotificationTemplate,
  data: Record<string, unknown>,
  timezone = 'UTC',
): RenderedMessage {
  const subject = template(name, 'subject', timezone)(data).trim();
  return {
    subject,
    html: template(name, 'html', timezone)({ ...data, subject }),
    text: template(name, 'text', timezone)(data),
    sms: template(name, 'sms', timezone)(data).trim(),
  };
}
