import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { LocalCluster } from '../../src/tools/cluster/local-cluster';
import { clusterDatabase } from '../../src/tools/cluster/server-config';
import { ProcessStack, type ProcessStackOptions } from '../../src/tools/process-stack';
import { TEST_DATABASE_URL } from './db';

/**
 * The product's processes on a real Temporal cluster of their own (databases of its own on the
 * test PostgreSQL, its namespace set up); stopping the stack stops the cluster and drops them.
 */
export async function clusterStack(options: Omit<ProcessStackOptions, 'temporal'>) {
  const cluster = await LocalCluster.start({
    dir: path.join(options.dir, 'temporal'),
    db: clusterDatabase(TEST_DATABASE_URL!, `pc_temporal_${randomUUID().slice(0, 8)}`),
    namespace: { name: 'default', retentionDays: 1 },
  });
  const stack = await ProcessStack.start({ ...options, temporal: cluster.asTemporal({ owned: true }) });
  return { cluster, stack };
}
