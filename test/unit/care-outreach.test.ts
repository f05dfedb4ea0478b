/**
 * Care outreach's plain functions: the recommendation and deadline by customer value, the save
 * or loss of a case, and the rules that guard the outreach actions (care team only, claimed
 * first, offers within authority or approved by a different care supervisor).
 */
import { careVerdict, DEFAULT_CARE_POLICY, recommendOutreach } from '../../src/care/offer-policy';
import { rules, type ActionFacts } from '../../workflows/domain/action-rules';
import { HOUR_MS } from '../../workflows/domain/time';
import type { Actor } from '../../workflows/domain/case';
import type { Outreach } from '../../workflows/domain/care';

const AT = '2026-12-01T15:00:00.000Z';
const RESOLVE_BY = '2027-02-01T00:00:00.000Z';
const hoursTo = (dueAt: string) => (Date.parse(dueAt) - Date.parse(AT)) / HOUR_MS;

describe('the recommendation goes by the customer’s value', () => {
  test.each([
    [3_000_000, 4, { kind: 'fee_waiver', valueCents: 9_500 }],
    [1_250_000, 24, { kind: 'reward_points', valueCents: 5_000 }],
    [500_000, 24, { kind: 'reward_points', valueCents: 5_000 }],
    [499_999, 72, null],
  ])('lifetime value %i cents: due in %i hours, offer %o', (lifetimeValueCents, hours, concession) => {
    const { dueAt, recommendation } = recommendOutreach({ lifetimeValueCents, resolveBy: RESOLVE_BY, at: AT });
    expect(hoursTo(dueAt)).toBe(hours);
    expect(recommendation.concession).toEqual(concession);
    expect(recommendation.resolveBy).toBe(RESOLVE_BY);
    expect(recommendation.actions).toEqual(
      concession ? ['call_back', 'commit_resolve_by', 'offer_concession'] : ['call_back', 'commit_resolve_by'],
    );
  });

  test('without a resolve-by date there is no date to commit to', () => {
    expect(recommendOutreach({ lifetimeValueCents: 0, resolveBy: null, at: AT }).recommendation.actions).toEqual([
      'call_back',
    ]);
  });

  test('every pre-approved concession is within a care agent’s seeded authority ($100)', () => {
    for (const c of DEFAULT_CARE_POLICY.concessions) expect(c.valueCents).toBeLessThanOrEqual(10_000);
  });
});

test('a save is a customer the care team reached who stayed', () => {
  expect(careVerdict('retained', true)).toBe('saved');
  expect(careVerdict('retained', false)).toBe('retained');
  expect(careVerdict('lost', true)).toBe('lost');
  expect(careVerdict('unknown', true)).toBe('unknown');
});

