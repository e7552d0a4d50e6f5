import { RefusalStreak } from '../../../../nodes/Veo/engine/refusalStreak';

describe('RefusalStreak: how long the service has refused new videos without a break', () => {
	it('counts from the first refusal of a series', () => {
		const streak = new RefusalStreak();
		expect(streak.lastedMs(5000)).toBe(0);
		expect(streak.outlastsAt(2000)).toBe(Infinity);
		streak.refused(1000);
		streak.refused(3000);
		expect(streak.lastedMs(4000)).toBe(3000);
		expect(streak.outlastsAt(2000)).toBe(3000);
	});

	it('starts again after a break (an accepted create, or a task of ours finishing)', () => {
		const streak = new RefusalStreak();
		streak.refused(1000);
		streak.broken();
		streak.refused(9000);
		expect(streak.lastedMs(10_000)).toBe(1000);
	});
});
