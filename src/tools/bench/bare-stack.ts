/** The bare baseline's worker as a process of its own, and a client with Temporal's default converter. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { ROOT } from '../../db/target';

export class BareStack {
  private constructor(
    readonly worker: ChildProcess,
    readonly client: Client,
  ) {}

  static async start(address: string): Promise<BareStack> {
    const worker = spawn(process.execPath, ['--import', 'tsx', 'src/tools/bench/bare-worker.ts'], {
      cwd: ROOT,
      env: { ...process.env, TEMPORAL_ADDRESS: address },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: worker.stdout! });
    const exited = once(worker, 'exit').then(([code]) => {
      throw new Error(`the bare worker exited with code ${code} while starting`);
    });
    await Promise.race([once(lines, 'line'), exited]);
    exited.catch(() => {});
    const client = new Client({ connection: await Connection.connect({ address }) });
    return new BareStack(worker, client);
  }

  async stop(): Promise<void> {
    await this.client.connection.close();
    this.worker.kill('SIGTERM');
    if (this.worker.exitCode === null) await once(this.worker, 'exit');
  }
}
