/**
 * The product the bench measures: a stack it started itself (`ProcessStack`), or one already
 * running that the environment describes as it does for `npm start` (`--running`).
 */
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadConfig, type Config } from '../../config';
import { createDb, type Db } from '../../db/client';
import { connectClient, temporalDataConverter } from '../../temporal/connection';

export interface BenchedProduct {
  readonly db: Db;
  readonly apiBase: string;
  readonly temporal: Client;
  /** The TEMPORAL_* settings its worker reaches Temporal with (address, TLS), for the bare baseline's. */
  temporalEnv(): NodeJS.ProcessEnv;
  /** The processes whose CPU and memory are measured; none when the bench did not start them. */
  processes(): { server?: number; worker?: number; api?: number };
  /** Opens the product's payloads, to replay its histories. */
  replayConverter(): DataConverter;
  stop(): Promise<void>;
}

/**
 * A running product: its database, Temporal and payload keys as its configuration says (the same
 * environment `npm start` reads), its API at `apiBase` or the configured port. Cases opened by
 * the bench stay there.
 */
export class RunningProduct implements BenchedProduct {
  private constructor(
    readonly db: Db,
    readonly apiBase: string,
    readonly temporal: Client,
    private readonly config: Config,
  ) {}

  static async connect(apiBase: string | undefined): Promise<RunningProduct> {
    const config = loadConfig();
    const api = apiBase ?? `http://127.0.0.1:${config.api.port}`;
    const ready = await fetch(`${api}/readyz`).catch(() => null);
    if (!ready?.ok) {
      throw new Error(
        `--running: the API at ${api} is not ready (${ready ? `HTTP ${ready.status}` : 'no answer'}); ` +
          'start the product (npm start) or name its API with --api <url>',
      );
    }
    return new RunningProduct(createDb(config.databaseUrl), api, await connectClient(config.temporal), config);
  }

  temporalEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('TEMPORAL_')));
  }

  processes(): Record<string, never> {
    return {};
  }

  replayConverter(): DataConverter {
    return temporalDataConverter(this.config.temporal, 'mark');
  }

  async stop(): Promise<void> {
    await this.temporal.connection.close();
    await this.db.$disconnect();
  }
}
