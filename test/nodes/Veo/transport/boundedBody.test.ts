import http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { deadlineIn } from '../../../../nodes/Veo/helpers/deadline';
import { beforeDeadline, BodyCut, deadlineSignal, readBody } from '../../../../nodes/Veo/transport/boundedBody';

/**
 * The reusable piece under every bounded answer: a body read whole, or cut the moment its deadline
 * passes, the execution is stopped or one byte too many arrives; the connection is closed then.
 * Over real HTTP, against a server that plays each kind of answer.
 */
describe('readBody and beforeDeadline', () => {
	let server: Server;
	let base: string;
	/** Whether the server saw the client close each connection, by path. */
	const closed = new Map<string, boolean>();
	const routes: Record<string, (res: ServerResponse) => void> = {
		'/small': (res) => res.end('{"ok":true}'),
		'/endless': (res) => {
			const chunk = Buffer.alloc(64 * 1024, ' ');
			const pump = () => {
				while (!res.destroyed && res.write(chunk));
				if (!res.destroyed) res.once('drain', pump);
			};
			pump();
		},
		'/stall': (res) => res.write('{"items":['),
		'/no-headers': () => undefined,
	};

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			const path = req.url ?? '';
			closed.set(path, false);
			res.on('close', () => closed.set(path, true));
			routes[path](res);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	});

	const get = (path: string) => new Promise<IncomingMessage>((resolve, reject) => http.get(`${base}${path}`, resolve).on('error', reject));
	const cutOf = async (read: Promise<unknown>) => {
		const error = await read.then(() => undefined, (reason: unknown) => reason);
		expect(error).toBeInstanceOf(BodyCut);
		return error as BodyCut;
	};
	const until = async (check: () => boolean) => {
		for (let tries = 0; tries < 100 && !check(); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
		return check();
	};

	it('gives the whole body when it arrives within its limits', async () => {
		const body = await readBody(await get('/small'), { maxBytes: 100, deadline: deadlineSignal(deadlineIn(5000)) });
		expect(body.toString()).toBe('{"ok":true}');
	});

	it('cuts a body that never ends at the byte cap and closes the connection', async () => {
		const cut = await cutOf(readBody(await get('/endless'), { maxBytes: 1024 * 1024, deadline: deadlineSignal(deadlineIn(5000)) }));
		expect(cut.reason).toBe('too_large');
		expect(cut.bytes).toBeGreaterThan(1024 * 1024);
		expect(cut.bytes).toBeLessThan(2 * 1024 * 1024);
		expect(await until(() => closed.get('/endless') === true)).toBe(true);
	});

	it('cuts a body that stalls at the deadline, however little it has had', async () => {
		const started = Date.now();
		const cut = await cutOf(readBody(await get('/stall'), { maxBytes: 1024, deadline: deadlineSignal(deadlineIn(300)) }));
		expect(cut).toMatchObject({ reason: 'timeout', bytes: 10 });
		expect(Date.now() - started).toBeLessThan(2000);
		expect(await until(() => closed.get('/stall') === true)).toBe(true);
	});

	it('stops at once when the execution is cancelled', async () => {
		const cancel = new AbortController();
		const read = readBody(await get('/stall'), { maxBytes: 1024, deadline: deadlineSignal(deadlineIn(5000)), cancel: cancel.signal });
		cancel.abort();
		expect((await cutOf(read)).reason).toBe('cancelled');
	});

	it('beforeDeadline gives up on an answer whose headers do not come in time', async () => {
		const started = Date.now();
		const cut = await cutOf(beforeDeadline(get('/no-headers'), deadlineSignal(deadlineIn(300)), (answer) => answer));
		expect(cut.reason).toBe('timeout');
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('beforeDeadline passes an answer that comes in time on, unread', async () => {
		const answer = await beforeDeadline(get('/small'), deadlineSignal(deadlineIn(5000)), (response) => response);
		expect((await readBody(answer, { maxBytes: 100, deadline: deadlineSignal(deadlineIn(5000)) })).toString()).toBe('{"ok":true}');
	});
});
