/**
 * The dispute's carried state and its action table: a run continued by older code resumes in
 * today's form, and every staff action keeps one name from the URL to the rule.
 */
import { startClock } from '../../workflows/domain/clocks';
import { rules } from '../../workflows/domain/action-rules';
import { STAFF_ACTIONS, TIMELINE_EVENT_TYPES } from '../../workflows/dispute/messages';
import { CASE_STATE_VERSION, newCase, resumeCase, type CarriedCase } from '../../workflows/dispute/state';

const input = {
  caseId: 'DSP-1',
  customerId: 'cust-jane',
  cardId: 'card-jane-credit',
  transactionId: 'txn-1',
  amountCents: 1499,
  currency: 'USD',
  reasonCode: 'unrecognized' as const,
  departmentId: 'intake',
  openedBy: 'intake-agent-1',
};

test('a case carried by version 1 (whole timeline, clock stage in the id) resumes as today', () => {
  const today = newCase(input, new Date('2026-11-02T10:00:00Z'));
  const {
    schemaVersion: _version,
    eventSeq: _seq,
    settledCents: _settled,
    customerContacts: _contacts,
    ...rest
  } = today;
  const event = (seq: number, type: string, data: Record<string, unknown> = {}) => ({
    seq,
    type,
    actor: 'merchant-disputes-agent-1',
    at: '2026-11-02T10:00:00.000Z',
    data,
  });
  const opened = Date.parse(today.openedAt);
  const sla = startClock(
    { id: 'sla:awaiting_customer:4', kind: 'sla', label: 'Customer SLA', basis: 'business', budgetMs: 1 },
    opened,
  );
  const regZ = startClock(
    { id: 'reg-z:resolution', kind: 'regulatory', label: 'Reg Z', basis: 'calendar', budgetMs: 1 },
    opened,
  );
  const legacy = {
    ...rest,
    stage: 'investigation',
    clocks: [sla, regZ].map(({ stage: _stage, ...clock }) => clock),
    timeline: [
      event(1, 'opened'),
      event(2, 'resolved'),
      event(3, 'settled', { creditCents: 1499 }),
      event(4, 'reopened'),
      event(5, 'settled', { creditCents: -500 }),
      event(6, 'note', { text: 'still looking' }),
    ],
  } as unknown as CarriedCase;

  const resumed = resumeCase(legacy);
  expect(resumed).toMatchObject({ schemaVersion: CASE_STATE_VERSION, eventSeq: 6, settledCents: 999 });
  expect(resumed).not.toHaveProperty('timeline');
  expect(resumed.clocks.map((c) => [c.id, c.stage])).toEqual([
    ['sla:awaiting_customer:4', 'awaiting_customer'],
    ['reg-z:resolution', null],
  ]);
  expect(resumed.customerContacts).toBe(0);
  // Today's form passes through untouched.
  expect(resumeCase(resumed)).toBe(resumed);
});

test('a case carried by version 2 resumes with no customer contacts counted yet', () => {
  const { customerContacts: _contacts, ...v2 } = newCase(input, new Date('2026-11-02T10:00:00Z'));
  const resumed = resumeCase({ ...v2, schemaVersion: 2, eventSeq: 7 });
  expect(resumed).toMatchObject({ schemaVersion: CASE_STATE_VERSION, eventSeq: 7, customerContacts: 0 });
});

test('a case carried by version 4 resumes at normal priority with no outreach, still watched', () => {
  const { priority: _priority, outreach: _outreach, ...v4 } = newCase(input, new Date('2026-11-02T10:00:00Z'));
  const resumed = resumeCase({ ...v4, schemaVersion: 4, watching: true, customerContacts: 2 });
  expect(resumed).toMatchObject({
    schemaVersion: CASE_STATE_VERSION,
    priority: 'normal',
    outreach: [],
    watching: true,
    customerContacts: 2,
  });
});

test('a case carried by version 6 resumes with no chargebacks and nothing held back, its requests still remembered', () => {
  const { chargebacks: _cb, heldReversal: _held, ...v6 } = newCase(input, new Date('2026-11-02T10:00:00Z'));
  const resumed = resumeCase({
    ...v6,
    schemaVersion: 6,
    requestIds: ['req-1'],
    riskAssessedAt: '2026-11-03T00:00:00Z',
  });
  expect(resumed).toMatchObject({
    schemaVersion: CASE_STATE_VERSION,
    chargebacks: [],
    heldReversal: null,
    requestIds: ['req-1'],
    riskAssessedAt: '2026-11-03T00:00:00Z',
  });
});

test('every staff action has one name for its Update and its rule, and a URL segment of its own', () => {
  const names = Object.keys(STAFF_ACTIONS) as (keyof typeof STAFF_ACTIONS)[];
  for (const name of names) {
    expect(STAFF_ACTIONS[name].update.name).toBe(name);
    expect(typeof rules[name]).toBe('function');
    for (const type of STAFF_ACTIONS[name].records) expect(TIMELINE_EVENT_TYPES).toContain(type);
  }
  expect(Object.keys(rules).sort()).toEqual([...names].sort());
  expect(new Set(names.map((name) => STAFF_ACTIONS[name].path)).size).toBe(names.length);
});
