const { readFileSync } = require('fs');
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Jest's order, but the files with a test that waits in real time (its title ends with "(real time)")
 * start first. On a fresh machine Jest has no timings and orders by file size: a small file holding a
 * 30 s real-time test would start last and leave the other workers idle while it runs.
 */
class RealTimeFirst extends Sequencer {
	sort(tests) {
		const sorted = super.sort(tests);
		const waits = (test) => /\(real time\)['"`]/.test(readFileSync(test.path, 'utf8'));
		return [...sorted.filter(waits), ...sorted.filter((test) => !waits(test))];
	}
}

module.exports = RealTimeFirst;
