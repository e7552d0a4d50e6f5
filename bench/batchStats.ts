/**
 * Reads a VeoEmulator's request log and task list after a run and says what the node did: how many
 * paid tasks it created, how often it was refused, and how it polled (round by round). Shared by
 * the benchmark (bench/run.ts) and the jest guard (test/nodes/Veo/creating/batchLimits.test.ts).
 *
 * Times are the emulator's clock (Date.now in both), so they compare with task finish times.
 */
import type { RecordedRequest, TaskInfo } from '../test/emulator/types';

/** The service answers at most this many ids per retrieve_batch; the node must use no more calls. */
export const IDS_PER_QUERY = 50;

/**
 * A round's calls go out back to back (each after the previous answer) and ask about different ids;
 * the next round comes at least a few hundred ms later and asks about the still-pending ids again.
 * So a call starts a new round when it comes later than this after the previous call, or repeats an
 * id already asked in the current round.
 */
const SAME_ROUND_MS = 100;

export interface PollRound {
	/** Arrival of the round's first call. */
	at: number;
	calls: number;
	/** Distinct task ids asked about in the round. */
	ids: number;
	/** Tasks created before the round and not seen finished by an earlier round. */
	pending: number;
	/** ceil(pending / 50): the most calls the round may make (at least 1). */
	allowed: number;
}

export interface BatchStats {
	/** Creates that made a task: every one is a paid video. */
	createsAccepted: number;
	/** Creates answered 429 (nothing created, free). */
	refused: number;
	/** Creates answered anything else that is not 2xx. */
	createsFailed: number;
	/** Every POST /veo/tasks. */
	taskQueries: number;
	/** POST /veo/tasks without `ids` (look-ups by creation time after a lost create answer). */
	listQueries: number;
	downloads: number;
	rounds: PollRound[];
	/** The largest number of calls in one round, and that round's allowance. */
	maxCallsPerRound: number;
	/** Rounds that made more calls than ceil(pending / 50). */
	roundsOverAllowance: number;
	/** The largest number of ids in one call. */
	maxIdsPerCall: number;
	/** Ids asked about although an earlier round had already seen that task finished. */
	needlessIds: number;
	/** Ids asked about that no create had made yet (or at all). */
	unknownIds: number;
	/** The shortest time between the starts of two rounds (Infinity with fewer than 2 rounds). */
	minRoundGapMs: number;
	/** Rounds that started less than a second after the previous one (the service asks for ≤ 1 poll a second). */
	roundsUnderOneSecond: number;
	/** Per task: from its finish to the first call that saw it finished; the worst one, and the mean. */
	maxSeenAfterFinishMs: number;
	meanSeenAfterFinishMs: number;
	/** Tasks the node never saw finished. */
	unseenFinished: number;
	/** The shortest gap between two accepted creates (Infinity with fewer than 2). */
	minCreateGapMs: number;
	/** Prompts that were created more than once (each item must be exactly one task). */
	duplicatePrompts: number;
}

interface Query {
	at: number;
	/** When the emulator read the states it answered (a task finished by then was reported finished). */
	seenAt: number;
	ids: string[];
}

function taskQueries(requests: RecordedRequest[]): Query[] {
	return requests
		.filter((request) => request.path === '/veo/tasks')
		.map((request) => {
			const ids = (request.body as { ids?: unknown } | undefined)?.ids;
			return { at: request.at, seenAt: request.answeredAt ?? request.at, ids: Array.isArray(ids) ? ids.map(String) : [] };
		});
}

/** Groups the id-carrying queries into poll rounds. */
function groupRounds(queries: Query[]): Query[][] {
	const rounds: Query[][] = [];
	let asked = new Set<string>();
	let last = -Infinity;
	for (const query of [...queries].sort((a, b) => a.at - b.at)) {
		if (query.at - last > SAME_ROUND_MS || query.ids.some((id) => asked.has(id))) {
			rounds.push([]);
			asked = new Set();
		}
		rounds[rounds.length - 1].push(query);
		for (const id of query.ids) asked.add(id);
		last = query.at;
	}
	return rounds;
}

