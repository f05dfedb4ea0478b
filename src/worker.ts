import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from './config';
import type { Db } from './db/client';
import { connectionOptions } from './temporal/connection';
import { workflowBundlePath } from './temporal/bundle';

/** A worker for the dispute task queue: every workflow and activity. Stateless; scale by replicas. */
export async function createWorker(config: Config, db: Db): Promise<Worker> {
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: { codePath: await workflowBundlePath(path.join(config.dataDir, 'cache')) },
    activities: createActivities({ db, policy: config.casePolicy, holidayCalendar: config.holidayCalendar }),
  });
}
