import { msLeft } from '../../../../nodes/Veo/helpers/deadline';
import { downloadDeadline, downloadsDeadline, TRANSFER_TIMES, uploadDeadline } from '../../../../nodes/Veo/transfers/transferDeadline';

/**
 * A transfer's deadline is a moment, fixed when the item starts waiting for it: time spent queued for
 * a slot counts, so the bound of a node does not grow with its number of items.
 */
describe('transfer deadlines', () => {
	const now = 1_000_000;

	describe('a video download in poll mode (fixed when its task finished)', () => {
		it('is the end of Max Wait when that is later than the floor', () => {
			expect(downloadDeadline(now + 600_000, now)).toEqual({ at: now + 600_000, ms: 600_000 });
		});

		it('is the floor from now when Max Wait is (nearly) spent', () => {
			expect(downloadDeadline(now + 2_000, now)).toEqual({ at: now + TRANSFER_TIMES.downloadFloorMs, ms: TRANSFER_TIMES.downloadFloorMs });
			expect(downloadDeadline(now - 5_000, now).at).toBe(now + TRANSFER_TIMES.downloadFloorMs);
		});
	});

	it('Get Task and a resumed pause: one deadline for all the downloads of the run', () => {
		expect(downloadsDeadline(now)).toEqual({ at: now + 120_000, ms: 120_000 });
	});

	it("an item's uploads: its Max Wait, at least the upload floor (60 s: a 20 MB image on a 2.7 Mbit/s uplink)", () => {
		expect(TRANSFER_TIMES.uploadFloorMs).toBe(60_000);
		expect(uploadDeadline(5_000, now)).toEqual({ at: now + 60_000, ms: 60_000 });
		expect(uploadDeadline(900_000, now)).toEqual({ at: now + 900_000, ms: 900_000 });
	});

	it('what is left of a deadline is never negative', () => {
		expect(msLeft({ at: now + 300, ms: 1_000 }, now)).toBe(300);
		expect(msLeft({ at: now - 300, ms: 1_000 }, now)).toBe(0);
	});
});