describe('outreach rules', () => {
  const actor = (id: string, role: Actor['role'], departmentId: string, authorityLimitCents = 10_000): Actor => ({
    id,
    role,
    departmentId,
    authorityLimitCents,
  });
  const agent = actor('care-agent-1', 'care_agent', 'care');
  const other = actor('care-agent-2', 'care_agent', 'care');
  const supervisor = actor('care-supervisor', 'supervisor', 'care', 500_000);
  const outsider = actor('fraud-agent-1', 'agent', 'fraud', 50_000);
  const outreach = (o: Partial<Outreach> = {}): Outreach => ({
    id: 'DSP-1-care-1',
    episode: 1,
    openedAt: AT,
    dueAt: AT,
    status: 'open',
    assigneeId: null,
    recommendation: { actions: ['call_back'], resolveBy: null, concession: null },
    offerRequest: null,
    outcome: null,
    ...o,
  });
  const facts = (o: Partial<Outreach> = {}): ActionFacts => ({
    stage: 'investigation',
    departmentId: 'fraud',
    assigneeId: null,
    queue: 'agents',
    amountCents: 1499,
    reasonCode: 'unrecognized',
    transactionId: 'TXN-1',
    chargebacks: [],
    proposal: null,
    provisionalCredit: null,
    resolution: null,
    reopenUntil: null,
    outreach: [outreach(o)],
    context: null,
  });
  const outreachId = 'DSP-1-care-1';
  const waiver = { kind: 'fee_waiver' as const, valueCents: 20_000 };
  const claimed = { assigneeId: agent.id, status: 'claimed' as const };
  const pending = {
    ...claimed,
    offerRequest: {
      ...waiver,
      requestedBy: agent.id,
      reason: 'r',
      status: 'pending' as const,
      decidedBy: null,
      at: AT,
    },
  };

  test('only the care team claims, once', () => {
    expect(rules.claimOutreach(facts(), { actor: outsider, outreachId }, 0)?.code).toBe('Forbidden');
    expect(rules.claimOutreach(facts(), { actor: agent, outreachId: 'DSP-1-care-9' }, 0)).toMatchObject({
      code: 'InvalidArgument',
      field: 'outreachId',
    });
    expect(rules.claimOutreach(facts(), { actor: agent, outreachId }, 0)).toBeNull();
    expect(rules.claimOutreach(facts(claimed), { actor: other, outreachId }, 0)?.code).toBe('StageConflict');
    expect(rules.claimOutreach(facts(claimed), { actor: supervisor, outreachId }, 0)).toBeNull();
    expect(rules.claimOutreach(facts({ status: 'done' }), { actor: agent, outreachId }, 0)?.code).toBe('StageConflict');
  });

  test('the outcome is recorded by whoever claimed it; an offer needs the customer reached and the authority', () => {
    const outcome = { actor: agent, outreachId, reached: true };
    expect(rules.recordOutreachOutcome(facts(), outcome, 0)?.message).toContain('claim it first');
    expect(rules.recordOutreachOutcome(facts(claimed), { ...outcome, actor: other }, 0)?.code).toBe('Forbidden');
    expect(rules.recordOutreachOutcome(facts(claimed), outcome, 0)).toBeNull();
    const points = { kind: 'reward_points' as const, valueCents: 5_000, response: 'accepted' as const };
    expect(rules.recordOutreachOutcome(facts(claimed), { ...outcome, reached: false, offer: points }, 0)).toMatchObject(
      {
        field: 'offer',
      },
    );
    expect(rules.recordOutreachOutcome(facts(claimed), { ...outcome, offer: points }, 0)).toBeNull();
    const big = { ...waiver, response: 'declined' as const };
    expect(rules.recordOutreachOutcome(facts(claimed), { ...outcome, offer: big }, 0)?.code).toBe('Forbidden');
    const approved = { ...pending, offerRequest: { ...pending.offerRequest, status: 'approved' as const } };
    expect(rules.recordOutreachOutcome(facts(approved), { ...outcome, offer: big }, 0)).toBeNull();
    // Approval covers the offer approved, not a bigger or another one.
    const bigger = { ...big, valueCents: 30_000 };
    expect(rules.recordOutreachOutcome(facts(approved), { ...outcome, offer: bigger }, 0)?.code).toBe('Forbidden');
  });

  test('an offer is requested only above authority, and decided by a different care supervisor', () => {
    const request = { actor: agent, outreachId, concession: waiver, reason: 'fee due' };
    expect(rules.requestOffer(facts(claimed), request, 0)).toBeNull();
    expect(
      rules.requestOffer(facts(claimed), { ...request, concession: { ...waiver, valueCents: 9_000 } }, 0),
    ).toMatchObject({
      field: 'amount',
    });
    expect(rules.requestOffer(facts(pending), request, 0)?.code).toBe('StageConflict');
    expect(rules.approveOffer(facts(claimed), { actor: supervisor, outreachId }, 0)?.code).toBe('StageConflict');
    expect(rules.approveOffer(facts(pending), { actor: other, outreachId }, 0)?.code).toBe('Forbidden');
    expect(rules.approveOffer(facts(pending), { actor: supervisor, outreachId }, 0)).toBeNull();
    const selfRequested = { ...pending, offerRequest: { ...pending.offerRequest, requestedBy: supervisor.id } };
    expect(rules.approveOffer(facts(selfRequested), { actor: supervisor, outreachId }, 0)?.message).toContain(
      'four-eyes',
    );
    const lowAuthority = { ...supervisor, authorityLimitCents: 10_000 };
    expect(rules.approveOffer(facts(pending), { actor: lowAuthority, outreachId }, 0)?.code).toBe('Forbidden');
    expect(rules.rejectOffer(facts(pending), { actor: supervisor, outreachId }, 0)).toBeNull();
  });
});
