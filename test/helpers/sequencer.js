/**
 * Jest's own order (slowest first, from the last run), with the cluster tests last: they wait
 * for the Temporal server's first build, which the run starts in the background as it begins, so
 * on a new machine the other files run meanwhile instead of the workers idling on it.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- Jest requires this file as it is, untransformed (CommonJS). */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const CLUSTER_TESTS = `${path.sep}test${path.sep}cluster${path.sep}`;

class ClusterTestsLast extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    const last = (test) => test.path.includes(CLUSTER_TESTS);
    return [...ordered.filter((test) => !last(test)), ...ordered.filter(last)];
  }
}

module.exports = ClusterTestsLast;
