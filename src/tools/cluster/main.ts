/**
 * `npm run cluster`: the product on a real Temporal cluster. Builds the server once (cached),
 * creates its databases on the local PostgreSQL (`CLUSTER_DATABASE_URL`, a role that may create
 * databases), starts its services as separate processes with mTLS, sets up the namespace and
 * search attributes as an operator would, then runs the product (`npm start` with the cluster's
 * address and the client certificate, its own data in `.data/cluster/`). Ctrl-C stops it all.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../db/target';
import { setUpNamespace } from '../../temporal/bootstrap';
import { loadPayloadKeys } from '../../temporal/encryption';
import { LocalCluster } from './local-cluster';
import { clusterDatabase } from './server-config';

const DEFAULT_DATABASE_URL = 'postgres://care_ci:care_ci@127.0.0.1:5432/care_ci';
const NAMESPACE = process.env.TEMPORAL_NAMESPACE ?? 'default';

async function main(): Promise<void> {
  const dir = path.join(ROOT, '.data', 'cluster');
  const started = Date.now();
  const cluster = await LocalCluster.start({
    dir: path.join(dir, 'temporal'),
    db: clusterDatabase(process.env.CLUSTER_DATABASE_URL ?? DEFAULT_DATABASE_URL, 'proactive_care_temporal'),
  });
  const connection = await cluster.connect();
  const setUp = await setUpNamespace(connection, NAMESPACE, 30);
  await connection.close();
  console.log(
    `cluster: up in ${((Date.now() - started) / 1000).toFixed(1)} s, frontend ${cluster.address} (mTLS), ` +
      `processes ${cluster.processes.map((p) => p.name).join(', ')}; namespace ${NAMESPACE}` +
      `${setUp.namespaceCreated ? ' created' : ''}${setUp.added.length ? `, search attributes added: ${setUp.added.join(', ')}` : ''}.`,
  );
  // As an operator would: one payload key file for every worker and API replica, made once.
  const dataDir = path.join(dir, 'product');
  const keyFile = path.join(dataDir, 'payload-keys');
  loadPayloadKeys({ keys: null, file: keyFile, generate: true, plaintext: 'refuse' });
  const product = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      ...cluster.clientEnv(),
      TEMPORAL_NAMESPACE: NAMESPACE,
      DATA_DIR: dataDir,
      PAYLOAD_KEY_FILE: keyFile,
    },
  });
  const stop = async (code: number) => {
    product.kill('SIGTERM');
    await cluster.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));
  product.once('exit', (code) => void stop(code ?? 1));
}

main().catch((error: unknown) => {
  console.error(`cluster: ${(error as Error).message}`);
  process.exit(1);
});
