import { PlatformFilesEmulator, FILES_PATH } from './platformFiles';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('PlatformFilesEmulator: the files endpoint of platform.acedata.cloud', () => {
	const emu = new PlatformFilesEmulator();
	let base: string;
	beforeAll(async () => {
		base = await emu.start();
	});
	afterAll(async () => await emu.stop());
	beforeEach(() => emu.reset());

	const upload = async (form: FormData, token = emu.token) =>
		await fetch(`${base}${FILES_PATH}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
	const oneFile = (field = 'file') => {
		const form = new FormData();
		form.append(field, new Blob([PNG], { type: 'image/png' }), 'frame.png');
		return form;
	};

	it('stores one file sent as the multipart field file and serves it back from the returned URL', async () => {
		const answer = await upload(oneFile());
		expect(answer.status).toBe(200);
		const { file_url: fileUrl } = (await answer.json()) as { file_url: string };
		expect(fileUrl).toMatch(new RegExp(`^${base}/cdn/[0-9a-f]{10}\\.png$`));
		expect(emu.uploads()).toEqual([expect.objectContaining({ fileName: 'frame.png', mimeType: 'image/png', size: PNG.length, fileUrl })]);
		const served = await fetch(fileUrl);
		expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
	});

	it('refuses any token but its own platform token (the Veo API token too)', async () => {
		const answer = await upload(oneFile(), 'test-token');
		expect(answer.status).toBe(401);
		expect(await answer.json()).toMatchObject({ error: { code: 'invalid_token' } });
		expect(emu.uploads()).toHaveLength(0);
	});

	it('refuses a body that is not a single file part named file', async () => {
		const wrongField = await upload(oneFile('image'));
		const two = oneFile();
		two.append('file', new Blob([PNG]), 'second.png');
		const twoFiles = await upload(two);
		const json = await fetch(`${base}${FILES_PATH}`, {
			method: 'POST',
			body: '{}',
			headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' },
		});
		expect([wrongField.status, twoFiles.status, json.status]).toEqual([400, 400, 400]);
		expect(emu.uploads()).toHaveLength(0);
	});

	it('answers an injected status, then drops a connection, then serves again', async () => {
		emu.inject({ kind: 'status', status: 500 });
		emu.inject({ kind: 'drop' });
		expect((await upload(oneFile())).status).toBe(500);
		await expect(upload(oneFile())).rejects.toThrow();
		expect((await upload(oneFile())).status).toBe(200);
		expect(emu.uploadAttempts()).toHaveLength(3);
		expect(emu.uploads()).toHaveLength(1);
	});
});
