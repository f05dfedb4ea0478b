/**
 * The case's one timer for the next thing it must do by itself. A staff action that does not
 * move that moment (a note, say) leaves the timer running; before, every wake of the main loop
 * cancelled it and started an identical one, two events in the history each time.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { WakeUp } from './clocks';

/** Runs from before this patch start a timer at every wake of the main loop. */
export const STEADY_WAKE_PATCH = 'steady-wake-timer';

export class WakeTimer {
  /** The timer for the current wake-up fired; cleared when the next one is armed. */
  rang = false;
  private at: number | null = null;
  private scope: CancellationScope | null = null;

  /** Sets the timer for `wake` (none: no timer), keeping the running one when it is for the same moment. */
  arm(wake: WakeUp | null, now: number): void {
    if (!this.rang && (wake?.at ?? null) === this.at) return;
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

  stop(): void {
    this.scope?.cancel();
    this.scope = null;
    this.at = null;
    this.rang = false;
  }
}
