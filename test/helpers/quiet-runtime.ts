/**
 * Jest set-up for every test file: the Temporal runtime logs warnings and errors only, so a
 * passing run prints little more than Jest's summary. A test that makes activities fail on
 * purpose says so with `expectActivityFailures()`, and those failures are not printed.
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogEntry } from '@temporalio/worker';

const printer = new DefaultLogger('WARN');
let activityFailuresExpected = false;

/** Failures the test provokes itself (an SMTP outage, say) are the test's business, not noise. */
export function expectActivityFailures(): void {
  activityFailuresExpected = true;
}

function print(entry: LogEntry): void {
  if (activityFailuresExpected && entry.message === 'Activity failed') return;
  printer.log(entry.level, entry.message, entry.meta);
}

// The time-skipping test server does not advertise a capability newer servers have, and core's
// worker warns about it once per worker; nothing else of core's worker is quieter than WARN.
const coreLogs = `${makeTelemetryFilterString({ core: 'WARN' })},temporalio_sdk_core::worker=ERROR`;

Runtime.install({ logger: new DefaultLogger('WARN', print), telemetryOptions: { logging: { filter: coreLogs } } });
