/**
 * The bare baseline: what Temporal itself costs for the shape of a case, with nothing of the
 * product in it. A case starts, runs trivial activities, takes staff actions as Updates (each
 * runs the trivial activities its answer waits for, changes a counter, answers, and runs the rest
 * behind the answer, in order), and ends on the action that closes it. Open, it waits on a 45-day
 * timer as a case waits on its SLA.
 */
import { condition, defineUpdate, proxyActivities, setHandler, allHandlersFinished } from '@temporalio/workflow';
import type * as activities from './bare-activities';

export interface BareAction {
  /** Trivial activities run before the answer, one after another. */
  awaited: number;
  /** Trivial activities run after the answer, in order, as the product writes its read model. */
  behind: number;
  /** The last action of the case: it ends once everything behind has run. */
  close?: boolean;
}

export const bareActionUpdate = defineUpdate<{ version: number }, [BareAction]>('bareAction');

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

export async function bareCase(startActivities: number): Promise<void> {
  let version = 0;
  let closed = false;
  let behind: Promise<void> = Promise.resolve();
  setHandler(bareActionUpdate, async (action) => {
    for (let i = 0; i < action.awaited; i++) await noop();
    version += 1;
    for (let i = 0; i < action.behind; i++) behind = behind.then(() => noop());
    closed ||= action.close === true;
    return { version };
  });
  for (let i = 0; i < startActivities; i++) await noop();
  await condition(() => closed, '45 days');
  await behind;
  await condition(allHandlersFinished);
}
