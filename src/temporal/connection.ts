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
  tls: boolean;
  tlsCertPath: string | undefined;
  tlsKeyPath: string | undefined;
  tlsCaPath: string | undefined;
  apiKey: string | undefined;
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

/**
 * Fails fast, with the command that fixes it, when the namespace lacks the search attributes
 * the dispute workflow sets (a workflow upserting an unknown attribute fails its task).
 */
export async function assertSearchAttributes(client: Client, namespace: string): Promise<void> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = CASE_SEARCH_ATTRIBUTES.filter((key) => !customAttributes || !(key.name in customAttributes));
  if (missing.length === 0) return;
  const commands = missing
    .map(
      (key) =>
        `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${cliTypeName(key)}`,
    )
    .join('\n  ');
  throw new Error(
    `Namespace "${namespace}" lacks search attributes ${missing.map((k) => k.name).join(', ')}. Create them:\n  ${commands}`,
  );
}

/** Registers the case search attributes in a namespace (dev and test servers; self-hosted clusters). */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const searchAttributes = Object.fromEntries(
    CASE_SEARCH_ATTRIBUTES.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
  );
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}
