/**
 * The API and the worker write one SQLite file from two processes. A transaction that reads
 * before it writes (an upsert does) must not be refused because the other one committed in
 * between: SQLite cannot move a deferred transaction's read snapshot forward to write, and
 * answers SQLITE_BUSY at once, without waiting, which the outage breaker then takes for a
 * database that is down. Seen as a read model lagging seconds behind an assign under load.
 */
import { createDb } from '../../src/db/client';
import { migratedSqlite } from '../helpers/db';

test('a transaction that read first is not refused because another connection writes meanwhile', async () => {
  const { url, db: worker } = migratedSqlite();
  const api = createDb(url);
  try {
    await worker.department.create({ data: { id: 'dept-a', name: 'A' } });
    await worker.$transaction(async (tx) => {
      await tx.department.findMany();
      // The other process writes while this transaction is open. Here, in the same process, it
      // cannot wait for the lock the transaction holds and gives up after the busy timeout.
      await api.department.create({ data: { id: 'dept-b', name: 'B' } }).catch(() => undefined);
      await tx.department.update({ where: { id: 'dept-a' }, data: { name: 'A, renamed' } });
    });
    expect((await worker.department.findUniqueOrThrow({ where: { id: 'dept-a' } })).name).toBe('A, renamed');
  } finally {
    await api.$disconnect();
    await worker.$disconnect();
  }
});
