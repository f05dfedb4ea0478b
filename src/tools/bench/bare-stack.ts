/** The bare baseline's worker as a process of its own, and a client with Temporal's default converter. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../config';
import { ROOT } from '../../db/target';
import { connectionOptions } from '../../temporal/connection';

export class BareStack {
  private constructor(
    readonly worker: ChildProcess,
    readonly client: Client,
  ) {}

  /** On the Temporal that `temporalEnv` (TEMPORAL_* settings) names, as the product's worker reaches it. */
  static async start(temporalEnv: NodeJS.ProcessEnv): Promise<BareStack> {
    const env = { ...process.env, ...temporalEnv };
    const worker = spawn(process.execPath, ['--import', 'tsx', 'src/tools/bench/bare-worker.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: worker.stdout! });
    const exited = once(worker, 'exit').then(([code]) => {
      throw new Error(`the bare worker exited with code ${code} while starting`);
    });
    await Promise.race([once(lines, 'line'), exited]);
    exited.catch(() => {});
    const client = new Client({ connection: await Connection.connect(connectionOptions(loadConfig(env).temporal)) });
    return new BareStack(worker, client);
  }

  async stop(): Promise<void> {
    await this.client.connection.close();
    this.worker.kill('SIGTERM');
    if (this.worker.exitCode === null) await once(this.worker, 'exit');
  }
}
