import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { LocalCluster } from '../../src/tools/cluster/local-cluster';
import { clusterDatabase } from '../../src/tools/cluster/server-config';
import { ProcessStack, type ProcessStackOptions } from '../../src/tools/process-stack';
import { TEST_DATABASE_URL } from './db';

/**
 * A real Temporal cluster on databases of its own on the test PostgreSQL, its namespace set up,
 * and the product's processes on it; `stop` stops both and drops the cluster's databases.
 */
export async function clusterStack(options: Omit<ProcessStackOptions, 'temporal'>) {
  const cluster = await LocalCluster.start({
    dir: path.join(options.dir, 'temporal'),
    db: clusterDatabase(TEST_DATABASE_URL!, `pc_temporal_${randomUUID().slice(0, 8)}`),
    namespace: { name: 'default', retentionDays: 1 },
  });
  let stack: ProcessStack;
  try {
    stack = await ProcessStack.start({ ...options, temporal: cluster.asTemporal() });
  } catch (error) {
    await cluster.stop();
    await cluster.dropDatabases();
    throw error;
  }
  return {
    cluster,
    stack,
    async stop() {
      await stack.stop();
      await cluster.stop();
      await cluster.dropDatabases();
    },
  };
}
