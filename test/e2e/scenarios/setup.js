'use strict';
/**
 * Set-up, as a user installs the package: the packed tarball as a community package in a throw-away
 * n8n user folder, then credentials and workflows through n8n's CLI (every example, plus what each
 * scenario of this run declares in `workflows(ctx)` and `credentials(ctx)`), checked to arrive intact.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../../../scripts/lib/util');
const { installCommunityPackage } = require('../../../scripts/lib/n8n-install');
const { PACKAGE } = require('../harness');
const { TOKEN, BAD_TOKEN, PLATFORM_TOKEN, CRED_ID, CRED_NAME, EXAMPLE_IDS } = require('../fixtures');

/** The emulator credential: the Veo emulator, and the files endpoint's emulator for binary images. */
const emulatorCredentialData = ({ baseUrl, platform }) => ({ apiToken: TOKEN, baseUrl, platformToken: PLATFORM_TOKEN, platformBaseUrl: platform.baseUrl });

/** The credentials every run imports: the emulator's, with a good and with a bad token. */
const emulatorCredentials = (ctx) => [
	{ id: CRED_ID, name: CRED_NAME, type: 'aceDataCloudApi', data: emulatorCredentialData(ctx) },
	{ id: 'veoBadTokenCred', name: 'Veo (bad token)', type: 'aceDataCloudApi', data: { apiToken: BAD_TOKEN, baseUrl: ctx.baseUrl } },
];

module.exports = {
	name: 'setup',
	about: 'the packed tarball installs as a community package; credentials and workflows import from the CLI',
	async run(ctx) {
		const { instance, work, tarball } = ctx;

		await ctx.check('the packed tarball installs as a community package', async () => {
			const nodesDir = await installCommunityPackage(ctx.install, instance.userFolder, tarball, instance.logFile);
			const pkg = JSON.parse(fs.readFileSync(path.join(nodesDir, 'node_modules', PACKAGE, 'package.json'), 'utf8'));
			assert.equal(pkg.name, PACKAGE);
			assert.ok(fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE, 'dist', 'nodes', 'Veo', 'Veo.node.js')));
			assert.ok(!fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE, 'nodes')), 'only dist/ is packed');
		});

		await ctx.check('credentials and all workflows import from the CLI', async () => {
			const creds = path.join(work, 'credentials.json');
			const declared = ctx.scenarios.flatMap((s) => s.credentials?.(ctx) ?? []);
			fs.writeFileSync(creds, JSON.stringify([...emulatorCredentials(ctx), ...declared]));
			await instance.importCredentials(creds);
			const wfDir = path.join(work, 'workflows');
			fs.mkdirSync(wfDir);
			const examplesDir = path.join(ROOT, 'examples');
			for (const f of fs.readdirSync(examplesDir).filter((n) => n.endsWith('.json'))) fs.copyFileSync(path.join(examplesDir, f), path.join(wfDir, f));
			const workflows = ctx.scenarios.flatMap((s) => s.workflows?.(ctx) ?? []);
			for (const workflow of workflows) fs.writeFileSync(path.join(wfDir, `${workflow.id}.json`), JSON.stringify(workflow));
			await instance.importWorkflows(wfDir);
			const list = instance.expectOk(await instance.cli(['list:workflow']), 'list:workflow');
			for (const id of [...Object.values(EXAMPLE_IDS), ...workflows.map((w) => w.id)]) {
				assert.match(list.stdout, new RegExp(`^${id}\\|`, 'm'), `workflow ${id} is listed after import`);
			}
			instance.expectOk(
				await instance.cli(['export:credentials', `--id=${CRED_ID}`, '--decrypted', `--output=${path.join(work, 'cred-out.json')}`]),
				'export:credentials',
			);
			const [cred] = JSON.parse(fs.readFileSync(path.join(work, 'cred-out.json'), 'utf8'));
			assert.equal(cred.name, CRED_NAME);
			assert.deepEqual(cred.data, emulatorCredentialData(ctx));
		});
	},
};
