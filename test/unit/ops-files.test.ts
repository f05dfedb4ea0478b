/**
 * The files for users with the internet (Dockerfile, Compose, Helm values) are not run here: no
 * registry, no Kubernetes. What can drift is checked instead: they parse, they start files that
 * exist, and they set only variables the product reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config';
import { ROOT } from '../../src/db/target';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

test('the Dockerfile starts the product as npm run worker and npm run api do', () => {
  const dockerfile = read('Dockerfile');
  expect(dockerfile).toMatch(/ENTRYPOINT \["node", "--import", "tsx", "src\/start.ts", "--only"\]/);
  expect(existsSync(path.join(ROOT, 'src/start.ts'))).toBe(true);
  expect(read('package.json')).toContain('src/start.ts --only worker');
});

test('the Compose file runs the product on the official Temporal images, with variables it reads', () => {
  const compose = parse(read('ops/compose/compose.yaml'), { merge: true }) as {
    services: Record<string, { image?: string; environment?: Record<string, string>; entrypoint?: string[] }>;
  };
  const images = Object.values(compose.services).map((s) => s.image ?? '');
  expect(images).toEqual(
    expect.arrayContaining(['temporalio/server:1.32.0', 'temporalio/admin-tools:1.32.0', 'temporalio/ui:2.54.1']),
  );
  for (const name of ['worker', 'api', 'temporal-setup']) {
    const service = compose.services[name];
    expect(service.image).toBe('proactive-care:local');
    const unknown = Object.keys(service.environment ?? {}).filter((v) => !CONFIG_VARIABLES.includes(v));
    expect({ service: name, unknown }).toEqual({ service: name, unknown: [] });
    for (const arg of service.entrypoint ?? []) {
      if (arg.endsWith('.ts')) expect(existsSync(path.join(ROOT, arg))).toBe(true);
    }
  }
});

test('the Helm values keep to PostgreSQL and turn off what the chart would bundle', () => {
  const values = parse(read('ops/helm/temporal-values.yaml')) as Record<string, { enabled?: boolean }> & {
    server: { config: { persistence: { datastores: Record<string, { sql: { pluginName: string } }> } } };
  };
  const stores = Object.values(values.server.config.persistence.datastores);
  expect(stores.map((s) => s.sql.pluginName)).toEqual(['postgres12', 'postgres12']);
  for (const bundled of ['cassandra', 'mysql', 'postgresql', 'elasticsearch', 'prometheus', 'grafana']) {
    expect(values[bundled].enabled).toBe(false);
  }
});
