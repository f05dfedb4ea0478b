/**
 * Holding activities mid-way, so the chaos suite can SIGKILL a worker at the worst moment for each
 * kind of activity: its effect done (the mail handed over, the row written), its completion not yet
 * reported. While the hold file names an activity type, the next activity of that type
 * runs and then hangs before it reports; the worker prints a HOLD_MARK line for it, with the
 * activities it has in flight. The retry after the kill must find the effect, not repeat it.
 */
import { readFileSync } from 'node:fs';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

export const HOLD_MARK = 'chaos-hold ';

export interface HeldActivity {
  activityType: string;
  workflowId: string;
  runId: string;
  activityId: string;
  attempt: number;
  /** Every activity this worker had in flight when this one was held, by type. */
  inFlight: Record<string, number>;
}

export function holdingActivities(holdFile: string): ActivityInterceptorsFactory {
  const inFlight = new Map<string, number>();
  const held = new Set<string>();
  const toHold = () => {
    try {
      return readFileSync(holdFile, 'utf8');
    } catch {
      return null;
    }
  };
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const { activityType, activityId, attempt, workflowExecution } = ctx.info;
        inFlight.set(activityType, (inFlight.get(activityType) ?? 0) + 1);
        try {
          const result = await next(input);
          if (!held.has(activityType) && toHold() === activityType) {
            held.add(activityType);
            const line: HeldActivity = {
              activityType,
              workflowId: workflowExecution!.workflowId,
              runId: workflowExecution!.runId,
              activityId,
              attempt,
              inFlight: Object.fromEntries(inFlight),
            };
            process.stdout.write(`${HOLD_MARK}${JSON.stringify(line)}\n`);
            await new Promise(() => {});
          }
          return result;
        } finally {
          inFlight.set(activityType, inFlight.get(activityType)! - 1);
        }
      },
    },
  });
}
