import type { Server } from 'node:http';
import path from 'node:path';
import express from 'express';
import type { Client } from '@temporalio/client';
import {
  NativeConnection,
  Runtime,
  Worker,
  type ActivityInterceptorsFactory,
  type RuntimeOptions,
  type State,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from './config';
import { refreshStaleFacts } from './cem/rollup';
import type { Db } from './db/client';
import { log } from './log';
import { isDatabaseOutage } from './db/outage';
import { metricsEndpoint } from './metrics/endpoint';
import { dependencyErrors } from './metrics/registry';
import { freePort } from './ports';
import { connectClient, connectionOptions, temporalDataConverter, type TemporalSettings } from './temporal/connection';
import { caseActionsOver } from './api/routes/bulk-operations';
import { workflowBundlePath } from './temporal/bundle';
import { smsChannel, smtpChannel, type DeliveryChannels } from './notifications/channels';
import type { Running } from './supervisor';
import { loadLinkKey } from './self-service/links';
import { httpNetwork } from './network/adapter';

/** Email over the configured SMTP server, SMS through its provider; no push provider yet. */
export function deliveryChannels(config: Config): DeliveryChannels {
  const { host, port, secure, user, pass, from, lookupUrl } = config.mail;
  return {
    email: smtpChannel({ host, port, secure, user, pass, from, lookupUrl }),
    sms: config.sms.provider ? smsChannel(config.sms.provider) : null,
    push: null,
  };
}

/**
 * Installs the SDK's runtime for a worker process with its own metrics (task slots, polls,
 * schedule-to-start latencies, …) served on a free loopback port; returns where the worker's
 * `/metrics` reads them. Counters end in `_total`, durations are in seconds, as Prometheus names them.
 */
export async function installWorkerRuntime(options: Omit<RuntimeOptions, 'telemetryOptions'> = {}): Promise<string> {
  const bindAddress = `127.0.0.1:${await freePort()}`;
  Runtime.install({
    ...options,
    telemetryOptions: {
      metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } },
    },
  });
  return `http://${bindAddress}/metrics`;
}

/** Activities that failed because the database did not answer, counted for operators. */
const countDatabaseErrors: ActivityInterceptorsFactory = () => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (error) {
        if (isDatabaseOutage(error)) dependencyErrors.inc({ dependency: 'database' });
        throw error;
      }
    },
  },
});

/**
 * Worker versioning, when the worker is a version of a deployment: a new build takes no task
 * until an operator makes it current, then takes them all, and the old one drains. Cases run for
 * months, so they auto-upgrade to the current version rather than stay pinned to the build that
 * opened them (which would keep every old build running until its last case closed); a change to
 * running cases' code therefore still goes behind `patched()`.
 */
function versioning(deployment: TemporalSettings['deployment']): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!deployment) return {};
  return {
    workerDeploymentOptions: {
      useWorkerVersioning: true,
      version: deployment,
      defaultVersioningBehavior: 'AUTO_UPGRADE',
    },
  };
}

/** A versioned worker whose build is not its deployment's current one takes no task: says so, and what to run. */
async function warnUnlessCurrent(client: Client, t: TemporalSettings): Promise<void> {
  if (!t.deployment) return;
  const { deploymentName, buildId } = t.deployment;
  const current = await client.workflowService
    .describeWorkerDeployment({ namespace: t.namespace, deploymentName })
    .then(
      (r) => r.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId ?? null,
      // A deployment no worker polled for yet does not exist: nothing is current.
      () => null,
    );
  if (current === buildId) return;
  log.warn(
    { deploymentName, buildId, current },
    `this worker's build takes no task until it is made current: temporal worker deployment set-current-version --deployment-name ${deploymentName} --build-id ${buildId}`,
  );
}

export interface RunningWorker extends Running {
  state(): State;
}

/**
 * A worker for the dispute task queue, running: every workflow and activity. Stateless; scale by
 * replicas. `ended` settles when it stops by itself (its connection lost for good, say).
 * `activityInterceptors` wrap every activity (the chaos suite holds some to kill the worker mid-way).
 */
export async function runWorker(
  config: Config,
  db: Db,
  channels: DeliveryChannels,
  activityInterceptors: ActivityInterceptorsFactory[] = [],
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  // Bulk operations' steps are staff actions, sent to the cases as the API sends them.
  const client = await connectClient(config.temporal);
  let worker: Worker;
  try {
    worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: { codePath: await workflowBundlePath(path.join(config.dataDir, 'cache')) },
      dataConverter: temporalDataConverter(config.temporal, 'mark'),
      activities: createActivities({
        db,
        channels,
        notifications: config.notifications,
        customerLinks: { ...config.customerLinks, key: loadLinkKey(config.customerLinks.key) },
        policy: config.casePolicy,
        holidayCalendar: config.holidayCalendar,
        watch: config.watch,
        care: config.care,
        caseActions: caseActionsOver({ db, temporal: client }),
        network: httpNetwork(config.network.url, config.network.apiKey),
      }),
      interceptors: { activity: [countDatabaseErrors, ...activityInterceptors] },
      ...versioning(config.temporal.deployment),
    });
  } catch (error) {
    await connection.close();
    await client.connection.close();
    throw error;
  }
  void rebuildStaleFacts(db, () => !['INITIALIZED', 'RUNNING'].includes(worker.getState()));
  void warnUnlessCurrent(client, config.temporal);
  const running = worker
    .run()
    .catch((error: Error) => {
      // A worker that stops by itself has lost Temporal (its supervisor starts another).
      dependencyErrors.inc({ dependency: 'temporal' });
      throw error;
    })
    .finally(() => Promise.all([connection.close(), client.connection.close()]));
  return {
    state: () => worker.getState(),
    ended: running.then(
      () => 'stopped',
      (error: Error) => error.message,
    ),
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => {});
    },
  };
}

/**
 * Makes again the figure facts of the cases an older version made them for (or a write left stale),
 * trying again every half minute while the database refuses, until `stopped`: the figures answer
 * 503 until it is done.
 */
async function rebuildStaleFacts(db: Db, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    try {
      const refreshed = await refreshStaleFacts(db);
      if (refreshed > 0) log.info({ refreshed }, 'figure facts made again');
      return;
    } catch (error) {
      log.warn({ err: error as Error }, 'figure facts not made again; trying again in 30 s');
      await new Promise((resolve) => setTimeout(resolve, 30_000).unref());
    }
  }
}

/**
 * The worker's own health endpoint, `GET /healthz` on WORKER_HEALTH_PORT: 200 while a worker polls
 * its task queue, 503 while it is starting, restarting or stopping. `GET /metrics` beside it: the
 * worker's metrics and the SDK's (from `sdkMetricsUrl`).
 */
export async function startWorkerHealth(
  host: string,
  port: number,
  taskQueue: string,
  state: () => State | 'RESTARTING',
  sdkMetricsUrl: string | null = null,
): Promise<Server> {
  const app = express();
  app.get('/metrics', metricsEndpoint(sdkMetricsUrl));
  app.get('/healthz', (_req, res) => {
    const now = state();
    res
      .status(now === 'RUNNING' ? 200 : 503)
      .json({ status: now === 'RUNNING' ? 'ok' : 'down', worker: now, taskQueue });
  });
  return new Promise((resolve) => {
    const server = app.listen(port, host, () => resolve(server));
  });
}
