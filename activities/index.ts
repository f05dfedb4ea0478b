import { randomBytes } from 'node:crypto';
import type { WatchSettings } from '../src/care/settings';
import type { Db } from '../src/db/client';
import type { DeliveryChannels } from '../src/notifications/channels';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../src/notifications/settings';
import type { CustomerLinkSettings } from '../src/self-service/links';
import { bulkActivities, type CaseActions } from './bulk';
import { caseActivities, type CaseActivityDeps } from './cases';
import { networkActivities } from './network';
import { notificationActivities } from './notifications';
import { outreachActivities } from './outreach';
import type { CarePolicy } from '../src/care/offer-policy';
import { noNetwork, type NetworkAdapter } from '../src/network/adapter';
import { usageActivities, type UsageDeps } from './usage';

export interface ActivityDeps {
  db: Db;
  /** Where customer messages go, by the customer's preferred channel (null: no provider). */
  channels: DeliveryChannels;
  notifications?: Partial<NotificationSettings>;
  /** The links to case pages in customer messages; without them (tests), links no API will open. */
  customerLinks?: CustomerLinkSettings;
  /** Case settings; tests shorten the reopen window, for one. */
  policy?: CaseActivityDeps['policy'];
  holidayCalendar?: string;
  /** How the attrition watch follows a customer; tests shorten it. */
  watch?: Partial<WatchSettings>;
  /** The care team's outreach policy: deadlines, pre-approved concessions, the queue's address. */
  care?: Partial<CarePolicy>;
  /** The attrition rule set a look judges with (the current release unless a test swaps it). */
  ruleSet?: UsageDeps['ruleSet'];
  /** Staff actions as the API carries them out, for bulk operations' steps. */
  caseActions?: CaseActions;
  /** The card network chargebacks are filed with; without one, filings are refused. */
  network?: NetworkAdapter;
}

/** Builds every activity from its dependencies, so tests can pass real or fake ones. */
export function createActivities({
  db,
  channels,
  notifications,
  customerLinks = { baseUrl: 'http://127.0.0.1:3000', lifetimeDays: 30, key: randomBytes(32) },
  policy,
  holidayCalendar,
  watch,
  care,
  ruleSet,
  caseActions,
  network = noNetwork,
}: ActivityDeps) {
  const notificationSettings = { ...DEFAULT_NOTIFICATION_SETTINGS, ...notifications };
  return {
    ...caseActivities({ db, policy, holidayCalendar }),
    ...usageActivities({ db, watch, ruleSet }),
    ...bulkActivities({ db, caseActions }),
    ...networkActivities({ network }),
    ...notificationActivities({ db, channels, settings: notificationSettings, links: customerLinks }),
    ...outreachActivities({
      db,
      email: channels.email,
      care,
      messageIdDomain: notificationSettings.messageIdDomain,
    }),
  };
}

export type CaseActivities = ReturnType<typeof createActivities>;
