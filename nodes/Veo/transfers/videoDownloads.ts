import { RunScope } from '../helpers/runScope';
import type { Deadline } from '../helpers/deadline';
import { downloadsDeadline } from './transferDeadline';
import { TransferQueue } from './transferQueue';
import type { VeoClient, VeoNodeContext } from '../transport/veoClient';
import { cancelSignalOf, VeoRequestError } from '../transport/veoClient';
import type { ItemResults } from '../output/itemResults';
import type { DownloadJob, VideoDownload } from './videoDownload';
import { addVideoResult, downloadFor } from './videoDownload';

/** One place of the output: a finished task (its video downloading), or something else added there. */
type Entry = TaskEntry | { add: () => void };
interface TaskEntry {
	job: DownloadJob;
	/** `cut`: it ended after the run had ended. */
	download: Promise<{ download: VideoDownload | undefined; cut: boolean }>;
}

/**
 * The output of finished tasks, with their videos: the one "download up to 3 at a time, then add the
 * results in order" of every run (polling, Get Task, a resumed pause). A download starts when its task
 * is queued (polling queues each as its task finishes, while the engine still waits), within the
 * deadline fixed then; `finish` adds every entry in the order it was queued.
 *
 * A failed download that fails the node (On Error: Stop, or an error that is not the download's own)
 * ends the run at once: the other downloads are cut off, `failed` tells the engine to stop, and
 * `finish` throws that failure before anything else is added. A download cut off because the run
 * ended adds nothing: that is the business of whatever ended it.
 */
export class VideoDownloads {
	private readonly queue = new TransferQueue();

	private readonly entries: Entry[] = [];

	private decisive: TaskEntry | undefined;

	constructor(
		private readonly ctx: VeoNodeContext,
		private readonly client: VeoClient,
		private readonly results: ItemResults,
		private readonly run: RunScope,
	) {}

	/** Queues a finished task: its video (if asked for) downloads as soon as a slot is free, by `deadline`. */
	task(job: DownloadJob, deadline: Deadline): void {
		const { ctx, client, results, run } = this;
		const entry: TaskEntry = {
			job,
			download: this.queue
				.run(async () => await downloadFor(ctx, client, job.output, job.settings, deadline, run.signal))
				.then((download) => {
					const cut = run.ended;
					// Its addVideoResult would throw: On Error: Stop, or not the download's own error (a stop).
					const failsTheNode = download?.ok === false && (results.failureStops || !(download.error instanceof VeoRequestError));
					if (failsTheNode && !cut && !this.decisive) {
						this.decisive = entry;
						run.end();
					}
					return { download, cut };
				}),
		};
		this.entries.push(entry);
	}

	/** Something else in this place of the output (a task not found, a failed task). */
	other(add: () => void): void {
		this.entries.push({ add });
	}

	/** A download failed and ended the run. */
	get failed(): boolean {
		return this.decisive !== undefined;
	}

	/** Waits for every download, then adds every entry in order; throws the failure that ended the run. */
	async finish(): Promise<void> {
		await this.allEnded();
		// It fails the node: nothing else is added.
		if (this.decisive) await this.addTask(this.decisive);
		for (const entry of this.entries) {
			if (!('job' in entry)) entry.add();
			else if (entry !== this.decisive) await this.addTask(entry);
		}
	}

	private async addTask(entry: TaskEntry): Promise<void> {
		const { download, cut } = await entry.download;
		if (cut) return;
		const { itemIndex, output, settings } = entry.job;
		addVideoResult(this.ctx, this.results, itemIndex, output, settings, download);
	}

	/** Waits for every download queued so far (and any queued meanwhile) to end; adds nothing. */
	async allEnded(): Promise<void> {
		for (let waited = 0; waited < this.entries.length; ) {
			const pending = this.entries.slice(waited).flatMap((entry) => ('job' in entry ? [entry.download] : []));
			waited = this.entries.length;
			await Promise.all(pending);
		}
	}
}

/**
 * The finished tasks of a run without a Max Wait (Get Task, a resumed pause), with their videos, and
 * the other entries between them, added in the order given. All downloads share one deadline
 * (downloadsDeadline); nothing of them outlives the call.
 */
export async function addInOrder(
	ctx: VeoNodeContext,
	client: VeoClient,
	results: ItemResults,
	entries: Array<DownloadJob | (() => void)>,
): Promise<void> {
	const run = new RunScope(cancelSignalOf(ctx));
	const downloads = new VideoDownloads(ctx, client, results, run);
	const deadline = downloadsDeadline();
	for (const entry of entries) {
		if (typeof entry === 'function') downloads.other(entry);
		else downloads.task(entry, deadline);
	}
	try {
		await downloads.finish();
	} finally {
		run.end();
	}
}
