/**
 * Keeps a part of `npm start` running: when it dies it is started again after a backoff that
 * doubles (1 s up to 30 s), and each death and restart is logged. A part that keeps dying (more
 * than `maxRestarts` deaths within `windowMs`) or cannot be started again is given up on, and
 * `onGiveUp` ends the process with a non-zero code: the stack never stays silently degraded.
 */
import { log } from './log';

/** A started part: `ended` settles when it stops by itself (with why); `stop` stops it on purpose. */
export interface Running {
  ended: Promise<string>;
  stop(): Promise<void>;
}

export interface SupervisorOptions {
  /** Deaths tolerated within the window before giving up. */
  maxRestarts?: number;
  windowMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  onGiveUp(reason: string): void;
}

export class Supervisor {
  private current: Running | null = null;
  private stopping = false;
  private deaths: number[] = [];
  private wakeUp: (() => void) | null = null;

  private constructor(
    readonly name: string,
    private readonly start: () => Promise<Running>,
    private readonly options: Required<SupervisorOptions>,
  ) {}

  /** Starts the part (a failure here is the caller's: nothing is running yet) and watches it. */
  static async run(name: string, start: () => Promise<Running>, options: SupervisorOptions): Promise<Supervisor> {
    const supervisor = new Supervisor(name, start, {
      maxRestarts: 5,
      windowMs: 60_000,
      initialBackoffMs: 1_000,
      maxBackoffMs: 30_000,
      ...options,
    });
    supervisor.current = await start();
    void supervisor.watch();
    return supervisor;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.current?.stop();
  }

  private async watch(): Promise<void> {
    while (this.current && !this.stopping) {
      const reason = await this.current.ended;
      if (this.stopping) return;
      this.current = null;
      const now = Date.now();
      this.deaths = [...this.deaths.filter((t) => now - t < this.options.windowMs), now];
      if (this.deaths.length > this.options.maxRestarts) {
        return this.giveUp(`${this.name} died ${this.deaths.length} times within ${this.options.windowMs / 1000} s`);
      }
      const backoff = Math.min(
        this.options.initialBackoffMs * 2 ** (this.deaths.length - 1),
        this.options.maxBackoffMs,
      );
      log.error({ part: this.name, reason }, `${this.name} died (${reason}); restarting in ${backoff / 1000} s`);
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        setTimeout(resolve, backoff).unref();
      });
      if (this.stopping) return;
      try {
        this.current = await this.start();
        log.warn({ part: this.name }, `${this.name} restarted`);
      } catch (error) {
        // Counted as another death: the next turn backs off further or gives up.
        this.current = { ended: Promise.resolve(`restart failed: ${(error as Error).message}`), stop: async () => {} };
      }
    }
  }

  private giveUp(reason: string): void {
    log.fatal({ part: this.name }, `${reason}; giving up`);
    this.options.onGiveUp(reason);
  }
}
