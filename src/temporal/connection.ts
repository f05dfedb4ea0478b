import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import {
  encodeSearchAttributeIndexedValueType,
  TypedSearchAttributes,
  type SearchAttributeKey,
  type SearchAttributeType,
} from '@temporalio/common/lib/search-attributes';
import type { DataConverter } from '@temporalio/common';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { CLIENT_INTERCEPTORS } from './bound-requests';
import type { Refusal } from './codec';
import { dataConverter, loadPayloadKeys } from './encryption';

/** Where Temporal is and how to reach it; `src/config.ts` reads it from the environment. */
export interface TemporalSettings {
  /** True when `npm start` runs the dev server itself. */
  embedded: boolean;
  address: string;
  namespace: string;
  taskQueue: string;
  /** Retention of a namespace `npm run temporal:setup` creates. */
  retentionDays: number;
  tls: boolean;
  tlsCertPath: string | undefined;
  tlsKeyPath: string | undefined;
  tlsCaPath: string | undefined;
  tlsServerName?: string;
  apiKey: string | undefined;
  /** Set: the worker is this version of a worker deployment (worker versioning); null: unversioned. */
  deployment?: { deploymentName: string; buildId: string } | null;
  cliPath: string | undefined;
  port: number;
  uiPort: number;
  dbFile: string;
  /** How payloads are sealed: keys given, or a key file (made beside the embedded dev server). */
  payloadKeys: { keys: string | null; file: string; generate: boolean; plaintext: 'refuse' | 'accept' };
}

/** Connection options for a dev server, a self-hosted cluster (mTLS) or Temporal Cloud (API key). */
export function connectionOptions(t: TemporalSettings) {
  const mtls = t.tlsCertPath && t.tlsKeyPath;
  const tls = mtls
    ? {
        clientCertPair: { crt: readFileSync(t.tlsCertPath!), key: readFileSync(t.tlsKeyPath!) },
        serverRootCACertificate: t.tlsCaPath ? readFileSync(t.tlsCaPath) : undefined,
        serverNameOverride: t.tlsServerName,
      }
    : t.tls || t.apiKey
      ? true
      : undefined;
  return { address: t.address, tls, apiKey: t.apiKey };
}

/** A client whose payloads are sealed with the configured keys, and whose staff actions are bound. */
export async function connectClient(t: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(t));
  return new Client({
    connection,
    namespace: t.namespace,
    dataConverter: temporalDataConverter(t),
    interceptors: CLIENT_INTERCEPTORS,
  });
}

export function temporalDataConverter(t: TemporalSettings, refusal: Refusal = 'throw'): DataConverter {
  return dataConverter(loadPayloadKeys(t.payloadKeys), t.payloadKeys.plaintext, refusal);
}

/** A search attribute's type as the Temporal CLI spells it (Keyword, Double, Bool…). */
export const cliTypeName = (key: SearchAttributeKey<SearchAttributeType>): string =>
  TypedSearchAttributes.toMetadataType(key.type);

/** Registers the case search attributes in a namespace (dev and test servers; self-hosted clusters). */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const searchAttributes = Object.fromEntries(
    CASE_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
  );
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}
