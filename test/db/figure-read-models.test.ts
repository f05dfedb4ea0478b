/**
 * The figures' read models (regulatory deadlines, assignments) come two ways: the read-model sync
 * writes them as each event arrives, and the migration that brought them in backfilled them from
 * the audit log. Both must read the same story the same way, on SQLite and on PostgreSQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { figureFactWrites } from '../../activities/cases';
import { seed } from '../../prisma/seed';
import { providerOf, type Db } from '../../src/db/client';
import { ROOT } from '../../src/db/target';
import type { TimelineEvent } from '../../workflows/dispute/messages';
import { testOnBothDatabases } from '../helpers/db';
import { janeCaseRow } from '../helpers/read-model';

const CASE_ID = 'DSP-READ-MODELS';
const at = (time: string) => `2026-11-${time}:00.000Z`;
const clocks = [
  { id: 'reg-e:provisional-credit', label: 'credit', deadline: at('30T10:00') },
  { id: 'reg-e:resolution', label: 'resolution', deadline: '2027-01-04T10:00:00.000Z' },
];
/** A case's story: agent 1 acts on their assignment, agent 2's passes to agent 3 before they act, a deadline passes. */
const STORY: Omit<TimelineEvent, 'seq'>[] = [
  { type: 'opened', actor: 'intake-agent-1', at: at('20T10:00'), data: {} },
  { type: 'regulatory_clocks_started', actor: 'system:regulation', at: at('20T10:00'), data: { clocks } },
  { type: 'assigned', actor: 'fraud-supervisor', at: at('20T11:00'), data: { from: null, to: 'fraud-agent-1' } },
  { type: 'note', actor: 'fraud-agent-1', at: at('20T15:30'), data: { text: 'called' } },
  {
    type: 'assigned',
    actor: 'fraud-supervisor',
    at: at('21T09:00'),
    data: { from: 'fraud-agent-1', to: 'fraud-agent-2' },
  },
  {
    type: 'assigned',
    actor: 'fraud-supervisor',
    at: at('22T09:00'),
    data: { from: 'fraud-agent-2', to: 'fraud-agent-3' },
  },
  { type: 'note', actor: 'fraud-agent-2', at: at('22T10:00'), data: { text: 'too late' } },
  { type: 'note', actor: 'fraud-agent-3', at: at('23T09:00'), data: { text: 'on it' } },
  { type: 'regulatory_deadline_passed', actor: 'system:regulation', at: at('30T10:00'), data: { clock: clocks[0].id } },
];

async function readModels(db: Db) {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    deadlines: (await db.regulatoryDeadline.findMany({ orderBy: { rule: 'asc' } })).map((d) => [
      d.rule,
      iso(d.dueAt),
      iso(d.passedAt),
    ]),
    assignments: (await db.caseAssignment.findMany({ orderBy: { assignedAt: 'asc' } })).map((a) => [
      a.agentId,
      iso(a.assignedAt),
      iso(a.actedAt),
      iso(a.passedAt),
    ]),
  };
}

/** The migration's backfill statements, for this database. */
function backfill(db: Db): string[] {
  const dir = path.join(ROOT, 'prisma', ...(providerOf(db) === 'postgresql' ? ['postgres'] : []), 'migrations');
  const folder = readdirSync(dir).find((name) => name.endsWith('_figure_read_models'))!;
  const sql = readFileSync(path.join(dir, folder, 'migration.sql'), 'utf8');
  return sql
    .slice(sql.indexOf('-- Backfill'))
    .split(/;\s*\n/)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

testOnBothDatabases(async (db) => {
  await seed(db, { customers: 2 });
  await janeCaseRow(db, CASE_ID, { stage: 'investigation', departmentId: 'fraud' });
  const events = STORY.map((e, i) => ({ ...e, seq: i + 1 }) as TimelineEvent);
  for (const e of events) {
    await db.caseEvent.create({
      data: {
        caseId: CASE_ID,
        eventKey: String(e.seq),
        type: e.type,
        actor: e.actor,
        at: new Date(e.at),
        data: JSON.stringify(e.data),
      },
    });
  }
  for (const statement of backfill(db)) await db.$executeRawUnsafe(statement);
  const backfilled = await readModels(db);

  await db.regulatoryDeadline.deleteMany();
  await db.caseAssignment.deleteMany();
  for (const e of events) await db.$transaction(figureFactWrites(db, CASE_ID, e));
  for (const e of events) await db.$transaction(figureFactWrites(db, CASE_ID, e)); // every write retried
  const synced = await readModels(db);

  expect(synced).toEqual({
    deadlines: [
      [clocks[0].id, clocks[0].deadline, at('30T10:00')],
      [clocks[1].id, clocks[1].deadline, null],
    ],
    assignments: [
      ['fraud-agent-1', at('20T11:00'), at('20T15:30'), null],
      ['fraud-agent-2', at('21T09:00'), null, at('22T09:00')],
      ['fraud-agent-3', at('22T09:00'), at('23T09:00'), null],
    ],
  });
  expect(backfilled).toEqual(synced);
});
