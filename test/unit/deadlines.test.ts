/**
 * Whether a failed call to Temporal may have reached it decides between 503 (it cannot have: ask
 * again) and 202 (it may have: ask again with the same key to learn the outcome).
 */
import { mayHaveArrived } from '../../src/api/deadlines';

const failure = (details: string) =>
  Object.assign(new Error('wrapped'), { cause: Object.assign(new Error(details), { details }) });

test.each([
  ['a deadline on a call under way', 'Deadline exceeded after 5.002s,LB pick: 0.001s,remote_addr=127.0.0.1:7233', true],
  ['a connection dropped mid-call', 'Connection dropped', true],
  ['no connection to send on', 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:7233', false],
  ['a deadline before any connection', 'Deadline exceeded after 4.999s,waiting for LB pick', false],
  ['a deadline before the call left', 'Deadline exceeded after 0.000s,waiting for metadata filters', false],
])('%s: %s', (_what, details, arrived) => {
  expect(mayHaveArrived(failure(details))).toBe(arrived);
});
