/** What customer messages say about the bank, and when scheduled ones may go out. */
import type { QuietHours } from './quiet-hours';

export interface NotificationSettings {
  bankName: string;
  bankPhone: string;
  /** A survey of the bank's own, `{caseId}` replaced by the case id; null: the survey on her case page. */
  surveyUrl: string | null;
  quietHours: QuietHours;
  /** The right-hand side of our Message-IDs. */
  messageIdDomain: string;
  /** Where a message goes when the customer's channel has no provider; null: nowhere, staff are alerted. */
  fallbackChannel: 'email' | null;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  bankName: 'Proactive Bank',
  bankPhone: '1-800-555-0100',
  surveyUrl: null,
  quietHours: { start: 21, end: 8 },
  messageIdDomain: 'disputes.bank.example',
  fallbackChannel: 'email',
};

/** Our RFC 5322 Message-ID for the message (or outreach) with this id: fixed, so a resend is recognised. */
export function messageIdFor(id: string, domain = DEFAULT_NOTIFICATION_SETTINGS.messageIdDomain): string {
  return `<${id}@${domain}>`;
}
