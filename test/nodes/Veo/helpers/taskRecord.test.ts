import type { TaskRecord } from '../../../../nodes/Veo/helpers/taskRecord';
import { submittedOutput, taskOutput, taskState } from '../../../../nodes/Veo/helpers/taskRecord';

const video = { id: 'v1', video_url: 'https://cdn.example.com/t1.mp4', created_at: '2025-07-25 16:07:43' };

describe('taskState: the service record to a state', () => {
	it.each<[string, TaskRecord, string]>([
		['no response yet', { id: 't1' }, 'pending'],
		['running', { id: 't1', response: { success: true, data: [{ ...video, video_url: undefined, state: 'running' }] } }, 'processing'],
		['processing', { id: 't1', response: { success: true, data: [{ state: 'processing' }] } }, 'processing'],
		['an unknown state counts as still running', { id: 't1', response: { success: true, data: [{ state: 'queued-ish' }] } }, 'processing'],
		['succeeded with a video', { id: 't1', response: { success: true, data: [{ ...video, state: 'succeeded' }] } }, 'succeeded'],
		['success false', { id: 't1', response: { success: false, error: { code: 'CONTENT_REJECTED', message: 'no' } } }, 'failed'],
		['a cancelled video', { id: 't1', response: { success: true, data: [{ state: 'cancelled' }] } }, 'failed'],
		['succeeded but no video url', { id: 't1', response: { success: true, data: [{ id: 'v', state: 'succeeded' }] } }, 'failed'],
	])('%s', (_case, record, state) => {
		expect(taskState(record).state).toBe(state);
	});

	it('keeps the service error code and message of a failed task', () => {
		expect(taskState({ response: { success: false, error: { code: 'CONTENT_REJECTED', message: 'Rejected by moderation' } } }).error).toEqual({
			code: 'CONTENT_REJECTED',
			message: 'Rejected by moderation',
		});
	});
});

describe('taskOutput: the record to the output item', () => {
	it('fills every field of a finished task, and keeps the record under raw', () => {
		const record: TaskRecord = {
			id: 't1',
			trace_id: 'tr1',
			created_at: 1753435158.5,
			finished_at: 1753435300,
			request: { action: 'text2video' },
			response: { success: true, task_id: 't1', data: [{ ...video, complete_at: '2025-07-25 16:10:28', state: 'succeeded' }] },
		};
		expect(taskOutput(record)).toEqual({
			taskId: 't1',
			traceId: 'tr1',
			state: 'succeeded',
			videoId: 'v1',
			videoUrl: 'https://cdn.example.com/t1.mp4',
			videos: record.response?.data,
			createdAt: '2025-07-25T09:19:18.500Z',
			completedAt: '2025-07-25T09:21:40.000Z',
			error: null,
			raw: record,
		});
	});

	it("falls back to the video's own dates when the record has no times", () => {
		const output = taskOutput({ id: 't', response: { success: true, data: [{ ...video, complete_at: '2025-07-25 16:10:28', state: 'succeeded' }] } });
		expect(output.createdAt).toBe('2025-07-25 16:07:43');
		expect(output.completedAt).toBe('2025-07-25 16:10:28');
	});

	it('describes a submitted task from the submit answer alone', () => {
		expect(submittedOutput('t9', { task_id: 't9', trace_id: 'tr9' })).toMatchObject({
			taskId: 't9',
			traceId: 'tr9',
			state: 'submitted',
			videoUrl: null,
			videos: [],
			raw: { task_id: 't9', trace_id: 'tr9' },
		});
	});
});
