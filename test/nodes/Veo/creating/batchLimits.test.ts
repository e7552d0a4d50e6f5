/**
 * The guard of issue 4 at small N: the real node in n8n's engine, over real HTTP, against the
 * emulator with the service's kinds of limits (videos in flight, submits per second) scaled down so
 * that a run takes seconds. `npm run bench` measures the same at N = 1..50 (docs/performance.md).
 *
 * Bounds are ratios to the limit L (bench/idealSchedule.ts) and counts from the emulator's request
 * log, never absolute times, so that a busy CI machine does not make them flaky.
 */
import type { BatchStats } from '../../../../bench/batchStats';
import { allowanceAtMax, batchStats, IDS_PER_QUERY } from '../../../../bench/batchStats';
import { idealFinishMs } from '../../../../bench/idealSchedule';
import type { VeoEmulatorOptions } from '../../../emulator/VeoEmulator';
import { runVeo, TOKEN, useEmulator } from '../fixture';

const POLL_INTERVAL_S = 1;
/** Issue 4: wall ≤ 1.10 · L + one poll interval. */
const SLACK = 1.1;
/**
 * Regular rounds come once per Poll Interval; the engine adds looks timed for a task that is due,
 * never within 1 s of the previous round (nodes/Veo/helpers/videoBatch.ts, MIN_POLL_GAP_MS). By the
 * emulator's arrival stamps, on a loaded machine, that is more than this.
 */
const MIN_ROUND_GAP_MS = 750;
/** Timed looks a task may cost on top of the regular rounds (videoBatch.ts, MAX_PREDICTED_QUERIES). */
const LOOKS_PER_TASK = 2;
/**
 * Learning the limits costs free 429s: a few while the pacer narrows the submit spacing, one when
 * it meets the slot limit, one per re-probe of the slots. Measured: 3 to 7 for these runs. Beyond
 * this, something is retrying refusals in a loop.
 */
const EXTRA_REFUSALS = 8;
/**
 * A task must be seen within one poll interval of finishing. The margin covers timers firing late
 * and the request's own time on a loaded 2-core CI machine; a lost round would cost a whole second.
 */
const SEEN_TOLERANCE_MS = 250;

interface Case {
	name: string;
	count: number;
	limits: Required<Pick<VeoEmulatorOptions, 'maxInFlight' | 'submitsPerSecond' | 'pendingMs' | 'runningMs'>>;
}

/**
 * Task times are chosen so that the last task of each case finishes a few hundred ms before a 1 s
 * poll, whatever the machine's speed: a finish within a few ms of a poll turns into a race that
 * costs a whole poll interval when lost (seen with 2 s tasks on a loaded machine: 5.1 s against 4.85 s).
 */
const cases: Case[] = [
	// The submit rate is the limit: 4 items at 2 submits/s, all in flight at once (L = 3.25 s).
	{ name: 'rate-bound', count: 4, limits: { maxInFlight: 5, submitsPerSecond: 2, pendingMs: 500, runningMs: 1250 } },
	// Slots are the limit: 5 items through 2 slots, 3 generations of 1.75 s tasks (L = 5.25 s).
	{ name: 'slot-bound', count: 5, limits: { maxInFlight: 2, submitsPerSecond: 4, pendingMs: 500, runningMs: 1250 } },
	// No case with tasks shorter than the rounds can be: with one round a second at most (the service's
	// rate, issue 17), a 1.3 s task is seen at 2 s, whatever the predictor knows. The predictor's timed
	// looks are specified on the virtual clock (videoBatch.test.ts) with the Poll Interval above 1 s.
];

describe.each(cases)('a batch under the service limits ($name)', ({ count, limits }) => {
	// A service this much faster than Ace Data Cloud announces its submit spacing with Retry-After;
	// without one, the node waits the real service's 2 s after a refusal (nodes/Veo/helpers/submitPacer.ts).
	const emulator = useEmulator({ token: TOKEN, videoSize: 1024, retryAfterSeconds: 1 / limits.submitsPerSecond, ...limits });
	const limit = idealFinishMs(count, limits.pendingMs + limits.runningMs, limits.maxInFlight, limits.submitsPerSecond);
	const prompts = Array.from({ length: count }, (_, index) => `item ${index}`);
	let wallMs = 0;
	let stats: BatchStats;
	let createdPrompts: string[] = [];

	// One run per case; the tests below read what it did (the fixture empties the emulator before each test).
	beforeAll(async () => {
		const result = await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: POLL_INTERVAL_S } },
			{ items: prompts.map((prompt) => ({ prompt })) },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.state)).toEqual(Array(count).fill('succeeded'));
		wallMs = result.durationMs;
		stats = batchStats(emulator().requests, emulator().listTasks());
		createdPrompts = emulator().creates().map((request) => (request.body as { prompt: string }).prompt);
	});

	it('creates exactly one task per item, learning the limits from a few free 429s', () => {
		expect(stats.createsAccepted).toBe(count);
		expect([...createdPrompts].sort()).toEqual([...prompts].sort());
		expect(stats.createsFailed).toBe(0);
		expect(stats.refused).toBeLessThanOrEqual(count + EXTRA_REFUSALS);
	});

	it('polls all tasks together: ≤ ceil(pending / 50) calls a round, no busy polling, each task seen within a poll interval', () => {
		const pollMs = POLL_INTERVAL_S * 1000;
		const problems = [
			stats.roundsOverAllowance > 0 && `${stats.roundsOverAllowance} rounds made more than ceil(pending / 50) calls`,
			stats.maxCallsPerRound > allowanceAtMax(stats) && `${stats.maxCallsPerRound} calls in one round`,
			stats.maxIdsPerCall > IDS_PER_QUERY && `${stats.maxIdsPerCall} ids in one call`,
			stats.needlessIds > 0 && `${stats.needlessIds} ids asked about after they were seen finished`,
			stats.unknownIds > 0 && `${stats.unknownIds} ids asked about that were never created`,
			stats.listQueries > 0 && `${stats.listQueries} look-ups by creation time (no create answer was lost)`,
			stats.minRoundGapMs < MIN_ROUND_GAP_MS && `two rounds ${stats.minRoundGapMs} ms apart`,
			stats.unseenFinished > 0 && `${stats.unseenFinished} finished tasks never seen finished`,
			stats.maxSeenAfterFinishMs > pollMs + SEEN_TOLERANCE_MS && `a task seen ${stats.maxSeenAfterFinishMs} ms after it finished`,
			// The whole wait costs one query per Poll Interval plus a couple of timed looks per task; one item
			// at a time costs one query per item per Poll Interval.
			stats.taskQueries > Math.floor(wallMs / pollMs) + 1 + LOOKS_PER_TASK * count &&
				`${stats.taskQueries} task queries in ${wallMs} ms`,
		].filter(Boolean);
		expect(problems).toEqual([]);
	});

	it(`finishes within 1.10 × L + one poll interval (L = ${limit / 1000} s)`, () => {
		const ratio = wallMs / limit;
		const allowed = SLACK + (POLL_INTERVAL_S * 1000) / limit;
		const { rounds, ...counts } = stats;
		const verdict =
			ratio <= allowed
				? 'within'
				: `wall ${wallMs} ms = ${ratio.toFixed(3)} L > ${allowed.toFixed(3)} L; ${JSON.stringify({ ...counts, rounds: rounds.length })}`;
		expect(verdict).toBe('within');
	});
});
