import { callbackAddress, isLoopbackAddress } from '../../../../nodes/Veo/pause/resumeAddress';

describe('callbackAddress: the resume URL made for one node', () => {
	it("appends the node's id to n8n 1.x's resume URL", () => {
		expect(callbackAddress('https://n8n.example.com/webhook-waiting/123', 'node-1')).toBe(
			'https://n8n.example.com/webhook-waiting/123/node-1',
		);
	});

	it("appends it after n8n 2.x's signature token, where n8n reads it back as the webhook path", () => {
		expect(callbackAddress('https://n8n.example.com/webhook-waiting/123?signature=abc', 'node-1')).toBe(
			'https://n8n.example.com/webhook-waiting/123?signature=abc/node-1',
		);
	});

	it('does not double a trailing slash', () => {
		expect(callbackAddress('http://127.0.0.1:5678/webhook-waiting/7/', 'n')).toBe('http://127.0.0.1:5678/webhook-waiting/7/n');
	});
});

describe('isLoopbackAddress: an address only this machine can reach', () => {
	it.each([
		'http://localhost:5678/webhook-waiting/1',
		'http://LOCALHOST/x',
		'http://n8n.localhost/x',
		'http://127.0.0.1:5678/x',
		'http://127.1.2.3/x',
		'http://0.0.0.0:5678/x',
		'http://[::1]:5678/x',
	])('%s is', (address) => {
		expect(isLoopbackAddress(address)).toBe(true);
	});

	it.each([
		'https://n8n.example.com/webhook-waiting/1',
		'https://api.acedata.cloud',
		'http://192.168.1.10:5678/x',
		'http://localhost.example.com/x',
		'not an address',
	])('%s is not', (address) => {
		expect(isLoopbackAddress(address)).toBe(false);
	});
});
