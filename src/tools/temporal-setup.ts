/**
 * `npm run temporal:setup`: creates the configured namespace (`TEMPORAL_NAMESPACE`, with
 * `TEMPORAL_RETENTION_DAYS` of retention) if it is missing, and registers the case search
 * attributes it lacks, through the operator API. Run it again at will: what exists is left alone.
 */
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { setUpNamespace } from '../temporal/bootstrap';
import { connectionOptions } from '../temporal/connection';

async function main(): Promise<void> {
  const { temporal } = loadConfig();
  const connection = await Connection.connect(connectionOptions(temporal));
  try {
    const result = await setUpNamespace(connection, temporal.namespace, temporal.retentionDays);
    console.log(
      `Namespace ${temporal.namespace} at ${temporal.address}: ${result.namespaceCreated ? `created (retention ${temporal.retentionDays} days)` : 'there already'}; ` +
        (result.added.length
          ? `search attributes added: ${result.added.join(', ')}.`
          : 'every search attribute there.'),
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`temporal:setup failed: ${(error as Error).message}`);
  process.exit(1);
});
