import { Context } from '@temporalio/activity';

/** How often a long call reports that its worker is alive; the SDK throttles what it sends on. */
const BEAT_MS = 1_000;

/**
 * Runs `work` while heartbeating, so a worker that dies in the middle of a call to a provider is
 * noticed within the activity's heartbeat timeout (seconds) rather than its start-to-close timeout.
 * Outside an activity (a test calling the function directly) it just runs `work`.
 */
export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  const timer = setInterval(() => context.heartbeat(), BEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
