/**
 * Jest set-up for every test file: the Temporal runtime logs warnings and errors only, so a
 * passing run prints little more than Jest's summary. A test that makes activities fail on
 * purpose says so with `expectActivityFailures()`, and those failures are not printed.
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogEntry } from '@temporalio/worker';
import { TEST_SERVER_REFUSAL, TEST_SERVER_REFUSAL_NOTE } from '../../src/temporal/binaries';

const printer = new DefaultLogger('WARN');
let activityFailuresExpected = false;

/** Failures the test provokes itself (an SMTP outage, say) are the test's business, not noise. */
export function expectActivityFailures(): void {
  activityFailuresExpected = true;
}

// The time-skipping test server's known fault, TEST_SERVER_REFUSAL, is named where it happens. The
// case's wake timer was such a timer (due within milliseconds, cancelled when a risk report moved
// the next wake-up) and now rings instead (DUE_WAKE_RINGS_PATCH); other waits with a timeout, as
// the watch's, could still meet it.
function print(entry: LogEntry): void {
  if (activityFailuresExpected && entry.message === 'Activity failed') return;
  if (`${entry.message} ${JSON.stringify(entry.meta ?? {})}`.includes(TEST_SERVER_REFUSAL)) {
    printer.warn(`${TEST_SERVER_REFUSAL_NOTE} Its test times out and is retried on a fresh server.`);
  }
  printer.log(entry.level, entry.message, entry.meta);
}

// The time-skipping test server does not advertise a capability newer servers have, and core's
// worker warns about it once per worker; nothing else of core's worker is quieter than WARN, but
// what it says of completing workflow tasks (where the refusal is). Core's lines go to `print`.
const coreLogs = [
  makeTelemetryFilterString({ core: 'WARN' }),
  'temporalio_sdk_core::worker=ERROR',
  'temporalio_sdk_core::worker::workflow=WARN',
].join(',');
Runtime.install({
  logger: new DefaultLogger('WARN', print),
  telemetryOptions: { logging: { filter: coreLogs, forward: {} } },
});
