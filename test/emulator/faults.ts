import type { Fault, FaultKind, FaultPath } from './types';

const KINDS_BY_PATH: Record<FaultPath, readonly FaultKind[]> = {
	'/veo/videos': ['status', 'drop-before', 'drop-after-create', 'late-create', 'raw', 'delay', 'stall', 'trickle', 'endless'],
	'/veo/tasks': ['status', 'drop-before', 'raw', 'delay', 'stall', 'trickle', 'endless'],
	download: ['status', 'drop-before', 'raw', 'delay', 'truncate', 'stall', 'trickle', 'endless', 'gzip-bomb'],
};

interface Queued {
	fault: Fault;
	remaining: number;
}

/** Faults wait per path, first in first out; each request on that path uses up one. */
export class FaultQueue {
	private readonly queues = new Map<FaultPath, Queued[]>();

	add(fault: Fault): void {
		const allowed = KINDS_BY_PATH[fault.path];
		if (!allowed) throw new TypeError(`unknown fault path: ${String(fault.path)}`);
		// A misspelt fault would silently never fire and the test would pass for the wrong reason.
		if (!allowed.includes(fault.kind)) throw new TypeError(`fault kind '${fault.kind}' does not apply to ${fault.path}`);
		const count = fault.count ?? 1;
		if (!Number.isInteger(count) || count < 1) throw new TypeError('fault count must be a positive integer');
		const queue = this.queues.get(fault.path) ?? [];
		queue.push({ fault: { ...fault }, remaining: count });
		this.queues.set(fault.path, queue);
	}

	/** The first fault waiting on `path` that applies to `taskId` (a fault without a task applies to all). */
	take(path: FaultPath, taskId?: string): Fault | undefined {
		const queue = this.queues.get(path);
		const index = queue?.findIndex(({ fault }) => fault.taskId === undefined || fault.taskId === taskId) ?? -1;
		if (!queue || index < 0) return undefined;
		const head = queue[index];
		head.remaining -= 1;
		if (head.remaining === 0) queue.splice(index, 1);
		return head.fault;
	}

	/** Faults not used yet, handy to assert that a test really reached them. */
	pending(): Fault[] {
		const left: Fault[] = [];
		for (const queue of this.queues.values()) {
			for (const { fault, remaining } of queue) left.push({ ...fault, count: remaining });
		}
		return left;
	}

	clear(): void {
		this.queues.clear();
	}
}
