/**
 * The Temporal server's configuration for one process of the local cluster: PostgreSQL for
 * persistence and SQL visibility, membership on loopback, mTLS between the services and at the
 * frontend. Every process reads the same settings but its own ports (two history processes, say).
 */
import { stringify } from 'yaml';
import type { ClusterCerts } from './certs';

export type ClusterService = 'frontend' | 'history' | 'matching' | 'worker';

export interface ServicePorts {
  grpcPort: number;
  membershipPort: number;
  httpPort?: number;
}

export interface ClusterDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Persistence; its visibility database is `<database>_visibility`. */
  database: string;
}

export interface ServerConfigInput {
  /** This process's ports for each service (its own service's are the ones it binds). */
  ports: Record<ClusterService, ServicePorts>;
  db: ClusterDatabase;
  certs: ClusterCerts;
  dynamicConfigFile: string;
  /** Where this process serves its metrics (Prometheus). */
  metricsPort: number;
  numHistoryShards: number;
}

export const visibilityDatabase = (db: ClusterDatabase) => `${db.database}_visibility`;

/** The cluster's databases on the server (and as the role) a PostgreSQL URL names. */
export function clusterDatabase(url: string, database: string): ClusterDatabase {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database,
  };
}

export function serverConfig({
  ports,
  db,
  certs,
  dynamicConfigFile,
  metricsPort,
  numHistoryShards,
}: ServerConfigInput): string {
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${db.host}:${db.port}`,
      connectProtocol: 'tcp',
      user: db.user,
      password: db.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const mutual = {
    certFile: certs.serverCert,
    keyFile: certs.serverKey,
    requireClientAuth: true,
    clientCaFiles: [certs.ca],
  };
  const client = { serverName: 'localhost', rootCaFiles: [certs.ca] };
  const service = (p: ServicePorts) => ({ rpc: { ...p, bindOnLocalHost: true } });
  return stringify({
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards,
      datastores: {
        'postgres-default': sql(db.database, 10),
        'postgres-visibility': sql(visibilityDatabase(db), 4),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: {
        prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${metricsPort}` },
      },
      tls: {
        internode: { server: mutual, client },
        frontend: { server: mutual, client },
        // The system worker calls the frontend like any client: with a certificate the CA signed.
        systemWorker: { certFile: certs.serverCert, keyFile: certs.serverKey, client },
      },
    },
    services: {
      frontend: service(ports.frontend),
      history: service(ports.history),
      matching: service(ports.matching),
      worker: service(ports.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `localhost:${ports.frontend.grpcPort}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  });
}

/** Settings the product relies on: search attributes seen at once, and Updates. */
export const DYNAMIC_CONFIG = stringify({
  'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true }],
  'frontend.enableUpdateWorkflowExecution': [{ value: true }],
});
