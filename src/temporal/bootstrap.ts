/**
 * What the product needs of a Temporal namespace, set up the way an operator would and checked
 * at start: the namespace, with its retention, and the case search attributes. Setting up is
 * idempotent (what exists is left alone) and works through the operator API on any Temporal: the
 * dev server, a self-hosted cluster, or Temporal Cloud where the API key may do it.
 */
import type { Connection, ConnectionLike } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { DAY_MS } from '../../workflows/domain/time';
import { cliTypeName } from './connection';

export interface SetUpResult {
  namespaceCreated: boolean;
  /** The search attributes added now (the others were there). */
  added: string[];
}

const codeOf = (error: unknown) => (error as { code?: number }).code;
/** The gRPC status codes the calls below answer with (the SDK carries them on its errors). */
const status = { NOT_FOUND: 5, ALREADY_EXISTS: 6 } as const;

/** Creates the namespace (with `retentionDays`) if it is missing and adds the search attributes it lacks. */
export async function setUpNamespace(
  connection: Connection,
  namespace: string,
  retentionDays: number,
): Promise<SetUpResult> {
  let namespaceCreated = false;
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (codeOf(error) !== status.NOT_FOUND) throw error;
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        description: 'Proactive Care: card-dispute cases and their attrition watches',
        workflowExecutionRetentionPeriod: msToTs(retentionDays * DAY_MS),
      });
      namespaceCreated = true;
    } catch (registering) {
      // Another setup got there first.
      if (codeOf(registering) !== status.ALREADY_EXISTS) throw registering;
    }
    await untilNamespaceServes(connection, namespace);
  }
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
      ),
    });
  }
  return { namespaceCreated, added: missing.map((key) => key.name) };
}

/** The case search attributes the namespace lacks. */
export async function missingSearchAttributes(connection: ConnectionLike, namespace: string) {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return CASE_SEARCH_ATTRIBUTES.filter((key) => !customAttributes || !(key.name in customAttributes));
}

/**
 * Fails fast, saying what to run, when the namespace or a search attribute the workflows set is
 * missing (a workflow upserting an unknown attribute fails its task).
 */
export async function assertNamespaceReady(connection: ConnectionLike, namespace: string): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (codeOf(error) !== status.NOT_FOUND) throw error;
    throw new Error(`Temporal has no namespace "${namespace}". Create it: npm run temporal:setup`, { cause: error });
  }
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length === 0) return;
  const commands = missing
    .map(
      (key) =>
        `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${cliTypeName(key)}`,
    )
    .join('\n  ');
  throw new Error(
    `Namespace "${namespace}" lacks search attributes ${missing.map((k) => k.name).join(', ')}. ` +
      `Run npm run temporal:setup, or create them:\n  ${commands}`,
  );
}

/** A new namespace is served by every frontend within seconds (its cache refreshes). */
async function untilNamespaceServes(connection: Connection, namespace: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      await connection.operatorService.listSearchAttributes({ namespace });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
