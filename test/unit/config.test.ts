import { loadConfig } from '../../src/config';
import { prismaTarget } from '../../src/db/target';

test('embedded defaults: dev server, SQLite under the data dir, SMTP sink', () => {
  const config = loadConfig({ DATA_DIR: '/tmp/care-data' });
  expect(config.temporal).toMatchObject({
    embedded: true,
    address: '127.0.0.1:7233',
    uiPort: 8233,
    namespace: 'default',
  });
  expect(config.databaseUrl).toBe('file:/tmp/care-data/proactive-care.db');
  expect(config.mail).toMatchObject({ embeddedSink: true, port: 2525 });
  expect(config.api.port).toBe(3000);
});

test('existing services: only worker and API', () => {
  const config = loadConfig({
    TEMPORAL_ADDRESS: 'care.a1b2c.tmprl.cloud:7233',
    TEMPORAL_NAMESPACE: 'care.a1b2c',
    TEMPORAL_API_KEY: 'k',
    DATABASE_URL: 'postgres://u:p@db/care',
    SMTP_HOST: 'smtp.bank.example',
  });
  expect(config.temporal).toMatchObject({ embedded: false, address: 'care.a1b2c.tmprl.cloud:7233', apiKey: 'k' });
  expect(config.embeddedDatabase).toBe(false);
  expect(config.mail.embeddedSink).toBe(false);
});

test('case policy settings: defaults, overrides, and a bad value names the variable', () => {
  expect(loadConfig({}).casePolicy).toMatchObject({
    reopenWindowDays: 60,
    directResolveLimitCents: 10_000,
    regulatoryLeadHours: 12,
    statusUpdateDefaultDays: 7,
    statusUpdateMaxDays: 14,
  });
  expect(loadConfig({ QUIET_HOURS: '22-7' }).notifications.quietHours).toEqual({ start: 22, end: 7 });
  expect(() => loadConfig({ QUIET_HOURS: 'night' })).toThrow(/QUIET_HOURS/);
  expect(loadConfig({ CASE_FOUR_EYES_ABOVE: '250.50', CASE_REOPEN_WINDOW_DAYS: '30' }).casePolicy).toMatchObject({
    directResolveLimitCents: 25_050,
    reopenWindowDays: 30,
  });
  expect(() => loadConfig({ CASE_REOPEN_WINDOW_DAYS: '-1' })).toThrow(/CASE_REOPEN_WINDOW_DAYS/);
});

test('a bad port names the variable', () => {
  expect(() => loadConfig({ API_PORT: 'eighty' })).toThrow(/API_PORT/);
  expect(() => loadConfig({ TEMPORAL_UI_PORT: '70000' })).toThrow(/TEMPORAL_UI_PORT/);
});

test('the database URL picks the schema and migrations', () => {
  expect(prismaTarget('postgres://u@h/db').migrations).toMatch(/prisma\/postgres\/migrations$/);
  expect(prismaTarget(undefined).provider).toBe('sqlite');
  expect(() => prismaTarget('mysql://h/db')).toThrow(/DATABASE_URL/);
});

test('listeners bind to 127.0.0.1 unless told; the identity provider is all or nothing', () => {
  expect(loadConfig({}).api.host).toBe('127.0.0.1');
  expect(loadConfig({ API_HOST: '0.0.0.0' }).api.host).toBe('0.0.0.0');
  expect(loadConfig({}).jwt).toBeNull();
  expect(() => loadConfig({ AUTH_JWT_ISSUER: 'https://idp.bank.example/' })).toThrow(/AUTH_JWT_AUDIENCE/);
  const jwt = loadConfig({
    AUTH_JWT_ISSUER: 'https://idp.bank.example/',
    AUTH_JWT_AUDIENCE: 'proactive-care-api',
    AUTH_JWT_JWKS_URL: 'https://idp.bank.example/.well-known/jwks.json',
    AUTH_JWT_STAFF_CLAIM: 'employee_id',
  }).jwt;
  expect(jwt).toMatchObject({ audience: 'proactive-care-api', staffClaim: 'employee_id', algorithm: 'RS256' });
});

test('worker versioning needs the deployment and the build, each named when missing', () => {
  expect(loadConfig({}).temporal.deployment).toBeNull();
  expect(
    loadConfig({ TEMPORAL_DEPLOYMENT_NAME: 'proactive-care', TEMPORAL_WORKER_BUILD_ID: '2026.12.04' }).temporal
      .deployment,
  ).toEqual({ deploymentName: 'proactive-care', buildId: '2026.12.04' });
  expect(() => loadConfig({ TEMPORAL_DEPLOYMENT_NAME: 'proactive-care' })).toThrow(/TEMPORAL_WORKER_BUILD_ID/);
  expect(() => loadConfig({ TEMPORAL_WORKER_BUILD_ID: '2026.12.04' })).toThrow(/TEMPORAL_DEPLOYMENT_NAME/);
  expect(() => loadConfig({ TEMPORAL_WORKER_BUILD_ID: '' })).toThrow(/TEMPORAL_WORKER_BUILD_ID/);
});
