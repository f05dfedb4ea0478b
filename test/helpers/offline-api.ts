/**
 * The admin API over HTTP on a free port, with no Temporal behind it: for tests of what the API
 * answers before it would reach a case (credentials, limits, validation, reads of the database).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp, type ApiDeps } from '../../src/api/app';

export interface OfflineApi {
  server: Server;
  base: string;
}

export function offlineApi(deps: Omit<ApiDeps, 'temporal' | 'taskQueue'>): OfflineApi {
  // Nothing listens there: a request that reached Temporal would fail, and none should.
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const server = createApp({ ...deps, temporal, taskQueue: 'unused' }).listen(0);
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
