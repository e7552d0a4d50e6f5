import type { Deadline } from '../helpers/deadline';
import { deadlineIn } from '../helpers/deadline';

/**
 * How long transfers (video downloads, image uploads) may take. A deadline is a moment, fixed when
 * the item starts waiting for its transfer: time spent queued for a free slot counts. So a node whose
 * hosts all stall ends within its bound, whatever the number of items.
 */
export const TRANSFER_TIMES = {
	/** However little of Max Wait is left when a video is ready, its download gets this long: a video needs a moment to arrive. */
	downloadFloorMs: 15_000,
	/** Where no Max Wait applies (Get Task, a resumed pause), all downloads of the run together get this long. */
	downloadsDeadlineMs: 120_000,
	/**
	 * However short Max Wait is, the uploads of an item's images get this long: a 20 MB image (the
	 * largest the service takes) needs 60 s on a 2.7 Mbit/s uplink, 20 s on 8 Mbit/s.
	 */
	uploadFloorMs: 60_000,
};

/**
 * A video's download deadline in poll mode, fixed when the task finished: the end of its Max Wait,
 * but never less than the floor from now.
 */
export function downloadDeadline(maxWaitEndsAt: number, now: number = Date.now()): Deadline {
	return deadlineIn(Math.max(maxWaitEndsAt - now, TRANSFER_TIMES.downloadFloorMs), now);
}

/** The one deadline of every download of a run without a Max Wait (Get Task, a resumed pause). */
export function downloadsDeadline(now: number = Date.now()): Deadline {
	return deadlineIn(TRANSFER_TIMES.downloadsDeadlineMs, now);
}

/** The deadline of an item's image uploads, fixed when the uploads begin: its Max Wait, at least the floor. */
export function uploadDeadline(maxWaitMs: number, now: number = Date.now()): Deadline {
	return deadlineIn(Math.max(maxWaitMs, TRANSFER_TIMES.uploadFloorMs), now);
}
