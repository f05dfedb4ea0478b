/**
 * The bare baseline's worker, a process of its own as the product's is: the same SDK and the same
 * default options, the default data converter (no codec), on its own task queue of the server.
 */
// Logs at WARN, as the product's worker does under the bench.
import '../../../test/helpers/quiet-runtime';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { connectionOptions } from '../../temporal/connection';
import * as activities from './bare-activities';

export const BARE_TASK_QUEUE = 'bench-bare';

async function main(): Promise<void> {
  // The product's TEMPORAL_* settings: its server, with its TLS certificates where it has them.
  const connection = await NativeConnection.connect(connectionOptions(loadConfig().temporal));
  const worker = await Worker.create({
    connection,
    taskQueue: BARE_TASK_QUEUE,
    workflowsPath: require.resolve('./bare-workflow'),
    activities,
  });
  // The bench waits for this line before it sends work.
  console.log('bare worker running');
  await worker.run();
  await connection.close();
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
