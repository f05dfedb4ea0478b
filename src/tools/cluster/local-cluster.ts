/**
 * A real Temporal cluster on this machine: the server built from its Go module, on the local
 * PostgreSQL (persistence and SQL visibility), its services as separate processes on loopback:
 * a frontend, two history instances, matching and the system worker, with mTLS between them and
 * at the frontend. Faults are the tests' to inject: any one process can be killed and started again.
 */
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { freePort, waitForPort } from '../../ports';
import { setUpNamespace } from '../../temporal/bootstrap';
import { childEnded, spawnChild, stopChild } from '../../processes';
import type { ExternalTemporal } from '../process-stack';
import { clusterCerts, type ClusterCerts } from './certs';
import { serverBinaries, type ServerBinaries } from './server-binaries';
import {
  DYNAMIC_CONFIG,
  serverConfig,
  visibilityDatabase,
  type ClusterDatabase,
  type ClusterService,
  type ServicePorts,
} from './server-config';

/** One process of the cluster: its service, and its name among its kind (`history-2`). */
export interface ClusterProcess {
  name: string;
  service: ClusterService;
  ports: ServicePorts;
  child: ChildProcess | null;
}

export interface LocalClusterOptions {
  /** Certificates, configuration and logs go here. */
  dir: string;
  /** A PostgreSQL role that may create databases; the cluster's are `<database>` and `<database>_visibility`. */
  db: ClusterDatabase;
  historyInstances?: number;
  numHistoryShards?: number;
  /** A namespace set up, as `npm run temporal:setup` would, once the cluster answers. */
  namespace?: { name: string; retentionDays: number };
}

const HISTORY_SHARDS = 4;

export class LocalCluster {
  private discarded: Promise<void> | undefined;

  private constructor(
    private readonly options: LocalClusterOptions,
    readonly binaries: ServerBinaries,
    readonly certs: ClusterCerts,
    readonly processes: ClusterProcess[],
    private readonly configs: Map<string, string>,
  ) {}

