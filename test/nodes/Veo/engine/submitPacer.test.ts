import { SUBMIT_FLOOR_MS, SubmitPacer } from '../../../../nodes/Veo/engine/submitPacer';

describe('SubmitPacer: learning the service limits from its 429 answers', () => {
	it('submits at once while nothing was refused', () => {
		const pacer = new SubmitPacer();
		expect(pacer.nextAttemptAt(0)).toBe(-Infinity);
		pacer.accepted(0);
		expect(pacer.nextAttemptAt(1)).toBe(0);
	});

	// A service 16 times faster than Ace Data Cloud (the benchmark's) announces its spacing with Retry-After.
	it.each([
		[125, 125],
		[2000, undefined],
	])('learns a %i ms submission spacing to within 5%%, with a handful of refusals (Retry-After %s)', (trueGapMs, retryAfterMs) => {
		const pacer = new SubmitPacer(Infinity, () => 0.5);
		let now = 0;
		let lastAccepted = -Infinity;
		let refusals = 0;
		const accepted: number[] = [];
		while (accepted.length < 20) {
			now = Math.max(now, pacer.nextAttemptAt(0));
			if (now - lastAccepted >= trueGapMs) {
				pacer.accepted(now);
				lastAccepted = now;
				accepted.push(now);
			} else {
				pacer.refused(now, 0, retryAfterMs);
				refusals++;
			}
			now += 1;
		}
		const lastGaps = accepted.slice(-5).map((at, index, all) => (index ? at - all[index - 1] : trueGapMs));
		expect(Math.max(...lastGaps)).toBeLessThanOrEqual(trueGapMs * 1.05 + 1);
		expect(refusals).toBeLessThan(14);
	});

	it('takes a refusal despite respected spacing as the concurrency limit, and waits for a task to finish', () => {
		const pacer = new SubmitPacer();
		pacer.accepted(0);
		pacer.refused(100, 1);
		pacer.accepted(2000);
		pacer.accepted(4000);
		pacer.refused(6000, 3);
		expect(pacer.cap).toBe(3);
		expect(pacer.nextAttemptAt(3)).toBe(Infinity);
		// once a task finished, the next try waits out the floor since the refusal, no more
		expect(pacer.nextAttemptAt(2)).toBe(6000 + SUBMIT_FLOOR_MS);
	});

	it('learns nothing from a refusal that either limit could explain, and retries at the known-good spacing', () => {
		const pacer = new SubmitPacer();
		const retryAfterMs = 100;
		pacer.accepted(0, 0);
		pacer.refused(1, 1, retryAfterMs);
		pacer.accepted(300, 1);
		// A shorter spacing is tried with 2 tasks in the making, more than ever accepted
		const trial = pacer.nextAttemptAt(2);
		expect(trial).toBeLessThan(600);
		pacer.refused(trial, 2, retryAfterMs);
		expect(pacer.nextAttemptAt(2)).toBe(600);
		// refused again at the known-good spacing: that is the slots
		pacer.refused(600, 2, retryAfterMs);
		expect(pacer.cap).toBe(2);
	});

	it('concludes concurrency after refusals for longer than any rate limit needs', () => {
		const pacer = new SubmitPacer();
		pacer.accepted(0);
		let now = 1;
		for (let refusal = 0; refusal < 7 && pacer.cap === Infinity; refusal++) {
			pacer.refused(now, 1);
			now = pacer.nextAttemptAt(1);
		}
		expect(pacer.cap).toBe(1);
		expect(now).toBe(Infinity);
	});

	it('asks again exactly one floor after a refusal that came sooner than the service\'s spacing (no jitter: that is the rate)', () => {
		const pacer = new SubmitPacer(Infinity, () => 0.9);
		pacer.accepted(0, 0);
		pacer.refused(10, 1, 500);
		expect(pacer.nextAttemptAt(1)).toBe(510);
	});

	it('honours Retry-After', () => {
		const pacer = new SubmitPacer(Infinity, () => 0);
		pacer.refused(1000, 0, 5000);
		expect(pacer.nextAttemptAt(0)).toBe(6000);
	});

	describe('while work it cannot see holds the slots (no task of ours is running)', () => {
		const pausesAfterRefusals = (random: () => number) => {
			const pacer = new SubmitPacer(Infinity, random);
			let now = 0;
			const pauses: number[] = [];
			for (let refusal = 0; refusal < 8; refusal++) {
				pacer.refused(now, 0);
				const next = pacer.nextAttemptAt(0);
				pauses.push(next - now);
				now = next;
			}
			return pauses;
		};

		it('backs off from the floor, doubling, with jitter between one and two steps', () => {
			expect(pausesAfterRefusals(() => 0.5)).toEqual([3000, 6000, 12_000, 22_500, 22_500, 22_500, 22_500, 22_500]);
		});

		it('never faster than the floor, never slower than 30 s', () => {
			expect(pausesAfterRefusals(() => 0)).toEqual([2000, 4000, 8000, 15_000, 15_000, 15_000, 15_000, 15_000]);
			expect(Math.max(...pausesAfterRefusals(() => 0.999_999))).toBe(30_000);
		});
	});

	it('never asks sooner than the floor after a refusal, even once it knows a short submit spacing', () => {
		const pacer = new SubmitPacer(Infinity, () => 0);
		pacer.accepted(0);
		pacer.refused(10, 0, 125);
		pacer.accepted(150);
		// learned: 150 ms works. Now the slots are held by other executions, none of ours is running.
		let now = 60_000;
		for (let refusal = 0; refusal < 20; refusal++) {
			pacer.refused(now, 0);
			const next = pacer.nextAttemptAt(0);
			expect(next - now).toBeGreaterThanOrEqual(SUBMIT_FLOOR_MS);
			now = next;
		}
	});

	it('never goes past the user cap, and forgets a learned cap after a quiet while (others may have left)', () => {
		expect(new SubmitPacer(2).nextAttemptAt(2)).toBe(Infinity);
		const pacer = new SubmitPacer();
		pacer.accepted(0);
		pacer.refused(10, 1);
		pacer.accepted(2000);
		pacer.refused(4000, 2);
		expect(pacer.cap).toBe(2);
		pacer.finished(10_000);
		expect(pacer.cap).toBe(2);
		pacer.finished(40_000);
		expect(pacer.cap).toBe(Infinity);
	});
});
