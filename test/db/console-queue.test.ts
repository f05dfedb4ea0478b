/**
 * The console's urgency order on SQLite and PostgreSQL: high priority, then a breached SLA, then
 * the soonest deadline with cases that have none last, then value. "Next case" tries a case
 * assigned since its row was written (a keyed assign newer than the row) after the others.
 */
import { caseActivities, type CaseSnapshot } from '../../activities/cases';
import { caseSnapshot, janeCaseRow } from '../helpers/read-model';
import { nextCases, loadQueue } from '../../src/api/console/queue';
import { seed } from '../../prisma/seed';
import type { Db } from '../../src/db/client';
import type { Actor } from '../../workflows/domain/case';
import { testOnBothDatabases } from '../helpers/db';

const AGENT: Actor = {
  id: 'merchant-disputes-agent-1',
  role: 'agent',
  departmentId: 'merchant-disputes',
  authorityLimitCents: 50_000,
};

/** The cases, least urgent first, each written by the workflow's own read-model activity. */
const CASES = [
  { id: 'Q-NO-CLOCK', nextDeadlineAt: null, amountCents: 90_000 },
  { id: 'Q-LATER', nextDeadlineAt: '2026-12-20T10:00:00.000Z', amountCents: 90_000 },
  { id: 'Q-SOON-SMALL', nextDeadlineAt: '2026-12-05T10:00:00.000Z', amountCents: 1_000 },
  { id: 'Q-SOON-LARGE', nextDeadlineAt: '2026-12-05T10:00:00.000Z', amountCents: 5_000 },
  { id: 'Q-BREACHED', nextDeadlineAt: null, amountCents: 500, slaBreached: true },
  { id: 'Q-HIGH-RISK', nextDeadlineAt: '2027-01-30T10:00:00.000Z', amountCents: 100, priority: 'high' as const },
];

/** Writes a case's row as the workflow's read-model activity does. */
async function syncCase(db: Db, caseId: string, state: Partial<CaseSnapshot>): Promise<void> {
  const snapshot = caseSnapshot('investigation', state);
  await caseActivities({ db }).syncCase({ caseId, version: 2, snapshot, events: [] });
}

async function withQueue(db: Db): Promise<void> {
  await seed(db, { customers: 2 });
  for (const { id, amountCents, ...state } of CASES) {
    await janeCaseRow(db, id, { amountCents });
    await syncCase(db, id, state);
  }
}

describe('the urgency order', () => {
  testOnBothDatabases(async (db) => {
    await withQueue(db);
    const mostUrgentFirst = CASES.map((c) => c.id).reverse();
    const { waiting } = await loadQueue(db, AGENT, {});
    expect(waiting.map((c) => c.id)).toEqual(mostUrgentFirst);
    expect((await nextCases(db, AGENT, 3)).map((c) => c.id)).toEqual(mostUrgentFirst.slice(0, 3));
  });
});

describe('next case with a read model behind an assign', () => {
  testOnBothDatabases(async (db) => {
    await withQueue(db);
    // A colleague took the most urgent case; its row has not been written since.
    const row = await db.case.findUniqueOrThrow({ where: { id: 'Q-HIGH-RISK' } });
    const assign = { idempotencyKey: 'taken-by-colleague', caseId: row.id, action: 'assign', fingerprint: 'x' };
    await db.actionRequest.create({ data: { ...assign, createdAt: row.updatedAt } });
    expect((await nextCases(db, AGENT, 3)).map((c) => c.id)).toEqual(['Q-BREACHED', 'Q-SOON-LARGE', 'Q-HIGH-RISK']);
    // An assign older than the row is in it already: it says nothing about the case.
    await db.actionRequest.update({
      where: { idempotencyKey: assign.idempotencyKey },
      data: { createdAt: new Date(row.updatedAt.getTime() - 60_000) },
    });
    expect((await nextCases(db, AGENT, 3)).map((c) => c.id)).toEqual(['Q-HIGH-RISK', 'Q-BREACHED', 'Q-SOON-LARGE']);
  });
});
