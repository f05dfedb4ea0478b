/**
 * Stale-if-error for credentials: during a database outage a token the database vouched for
 * lately still names its caller; an old one, a refused one, or one never seen does not.
 */
import { VerifiedCredentials } from '../../src/api/auth';
import type { Actor } from '../../workflows/domain/case';

const agent = { id: 'agent-1', role: 'agent', departmentId: 'fraud' } as Actor;

test('a credential is recalled for ten minutes after it was verified, then not', () => {
  let now = 0;
  const verified = new VerifiedCredentials(10 * 60_000, 100, () => now);
  verified.remember('pct_a', agent);
  now = 10 * 60_000;
  expect(verified.recall('pct_a')).toEqual(agent);
  now += 1;
  expect(verified.recall('pct_a')).toBeNull();
  expect(verified.recall('pct_never')).toBeNull();
});

test('a refused credential is forgotten, and the oldest go first when full', () => {
  const verified = new VerifiedCredentials(60_000, 2);
  verified.remember('pct_a', agent);
  verified.remember('pct_b', agent);
  verified.forget('pct_a');
  expect(verified.recall('pct_a')).toBeNull();
  verified.remember('pct_c', agent);
  verified.remember('pct_d', agent);
  expect([verified.recall('pct_b'), verified.recall('pct_c'), verified.recall('pct_d')]).toEqual([null, agent, agent]);
});
