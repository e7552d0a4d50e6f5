'use strict';
/**
 * Assertions several scenarios make about a finished run: `n8n execute` succeeded, an item is a
 * succeeded video, its binary is byte for byte what the emulator served, and what the emulator saw.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { TOKEN } = require('./fixtures');

function executeOk(result, workflowId) {
	const hint = `\n--- n8n execute --id ${workflowId}: exit ${result.code} ---\n${(result.stdout + result.stderr).slice(-3000)}`;
	assert.equal(result.code, 0, `expected exit code 0${hint}`);
	assert.ok(result.run, `could not find the run JSON in the output${hint}`);
	return result.run;
}

/** The bytes n8n stored for a binary property (filesystem mode, or inline base64 data). */
function binaryBytes(instance, binary) {
	if (binary.data && binary.data !== 'filesystem-v2' && !binary.id) return Buffer.from(binary.data, 'base64');
	assert.ok(binary.id, `binary has neither data nor id: ${JSON.stringify(binary)}`);
	const rel = binary.id.replace(/^filesystem(-v2)?:/, '');
	const candidates = [
		path.join(instance.userFolder, '.n8n', 'binaryData', rel),
		path.join(instance.userFolder, '.n8n', 'storage', rel),
	];
	const file = candidates.find((f) => fs.existsSync(f));
	assert.ok(file, `stored binary file not found for id ${binary.id}; looked at:\n${candidates.join('\n')}`);
	return fs.readFileSync(file);
}

function checkVideoBinary(instance, emu, item, taskId) {
	const binary = item.binary?.data;
	assert.ok(binary, `item has no binary 'data': ${JSON.stringify(item).slice(0, 400)}`);
	assert.equal(binary.mimeType, 'video/mp4');
	assert.match(binary.fileName, /\.mp4$/);
	const bytes = binaryBytes(instance, binary);
	const expected = emu.videoBytes(taskId);
	assert.equal(bytes.length, expected.length, 'stored video size');
	assert.ok(bytes.equals(expected), 'stored video bytes differ from the bytes the emulator served');
	assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
}

function checkSucceeded(emu, json, expectTask) {
	assert.match(json.taskId, /^[0-9a-f-]{36}$/, 'taskId');
	assert.equal(json.state, 'succeeded');
	assert.match(json.videoId, /^[0-9a-f]{32}$/, 'videoId');
	assert.equal(json.videoUrl, emu.videoUrl(json.taskId));
	assert.ok(json.traceId, 'traceId');
	assert.ok(json.createdAt && json.completedAt, 'createdAt/completedAt');
	assert.ok(!json.error, `unexpected error: ${JSON.stringify(json.error)}`);
	assert.ok(Array.isArray(json.videos) && json.videos.length >= 1, 'videos');
	assert.ok(json.raw && typeof json.raw === 'object', 'raw');
	if (expectTask) assert.deepEqual(emu.getTask(json.taskId)?.state, 'succeeded');
}

/** Requests the emulator saw since `mark` (an index into emu.requests). */
function since(emu, mark) {
	const reqs = emu.requests.slice(mark);
	return {
		all: reqs,
		creates: reqs.filter((r) => r.path === '/veo/videos'),
		queries: reqs.filter((r) => r.path === '/veo/tasks'),
		downloads: reqs.filter((r) => r.path.startsWith('/files/')),
	};
}

function checkBearer(reqs, token = TOKEN) {
	for (const r of reqs) {
		if (r.path.startsWith('/veo/')) assert.equal(r.headers.authorization, `Bearer ${token}`, `authorization of ${r.path}`);
	}
}

module.exports = { executeOk, binaryBytes, checkVideoBinary, checkSucceeded, since, checkBearer };