  /** Builds (once), creates the databases and schemas, and starts every process; resolves once the frontend answers. */
  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const binaries = await serverBinaries();
    const certs = clusterCerts(path.join(options.dir, 'certs'));
    await setUpDatabases(binaries, options.db);
    const ports = async (http = false): Promise<ServicePorts> => ({
      grpcPort: await freePort(),
      membershipPort: await freePort(),
      ...(http ? { httpPort: await freePort() } : {}),
    });
    const processes: ClusterProcess[] = [
      { name: 'frontend', service: 'frontend', ports: await ports(true), child: null },
      ...(await Promise.all(
        Array.from({ length: options.historyInstances ?? 2 }, async (_, i) => ({
          name: `history-${i + 1}`,
          service: 'history' as const,
          ports: await ports(),
          child: null,
        })),
      )),
      { name: 'matching', service: 'matching', ports: await ports(), child: null },
      { name: 'worker', service: 'worker', ports: await ports(), child: null },
    ];
    const first = (service: ClusterService) => processes.find((p) => p.service === service)!.ports;
    const dynamicConfigFile = path.join(options.dir, 'dynamic-config.yaml');
    mkdirSync(path.join(options.dir, 'logs'), { recursive: true });
    writeFileSync(dynamicConfigFile, DYNAMIC_CONFIG);
    const configs = new Map<string, string>();
    for (const p of processes) {
      const file = path.join(options.dir, `${p.name}.yaml`);
      writeFileSync(
        file,
        serverConfig({
          ports: {
            frontend: first('frontend'),
            history: first('history'),
            matching: first('matching'),
            worker: first('worker'),
            [p.service]: p.ports,
          },
          db: options.db,
          certs,
          dynamicConfigFile,
          metricsPort: await freePort(),
          numHistoryShards: options.numHistoryShards ?? HISTORY_SHARDS,
        }),
      );
      configs.set(p.name, file);
    }
    const cluster = new LocalCluster(options, binaries, certs, processes, configs);
    try {
      // The first process on a new database writes the cluster's metadata; several starting at once
      // race to insert that row, and the losers exit. The frontend goes first, the rest once it listens.
      const [frontend, ...rest] = processes;
      cluster.startProcess(frontend);
      await cluster.listening(frontend);
      for (const p of rest) cluster.startProcess(p);
      await cluster.ready();
      if (options.namespace) {
        const connection = await cluster.connect();
        await setUpNamespace(connection, options.namespace.name, options.namespace.retentionDays).finally(() =>
          connection.close(),
        );
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get address(): string {
    return `127.0.0.1:${this.process('frontend').ports.grpcPort}`;
  }

  /** What a client of the product needs to reach the cluster: its address and the client certificate. */
  clientEnv(): NodeJS.ProcessEnv {
    return {
      TEMPORAL_ADDRESS: this.address,
      TEMPORAL_TLS_CERT_PATH: this.certs.clientCert,
      TEMPORAL_TLS_KEY_PATH: this.certs.clientKey,
      TEMPORAL_TLS_CA_PATH: this.certs.ca,
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
    };
  }

  /**
   * The cluster as a process stack's Temporal: where its worker, API and own client connect. An
   * `owned` cluster is stopped, and its databases dropped, when the stack stops.
   */
  asTemporal({ owned = false } = {}): ExternalTemporal {
    return {
      address: this.address,
      env: this.clientEnv(),
      connection: clusterConnectionOptions(this.address, this.certs),
      ...(owned ? { stop: () => this.discard() } : {}),
    };
  }

  /** Stops every process and drops the databases; once, however often it is called. */
  discard(): Promise<void> {
    this.discarded ??= this.stop().then(() => this.dropDatabases());
    return this.discarded;
  }

  /** A connection as the product's clients make it: mTLS with the client certificate. */
  connect(): Promise<Connection> {
    return Connection.connect(clusterConnectionOptions(this.address, this.certs));
  }

  process(name: string): ClusterProcess {
    const found = this.processes.find((p) => p.name === name);
    if (!found) throw new Error(`no cluster process ${name}`);
    return found;
  }

  /** SIGKILL, as a crashed host would go. */
  async kill(name: string): Promise<void> {
    const p = this.process(name);
    if (!p.child) return;
    const ended = childEnded(p.child);
    p.child.kill('SIGKILL');
    await ended;
    p.child = null;
  }

  /** SIGTERM, as an operator stopping a service would; `restart` starts it again. */
  async halt(name: string): Promise<void> {
    const p = this.process(name);
    if (p.child) await stopChild(p.child);
    p.child = null;
  }

  async restart(name: string): Promise<void> {
    const p = this.process(name);
    if (p.child) await stopChild(p.child);
    this.startProcess(p);
    await this.listening(p);
    if (p.service === 'frontend') await this.ready();
  }

  /** Until the process listens on its port; at once, naming its log, if it exits first. */
  private async listening(p: ClusterProcess, timeoutMs = 120_000): Promise<void> {
    const outcome = await Promise.race([
      waitForPort(p.ports.grpcPort, timeoutMs).then(
        () => 'listening',
        (error: Error) => error,
      ),
      childEnded(p.child!).then(() => 'exited'),
    ]);
    if (outcome === 'exited') {
      throw new Error(`cluster process ${p.name} exited while starting; see ${this.options.dir}/logs/${p.name}.log`);
    }
    if (outcome instanceof Error) throw outcome;
  }

  /** Drops the cluster's two databases (a test's, once it stopped). */
  async dropDatabases(): Promise<void> {
    for (const database of [this.options.db.database, visibilityDatabase(this.options.db)]) {
      await sqlTool(this.binaries, this.options.db, database, 'drop-database', '--force');
    }
  }

  async stop(): Promise<void> {
    // The frontend last: the others leave the ring while it still answers.
    for (const p of [...this.processes].reverse()) {
      if (p.child) await stopChild(p.child);
      p.child = null;
    }
  }

  private startProcess(p: ClusterProcess): void {
    const log = createWriteStream(path.join(this.options.dir, 'logs', `${p.name}.log`), { flags: 'a' });
    const child = spawnChild(
      this.binaries.server,
      ['--config-file', this.configs.get(p.name)!, '--allow-no-auth', 'start', '--service', p.service],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Two streams into one file: neither may end it for the other. The file ends once both have
    // ('close'); at 'exit' a killed process's last output may still be on its way, and a write
    // after the end throws.
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.once('close', () => log.end());
    p.child = child;
  }

  /** Until the frontend answers a call over mTLS, or two minutes pass. */
  private async ready(): Promise<void> {
    const deadline = Date.now() + 120_000;
    await this.listening(this.process('frontend'));
    for (;;) {
      try {
        const connection = await this.connect();
        await connection.workflowService.getSystemInfo({});
        await connection.close();
        return;
      } catch (error) {
        const dead = this.processes.find((p) => p.child && p.child.exitCode !== null);
        if (dead) {
          throw new Error(`cluster process ${dead.name} exited; see ${this.options.dir}/logs/${dead.name}.log`, {
            cause: error,
          });
        }
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
}

export function clusterConnectionOptions(address: string, certs: ClusterCerts) {
  return {
    address,
    tls: {
      clientCertPair: { crt: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) },
      serverRootCACertificate: readFileSync(certs.ca),
      // The certificate names localhost too; a name, not an address, is what TLS verifies by.
      serverNameOverride: 'localhost',
    },
    connectTimeout: 5_000,
  };
}

const execFileAsync = promisify(execFile);

/**
 * The SQL schema tool on one of the cluster's databases. Not synchronous: the database may sit
 * behind a proxy in this very process (the chaos suite's), which must go on moving bytes.
 */
async function sqlTool(binaries: ServerBinaries, db: ClusterDatabase, database: string, ...args: string[]) {
  await execFileAsync(
    binaries.sqlTool,
    ['--pl', 'postgres12', '--ep', db.host, '-p', String(db.port), '-u', db.user, '--db', database, ...args],
    { env: { ...process.env, SQL_PASSWORD: db.password } },
  );
}

/** Creates the two databases and brings their schemas to this server version; each step is idempotent. */
async function setUpDatabases(binaries: ServerBinaries, db: ClusterDatabase): Promise<void> {
  const { postgresSchema } = binaries;
  for (const [database, schema] of [
    [db.database, 'temporal'],
    [visibilityDatabase(db), 'visibility'],
  ]) {
    const sql = (...args: string[]) => sqlTool(binaries, db, database, ...args);
    await sql('create-database');
    await sql('setup-schema', '-v', '0.0');
    await sql('update-schema', '-d', path.join(postgresSchema, schema, 'versioned'));
  }
}
