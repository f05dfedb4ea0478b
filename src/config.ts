import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RATE_LIMITS as RATES } from './api/rate-limits';
import type { JwtSettings } from './auth/jwt';
import type { OidcSettings } from './auth/oidc';
import { z } from 'zod';
import { DEFAULT_CASE_SETTINGS as CASE } from '../workflows/domain/case-policy';
import { toUnits } from '../workflows/domain/money';
import { DEFAULT_CARE_POLICY as CARE } from './care/offer-policy';
import { DEFAULT_WATCH_SETTINGS as WATCH } from './care/settings';
import { DEFAULT_NOTIFICATION_SETTINGS as NOTIFY } from './notifications/settings';
import { parseQuietHours } from './notifications/quiet-hours';
import { ROOT } from './db/target';
import type { TemporalSettings } from './temporal/connection';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('')
  .transform((v) => v === 'true' || v === '1');

const Env = z.object({
  DATA_DIR: z.string().default(path.join(ROOT, '.data')),
  DATABASE_URL: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('disputes'),
  /** How long a closed case's history stays in a namespace `npm run temporal:setup` creates. */
  TEMPORAL_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  TEMPORAL_TLS: flag,
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_CA_PATH: z.string().optional(),
  /** The name the server's certificate is checked against, when not the address's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  /** Worker versioning: the deployment the worker is a version of, and its build; both or neither. */
  TEMPORAL_DEPLOYMENT_NAME: z.string().min(1).optional(),
  TEMPORAL_WORKER_BUILD_ID: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().optional(),
  /** Payload encryption keys, `id:base64` entries, the first encrypts (see src/temporal/encryption.ts). */
  PAYLOAD_KEYS: z.string().optional(),
  PAYLOAD_KEY_FILE: z.string().optional(),
  /** `accept` takes unencrypted payloads too, while histories from before encryption drain. */
  PAYLOAD_PLAINTEXT: z.enum(['refuse', 'accept']).default('refuse'),
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  API_PORT: port(3000),
  /** The worker's health endpoint (`GET /healthz`). */
  WORKER_HEALTH_PORT: port(3001),
  /** The API's Prometheus metrics, on a listener of their own (0: none); the worker's are on its health port. */
  API_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Where the API's metrics listen: loopback unless Prometheus scrapes from elsewhere. */
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Every embedded listener binds here; set it to 0.0.0.0 to reach the API from elsewhere. */
  API_HOST: z.string().min(1).default('127.0.0.1'),
  /** The Temporal UI, for the console's links to a case's workflow; the embedded UI's by default. */
  TEMPORAL_UI_URL: z.url().optional(),
  /** Origins of the Temporal UI that may call the API's codec (comma-separated); the embedded UI's by default. */
  CODEC_CORS_ORIGINS: z.string().optional(),
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: port(2525),
  SMTP_SECURE: flag,
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  MAIL_FROM: z.string().default('Proactive Care <disputes@bank.example>'),
  MAIL_SINK_HTTP_PORT: port(8025),
  /** An SMS provider with Vonage's SMS API; without one (and without SMTP_HOST) the embedded sink serves. */
  SMS_URL: z.url().optional(),
  SMS_API_KEY: z.string().default('sink'),
  SMS_API_SECRET: z.string().default('sink'),
  SMS_FROM: z.string().min(1).default('ProactiveBk'),
  SMS_LOOKUP_URL: z.url().optional(),
  SMS_SINK_PORT: port(8026),
  /** The card network's adapter over HTTP (the bank's processor); without it the embedded simulator serves. */
  NETWORK_URL: z.url().optional(),
  NETWORK_API_KEY: z.string().min(1).default('simulator'),
  NETWORK_SIMULATOR_PORT: port(8027),
  /** How long the simulated merchant's bank takes to answer a filing, in seconds. */
  NETWORK_SIMULATOR_ANSWER_SECONDS: z.coerce.number().nonnegative().default(5),
  /** Where a message goes when the customer's channel has no provider: by email, or nowhere (staff are alerted). */
  CHANNEL_FALLBACK: z.enum(['email', 'none']).default('email'),
  CASE_REOPEN_WINDOW_DAYS: z.coerce.number().positive().default(CASE.reopenWindowDays),
  CASE_FOUR_EYES_ABOVE: z.coerce.number().nonnegative().default(toUnits(CASE.directResolveLimitCents)),
  REGULATORY_LEAD_HOURS: z.coerce.number().nonnegative().default(CASE.regulatoryLeadHours),
  STATUS_UPDATE_DEFAULT_DAYS: z.coerce.number().int().min(1).default(CASE.statusUpdateDefaultDays),
  STATUS_UPDATE_MAX_DAYS: z.coerce.number().int().min(1).default(CASE.statusUpdateMaxDays),
  NOTIFICATION_ATTEMPTS: z.coerce.number().int().min(1).default(CASE.notificationAttempts),
  SURVEY_DELAY_HOURS: z.coerce.number().nonnegative().default(CASE.surveyDelayHours),
  ATTRITION_WATCH: z
    .enum(['on', 'off'])
    .default('on')
    .transform((v) => v === 'on'),
  WATCH_POLL_HOURS: z.coerce.number().positive().default(WATCH.pollHours),
  WATCH_OBSERVE_DAYS: z.coerce.number().positive().default(WATCH.observeDays),
  CARE_QUEUE_EMAIL: z.email().default(CARE.careQueueEmail),
  QUIET_HOURS: z
    .string()
    .default(`${NOTIFY.quietHours.start}-${NOTIFY.quietHours.end}`)
    .transform((text, ctx) => {
      try {
        return parseQuietHours(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  BANK_NAME: z.string().default(NOTIFY.bankName),
  BANK_PHONE: z.string().default(NOTIFY.bankPhone),
  /** A survey of the bank's own; unset, the survey is on the customer's case page. */
  SURVEY_URL: z.string().optional(),
  /** The API's address as customers reach it, for the links to their case pages. */
  CUSTOMER_PAGE_URL: z.url().optional(),
  /** How long the link in a customer message opens her case page; each message carries a new one. */
  CUSTOMER_LINK_DAYS: z.coerce.number().positive().default(30),
  /** The key links are kept under; a new one refuses every link given before. Default: a key file in DATA_DIR. */
  CUSTOMER_LINK_KEY: z.string().min(32).optional(),
  /** Where documents customers send are kept, by content hash. Default: DATA_DIR/documents. */
  DOCUMENTS_DIR: z.string().optional(),
  MAIL_LOOKUP_URL: z.string().optional(),
  HOLIDAY_CALENDAR: z.string().default('US'),
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(RATES.perAddress),
  RATE_LIMIT_PER_CREDENTIAL: z.coerce.number().int().min(1).default(RATES.perCredential),
  AUTH_JWT_ISSUER: z.string().optional(),
  AUTH_JWT_AUDIENCE: z.string().optional(),
  AUTH_JWT_JWKS_URL: z.url().optional(),
  AUTH_JWT_PUBLIC_KEY_FILE: z.string().optional(),
  AUTH_JWT_ALGORITHM: z.string().default('RS256'),
  AUTH_JWT_STAFF_CLAIM: z.string().default('sub'),
  AUTH_OIDC_CLIENT_ID: z.string().optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().optional(),
  AUTH_OIDC_ISSUER: z.url().optional(),
  AUTH_OIDC_REDIRECT_URL: z.url().optional(),
});

export type Config = ReturnType<typeof loadConfig>;

/** Every environment variable the product reads (ops files are checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(Env.shape);

/** Console sign-in with the identity provider: a client id, and the JWT settings' issuer unless another is given. */
function oidcSettings(e: z.infer<typeof Env>): OidcSettings | null {
  if (!e.AUTH_OIDC_CLIENT_ID) return null;
  const issuer = e.AUTH_OIDC_ISSUER ?? e.AUTH_JWT_ISSUER;
  if (!issuer) throw new Error('Invalid configuration: AUTH_OIDC_CLIENT_ID needs AUTH_OIDC_ISSUER or AUTH_JWT_ISSUER');
  return {
    issuer,
    clientId: e.AUTH_OIDC_CLIENT_ID,
    clientSecret: e.AUTH_OIDC_CLIENT_SECRET,
    redirectUrl: e.AUTH_OIDC_REDIRECT_URL,
    staffClaim: e.AUTH_JWT_STAFF_CLAIM,
  };
}

/** JWT settings are all or nothing: an issuer needs an audience and a key source. */
function jwtSettings(e: z.infer<typeof Env>): JwtSettings | null {
  if (!e.AUTH_JWT_ISSUER) return null;
  if (!e.AUTH_JWT_AUDIENCE || !(e.AUTH_JWT_JWKS_URL || e.AUTH_JWT_PUBLIC_KEY_FILE)) {
    throw new Error(
      'Invalid configuration: AUTH_JWT_ISSUER needs AUTH_JWT_AUDIENCE and AUTH_JWT_JWKS_URL or AUTH_JWT_PUBLIC_KEY_FILE',
    );
  }
  return {
    issuer: e.AUTH_JWT_ISSUER,
    audience: e.AUTH_JWT_AUDIENCE,
    jwksUrl: e.AUTH_JWT_JWKS_URL,
    publicKeyPem: e.AUTH_JWT_PUBLIC_KEY_FILE ? readFileSync(e.AUTH_JWT_PUBLIC_KEY_FILE, 'utf8') : undefined,
    algorithm: e.AUTH_JWT_ALGORITHM,
    staffClaim: e.AUTH_JWT_STAFF_CLAIM,
  };
}

/**
 * The SMS provider. On embedded defaults (no SMS_URL, no SMTP_HOST) the local sink stands in;
 * with real mail but no SMS provider there is none, and SMS falls back by CHANNEL_FALLBACK.
 */
function smsSettings(e: z.infer<typeof Env>, dataDir: string) {
  const embeddedSink = !e.SMS_URL && !e.SMTP_HOST;
  const sinkUrl = `http://127.0.0.1:${e.SMS_SINK_PORT}`;
  const url = e.SMS_URL ?? (embeddedSink ? sinkUrl : null);
  return {
    embeddedSink,
    sinkPort: e.SMS_SINK_PORT,
    sinkFile: path.join(dataDir, 'sms-sink.jsonl'),
    provider: url
      ? {
          url,
          apiKey: e.SMS_API_KEY,
          apiSecret: e.SMS_API_SECRET,
          from: e.SMS_FROM,
          lookupUrl: e.SMS_LOOKUP_URL ?? (embeddedSink ? sinkUrl : undefined),
        }
      : null,
  };
}

/** The worker's deployment version, when it runs versioned: a name without a build (or the reverse) is a mistake. */
function workerDeployment(deploymentName: string | undefined, buildId: string | undefined) {
  if (!deploymentName && !buildId) return null;
  if (!deploymentName || !buildId) {
    const [given, missing] = deploymentName
      ? ['TEMPORAL_DEPLOYMENT_NAME', 'TEMPORAL_WORKER_BUILD_ID']
      : ['TEMPORAL_WORKER_BUILD_ID', 'TEMPORAL_DEPLOYMENT_NAME'];
    throw new Error(`Invalid configuration: ${missing}: required with ${given} (a versioned worker needs both)`);
  }
  return { deploymentName, buildId };
}

/** Reads configuration from the environment; every port and path has a default. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    databaseUrl: e.DATABASE_URL || `file:${path.join(dataDir, 'proactive-care.db')}`,
    /** True when the database is ours to set up (no DATABASE_URL given). */
    embeddedDatabase: !e.DATABASE_URL,
    temporal: {
      /** True when no TEMPORAL_ADDRESS is given: `npm start` runs the dev server. */
      embedded: !e.TEMPORAL_ADDRESS,
      address: e.TEMPORAL_ADDRESS || `127.0.0.1:${e.TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      retentionDays: e.TEMPORAL_RETENTION_DAYS,
      tls: e.TEMPORAL_TLS,
      tlsCertPath: e.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      tlsCaPath: e.TEMPORAL_TLS_CA_PATH,
      tlsServerName: e.TEMPORAL_TLS_SERVER_NAME,
      apiKey: e.TEMPORAL_API_KEY,
      deployment: workerDeployment(e.TEMPORAL_DEPLOYMENT_NAME, e.TEMPORAL_WORKER_BUILD_ID),
      cliPath: e.TEMPORAL_CLI_PATH,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      dbFile: path.join(dataDir, 'temporal.db'),
      /** How payloads are sealed; a key file is made in the data dir only beside the embedded dev server. */
      payloadKeys: {
        keys: e.PAYLOAD_KEYS || null,
        file: path.resolve(e.PAYLOAD_KEY_FILE || path.join(dataDir, 'payload-keys')),
        generate: !e.PAYLOAD_KEYS && !e.PAYLOAD_KEY_FILE && !e.TEMPORAL_ADDRESS,
        plaintext: e.PAYLOAD_PLAINTEXT,
      },
    } satisfies TemporalSettings,
    api: {
      port: e.API_PORT,
      host: e.API_HOST,
      codecOrigins: e.CODEC_CORS_ORIGINS
        ? e.CODEC_CORS_ORIGINS.split(',').map((origin) => origin.trim())
        : e.TEMPORAL_ADDRESS
          ? []
          : [`http://127.0.0.1:${e.TEMPORAL_UI_PORT}`, `http://localhost:${e.TEMPORAL_UI_PORT}`],
    },
    /** Where the console links a case's workflow in the Temporal UI; null when there is none to link. */
    temporalUi:
      e.TEMPORAL_UI_URL || !e.TEMPORAL_ADDRESS
        ? {
            url: (e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
            namespace: e.TEMPORAL_NAMESPACE,
          }
        : null,
    worker: { healthPort: e.WORKER_HEALTH_PORT },
    metrics: { host: e.METRICS_HOST, apiPort: e.API_METRICS_PORT },
    /** Requests a minute allowed per client address and per credential. */
    rateLimits: { perAddress: e.RATE_LIMIT_PER_ADDRESS, perCredential: e.RATE_LIMIT_PER_CREDENTIAL },
    /** Defaults a new case captures at intake; cases already open keep theirs. */
    casePolicy: {
      reopenWindowDays: e.CASE_REOPEN_WINDOW_DAYS,
      directResolveLimitCents: Math.round(e.CASE_FOUR_EYES_ABOVE * 100),
      regulatoryLeadHours: e.REGULATORY_LEAD_HOURS,
      statusUpdateDefaultDays: e.STATUS_UPDATE_DEFAULT_DAYS,
      statusUpdateMaxDays: e.STATUS_UPDATE_MAX_DAYS,
      notificationAttempts: e.NOTIFICATION_ATTEMPTS,
      surveyDelayHours: e.SURVEY_DELAY_HOURS,
      attritionWatch: e.ATTRITION_WATCH,
    },
    /** How the attrition watch follows a customer. */
    watch: { pollHours: e.WATCH_POLL_HOURS, observeDays: e.WATCH_OBSERVE_DAYS },
    /** The care team's outreach policy; deadlines and concessions are the documented defaults. */
    care: { careQueueEmail: e.CARE_QUEUE_EMAIL },
    notifications: {
      bankName: e.BANK_NAME,
      bankPhone: e.BANK_PHONE,
      surveyUrl: e.SURVEY_URL ?? null,
      quietHours: e.QUIET_HOURS,
      messageIdDomain: NOTIFY.messageIdDomain,
      fallbackChannel: e.CHANNEL_FALLBACK === 'email' ? ('email' as const) : null,
    },
    /** The links in customer messages to their case pages (`src/self-service/links.ts`). */
    customerLinks: {
      baseUrl: (e.CUSTOMER_PAGE_URL ?? `http://${e.API_HOST}:${e.API_PORT}`).replace(/\/$/, ''),
      lifetimeDays: e.CUSTOMER_LINK_DAYS,
      key: { value: e.CUSTOMER_LINK_KEY ?? null, file: path.join(dataDir, 'customer-link-key') },
    },
    /** The documents customers send from their case pages (`src/self-service/documents.ts`). */
    documents: { dir: path.resolve(e.DOCUMENTS_DIR ?? path.join(dataDir, 'documents')) },
    /** The bank's identity provider, when staff may sign in with its JWTs; null for tokens only. */
    jwt: jwtSettings(e),
    /** Console sign-in through the identity provider (OIDC, authorization code with PKCE); null: tokens only. */
    oidc: oidcSettings(e),
    /** The date-holidays country whose public holidays are bank holidays. */
    holidayCalendar: e.HOLIDAY_CALENDAR,
    mail: {
      /** True when no SMTP_HOST is given: `npm start` runs the local SMTP sink. */
      embeddedSink: !e.SMTP_HOST,
      host: e.SMTP_HOST || '127.0.0.1',
      port: e.SMTP_PORT,
      secure: e.SMTP_SECURE,
      user: e.SMTP_USER,
      pass: e.SMTP_PASS,
      from: e.MAIL_FROM,
      sinkHttpPort: e.MAIL_SINK_HTTP_PORT,
      /** Where sent messages can be looked up by Message-ID; the embedded sink answers by default. */
      lookupUrl: e.MAIL_LOOKUP_URL || (e.SMTP_HOST ? undefined : `http://127.0.0.1:${e.MAIL_SINK_HTTP_PORT}`),
      sinkFile: path.join(dataDir, 'mail-sink.jsonl'),
    },
    sms: smsSettings(e, dataDir),
    network: {
      /** True when no NETWORK_URL is given: `npm start` runs the card network simulator. */
      embeddedSimulator: !e.NETWORK_URL,
      url: e.NETWORK_URL ?? `http://127.0.0.1:${e.NETWORK_SIMULATOR_PORT}`,
      apiKey: e.NETWORK_API_KEY,
      simulatorPort: e.NETWORK_SIMULATOR_PORT,
      simulatorFile: path.join(dataDir, 'network-simulator.jsonl'),
      answerAfterMs: e.NETWORK_SIMULATOR_ANSWER_SECONDS * 1000,
    },
  };
}