export function batchStats(requests: RecordedRequest[], tasks: TaskInfo[]): BatchStats {
	const creates = requests.filter((request) => request.path === '/veo/videos');
	const accepted = creates.filter((request) => request.taskId !== undefined);
	const queries = taskQueries(requests);
	const idQueries = queries.filter((query) => query.ids.length > 0);
	const taskById = new Map(tasks.map((task) => [task.id, task]));

	// Walk the rounds in order, tracking which tasks the node has seen finished (and when).
	const seenFinishedAt = new Map<string, number>();
	const rounds: PollRound[] = [];
	let needlessIds = 0;
	let unknownIds = 0;
	for (const round of groupRounds(idQueries)) {
		const at = round[0].at;
		const pending = tasks.filter((task) => task.createdAt <= at && !seenFinishedAt.has(task.id)).length;
		const ids = new Set(round.flatMap((query) => query.ids));
		for (const query of round) {
			for (const id of query.ids) {
				const task = taskById.get(id);
				if (!task || task.createdAt > query.at) unknownIds++;
				else if (seenFinishedAt.has(id)) needlessIds++;
			}
		}
		for (const query of round) {
			for (const id of query.ids) {
				const finishAt = taskById.get(id)?.finishAt;
				if (finishAt !== null && finishAt !== undefined && finishAt <= query.seenAt && !seenFinishedAt.has(id)) {
					seenFinishedAt.set(id, query.seenAt);
				}
			}
		}
		rounds.push({ at, calls: round.length, ids: ids.size, pending, allowed: Math.max(1, Math.ceil(pending / IDS_PER_QUERY)) });
	}

	const roundGaps = rounds.slice(1).map((round, index) => round.at - rounds[index].at);
	const finishedTasks = tasks.filter((task) => task.finishAt !== null);
	const latencies = finishedTasks
		.filter((task) => seenFinishedAt.has(task.id))
		.map((task) => (seenFinishedAt.get(task.id) as number) - (task.finishAt as number));
	const acceptedAt = accepted.map((request) => request.at).sort((a, b) => a - b);
	const prompts = tasks.map((task) => String(task.request.prompt ?? task.id));

	return {
		createsAccepted: accepted.length,
		refused: creates.filter((request) => request.status === 429).length,
		createsFailed: creates.filter(
			(request) => request.taskId === undefined && request.status !== 429 && !(request.status && request.status < 300),
		).length,
		taskQueries: queries.length,
		listQueries: queries.length - idQueries.length,
		downloads: requests.filter((request) => request.path.startsWith('/files/')).length,
		rounds,
		maxCallsPerRound: Math.max(0, ...rounds.map((round) => round.calls)),
		roundsOverAllowance: rounds.filter((round) => round.calls > round.allowed).length,
		maxIdsPerCall: Math.max(0, ...idQueries.map((query) => query.ids.length)),
		needlessIds,
		unknownIds,
		minRoundGapMs: Math.min(...roundGaps),
		roundsUnderOneSecond: roundGaps.filter((gap) => gap < 1000).length,
		maxSeenAfterFinishMs: Math.max(0, ...latencies),
		meanSeenAfterFinishMs: latencies.length ? latencies.reduce((sum, value) => sum + value, 0) / latencies.length : 0,
		unseenFinished: finishedTasks.length - latencies.length,
		minCreateGapMs: Math.min(...acceptedAt.slice(1).map((at, index) => at - acceptedAt[index])),
		duplicatePrompts: prompts.length - new Set(prompts).size,
	};
}

/** The allowance of the round that made the most calls (the smallest allowance among ties). */
export function allowanceAtMax(stats: BatchStats): number {
	const worst = stats.rounds.filter((round) => round.calls === stats.maxCallsPerRound);
	return Math.min(...worst.map((round) => round.allowed));
}
