/**
 * The case's one timer for the next thing it must do by itself. A staff action that does not
 * move that moment (a note, say) leaves the timer running; before, every wake of the main loop
 * cancelled it and started an identical one, two events in the history each time.
 */
import { CancellationScope, isCancellation, patched, sleep } from '@temporalio/workflow';
import type { WakeUp } from './clocks';

/** Runs from before this patch start a timer at every wake of the main loop. */
export const STEADY_WAKE_PATCH = 'steady-wake-timer';
/** Runs from before this patch cancel a timer that is due, to arm one for another moment. */
export const DUE_WAKE_RINGS_PATCH = 'due-wake-timer-rings';
/** A timer due this soon may have fired already, unseen by the task now running. */
const DUE_WITHIN_MS = 1_000;

export class WakeTimer {
  /** The timer for the current wake-up fired; cleared when the next one is armed. */
  rang = false;
  private at: number | null = null;
  private scope: CancellationScope | null = null;

  /** Sets the timer for `wake` (none: no timer), keeping the running one when it is for the same moment. */
  arm(wake: WakeUp | null, now: number): void {
    if (!this.rang && (wake?.at ?? null) === this.at) return;
    // A timer that is due is left to ring, and the loop arms the new moment then (a second at most
    // late): cancelling a timer that fired while this task ran is valid, but the time-skipping test
    // server refuses it and strands the run (temporalio/sdk-java#2606).
    if (this.dueBy(now + DUE_WITHIN_MS) && patched(DUE_WAKE_RINGS_PATCH)) return;
    this.stop();
    if (!wake) return;
    const scope = new CancellationScope();
    this.scope = scope;
    this.at = wake.at;
    scope
      .run(() => sleep(Math.max(0, wake.at - now), { summary: wake.summary }))
      .then(
        () => {
          if (this.scope === scope) this.rang = true;
        },
        (error: unknown) => {
          if (!isCancellation(error)) throw error;
        },
      );
  }

  private dueBy(moment: number): boolean {
    return this.scope !== null && !this.rang && this.at !== null && this.at <= moment;
  }

  stop(): void {
    this.scope?.cancel();
    this.scope = null;
    this.at = null;
    this.rang = false;
  }
}
