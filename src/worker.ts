import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from './config';
import type { Db } from './db/client';
import { connectionOptions } from './temporal/connection';
import { workflowBundlePath } from './temporal/bundle';
import { loggingChannel, smtpChannel } from './mail/channels';

/** Email over the configured SMTP server; SMS and push are logged until a provider is wired in. */
export function deliveryChannels(config: Config) {
  const { host, port, secure, user, pass, from, lookupUrl } = config.mail;
  return {
    email: smtpChannel({ host, port, secure, user, pass, from, lookupUrl }),
    sms: loggingChannel('sms'),
    push: loggingChannel('push'),
  };
}

/** A worker for the dispute task queue: every workflow and activity. Stateless; scale by replicas. */
export async function createWorker(
  config: Config,
  db: Db,
  channels: ReturnType<typeof deliveryChannels>,
): Promise<Worker> {
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: { codePath: await workflowBundlePath(path.join(config.dataDir, 'cache')) },
    activities: createActivities({
      db,
      channels,
      notifications: config.notifications,
      policy: config.casePolicy,
      holidayCalendar: config.holidayCalendar,
      watch: config.watch,
      care: config.care,
    }),
  });
}
