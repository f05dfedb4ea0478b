/**
 * The product's worker as the chaos suite and the bench run it: `runWorker` with its health endpoint, as
 * `npm start -- --only worker` runs it, plus activities held while CHAOS_HOLD_FILE names their type
 * (see chaos/hold.ts). No supervisor: a SIGKILL is meant to stay dead until the suite starts it again.
 */
import { loadConfig } from '../config';
import { createDb } from '../db/client';
import { deliveryChannels, installWorkerRuntime, runWorker, startWorkerHealth } from '../worker';
import { holdingActivities } from './chaos/hold';

async function main(): Promise<void> {
  const holdFile = process.env.CHAOS_HOLD_FILE;
  if (!holdFile) throw new Error('CHAOS_HOLD_FILE must name the file of activity types to hold');
  const config = loadConfig();
  const sdkMetricsUrl = await installWorkerRuntime();
  const db = createDb(config.databaseUrl);
  const worker = await runWorker(config, db, deliveryChannels(config), [holdingActivities(holdFile)]);
  await startWorkerHealth(
    config.api.host,
    config.worker.healthPort,
    config.temporal.taskQueue,
    worker.state,
    sdkMetricsUrl,
  );
  // The SDK stops the worker on SIGTERM; the process goes with it.
  console.error(`worker stopped: ${await worker.ended}`);
  process.exit(0);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
