/**
 * One download measurement, in a fresh process of its own (started by bench/run.ts with
 * --expose-gc): the real node runs Get Task with Download Video on one finished task of an
 * emulator that runs in ANOTHER process, so only the node's memory is measured here.
 *
 * Env: BENCH_BASE_URL, BENCH_TASK_ID, BENCH_VIDEO_SIZE (bytes). Prints one JSON line (DownloadResult).
 */
import { createHash } from 'node:crypto';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { videoSlice } from '../test/emulator/video';
import { runVeoNode } from './nodeRunner';

export interface DownloadResult {
	size: number;
	wallMs: number;
	rssBefore: number;
	/** Highest RSS sampled every SAMPLE_MS during the run. */
	rssPeak: number;
	samples: number;
	/** The process's lifetime RSS high-water mark after the run (getrusage): an upper bound of the peak. */
	maxRss: number;
	binaryMode: string;
	storedBytes: number;
	storedSha256: string;
	servedSha256: string;
	fileSizeField: string;
	error?: string;
}

const SAMPLE_MS = 10;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<DownloadResult> {
	const baseUrl = String(process.env.BENCH_BASE_URL);
	const taskId = String(process.env.BENCH_TASK_ID);
	const size = Number(process.env.BENCH_VIDEO_SIZE);
	const getTask = { operation: 'getTask', taskIds: taskId };

	// Warm-up: loads n8n-core, sets up its services and the HTTP client, so that what follows is the download alone.
	const warm = await runVeoNode(baseUrl, getTask);
	if (warm.error) throw warm.error;
	gc();
	await sleep(100);
	gc();

	const rssBefore = process.memoryUsage.rss();
	let rssPeak = rssBefore;
	let samples = 0;
	const sampler = setInterval(() => {
		rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
		samples++;
	}, SAMPLE_MS);
	const started = process.hrtime.bigint();
	// The node's Max Video Size (200 MB by default) would stop the 200 MiB video: set what this video needs.
	const maxVideoSize = Math.ceil(size / 1_000_000) + 1;
	const result = await runVeoNode(baseUrl, { ...getTask, downloadVideo: true, maxVideoSize });
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	clearInterval(sampler);
	rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
	const maxRss = process.resourceUsage().maxRSS * 1024;
	if (result.error) throw result.error;

	const binary = result.items[0]?.binary?.data;
	if (!binary?.id) throw new Error('the item has no stored binary data');
	const service = Container.get(BinaryDataService);
	const stored = createHash('sha256');
	let storedBytes = 0;
	for await (const chunk of await service.getAsStream(binary.id)) {
		stored.update(chunk as Buffer);
		storedBytes += (chunk as Buffer).length;
	}
	const served = createHash('sha256');
	for (let pos = 0; pos < size; pos += 1 << 20) served.update(videoSlice(taskId, size, pos, Math.min(pos + (1 << 20), size)));

	return {
		size,
		wallMs,
		rssBefore,
		rssPeak,
		samples,
		maxRss,
		binaryMode: binary.id.split(':')[0],
		storedBytes,
		storedSha256: stored.digest('hex'),
		servedSha256: served.digest('hex'),
		fileSizeField: String(binary.fileSize ?? ''),
	};
}

main().then(
	(result) => {
		process.stdout.write(`${JSON.stringify(result)}\n`);
		process.exit(0);
	},
	(error: Error) => {
		process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
		process.exit(1);
	},
);
