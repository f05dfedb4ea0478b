/**
 * The bare baseline's worker, a process of its own as the product's is: the same SDK and the same
 * default options, the default data converter (no codec), on its own task queue of the server.
 */
// Logs at WARN, as the product's worker does under the bench.
import '../../../test/helpers/quiet-runtime';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from './bare-activities';

export const BARE_TASK_QUEUE = 'bench-bare';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS must name the Temporal server');
  const connection = await NativeConnection.connect({ address });
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
