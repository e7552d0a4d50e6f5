'use strict';
/**
 * The editor as a user sees it, in a real Chromium (test/e2e/chromium.js) against the n8n that `npm
 * start` serves: sign in; search "Veo" in the node picker (on an empty canvas and in "What happens
 * next?"); add it and check each of the five operations' fields; open example 1, press Execute workflow
 * and watch the finished item's mp4 play in the Binary view; open example 6's Veo tool (the fields the
 * agent fills, no issues); open the credential and test it.
 * Screenshots of every step go to test/e2e/artifacts/ (ignored by git); a failed step names its own.
 */
const assert = require('node:assert/strict');
const path = require('node:path');
const { NODE_TYPE } = require('../harness');
const { readExample } = require('../fixtures');
const { launchNpmStart } = require('../npmStart');
const { openChromium } = require('../chromium');

const OWNER = { email: 'owner@example.com', password: 'VeoLocal-2026' };
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

/** The fields (parameter names) the panel shows for each operation of a new Veo node, besides Operation. */
const OPERATION_FIELDS = {
	'Text to Video': ['prompt', 'model', 'waitMode', 'downloadVideo'],
	'Image to Video': ['prompt', 'model', 'imageSource', 'firstFrameUrl', 'lastFrameUrl', 'waitMode', 'downloadVideo'],
	'Ingredients to Video': ['prompt', 'imageSource', 'imageUrls', 'waitMode', 'downloadVideo'],
	'Get 1080p': ['videoId', 'model', 'waitMode', 'downloadVideo'],
	'Get Task': ['taskIds', 'downloadVideo'],
};

const byTestId = (page, id) => page.locator(`[data-test-id="${id}"]`);

async function signIn(page, baseUrl) {
	await page.goto(`${baseUrl}/signin`);
	await page.locator('input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
	await page.locator('input[name="password"]').fill(OWNER.password);
	await byTestId(page, 'form-submit-button').click();
	// Signed in: n8n opens its overview of workflows.
	await page.waitForURL((url) => url.pathname.startsWith('/home'));
	await page.getByText('Overview', { exact: true }).first().waitFor();
}

/** Types into the node picker's search and returns the names it lists. */
async function searchNodes(page, text) {
	const search = byTestId(page, 'node-creator-search-bar');
	await search.fill(text);
	const names = byTestId(page, 'node-creator-item-name');
	await names.first().waitFor();
	// The list settles a moment after typing.
	await page.waitForTimeout(500);
	return (await names.allTextContents()).map((n) => n.trim());
}

/** The parameters the open node panel's Parameters tab shows, by name, in order. */
async function shownParameters(page) {
	return await page
		.locator('[data-test-id="node-parameters"] [data-test-id$="-parameter-input-options-container"]:visible')
		.evaluateAll((els) => els.map((e) => e.getAttribute('data-test-id').replace(/-parameter-input-options-container$/, '')));
}

/** The labels of the fields the open node panel shows, in order (without the Fixed/Expression switch). */
async function shownLabels(page) {
	return (await page.locator('[data-test-id="node-parameters"] label:visible').allTextContents())
		.map((t) => t.replace(/\s*Fixed\s*Expression\s*$/, '').trim())
		.filter((t) => t && t !== 'Fixed' && t !== 'Expression');
}

/** Picks an option of a top-level options field of the open panel. */
async function chooseOption(page, parameter, option) {
	await byTestId(page, `parameter-input-${parameter}`).click();
	await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click();
	await page.waitForTimeout(300);
}

/** Turns the Download Video switch on or off and waits for the panel to follow. */
async function setDownloadVideo(page, on) {
	const toggle = byTestId(page, 'parameter-input-downloadVideo').locator('.el-switch');
	if ((await toggle.getAttribute('class')).includes('is-checked') !== on) await toggle.click();
	await byTestId(page, 'parameter-input-maxVideoSize').first().waitFor({ state: on ? 'visible' : 'hidden' });
}

/** What Resolution offers under Options (added first when it is not there yet), as its dropdown lists it. */
async function resolutionsOffered(page) {
	const panel = byTestId(page, 'node-parameters');
	if (!(await byTestId(page, 'parameter-input-resolution').isVisible())) {
		await panel.getByPlaceholder('Add Option').or(panel.getByText('Add Option', { exact: true })).first().click();
		await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^Resolution$/ }).first().click();
		await page.locator('.el-select-dropdown__item:visible').filter({ hasText: /^Translate Prompt$/ }).waitFor({ state: 'hidden' });
	}
	await byTestId(page, 'parameter-input-resolution').click();
	// Only the dropdown of Resolution: the one listing 1080p.
	const dropdown = page.locator('.el-select-dropdown:visible').filter({ has: page.locator('.el-select-dropdown__item', { hasText: /^1080p$/ }) });
	const items = dropdown.locator('.el-select-dropdown__item');
	await items.first().waitFor();
	const offered = (await items.allTextContents()).map((o) => o.trim());
	await page.keyboard.press('Escape');
	await dropdown.waitFor({ state: 'hidden' });
	return offered;
}

async function tour({ browser, baseUrl, check, credentialName }) {
	const example1 = readExample('01-text-to-video-download.json');
	const veoOfExample1 = example1.nodes.find((n) => n.type === NODE_TYPE);

	await check('browser: sign in as the owner npm start printed', async () => {
		await browser.step('sign in', async (page) => await signIn(page, baseUrl));
	});

	await check('browser: searching "Veo" in the node picker finds it, on an empty canvas and in "What happens next?"', async () => {
		await browser.step('search Veo on an empty canvas', async (page) => {
			await page.goto(`${baseUrl}/workflow/new`);
			await byTestId(page, 'canvas-add-button').click();
			const names = await searchNodes(page, 'Veo');
			assert.equal(names[0], 'Veo', `the first result is Veo; the picker lists: ${names.join(', ')}`);
		});
		await browser.step('add Veo (Make a video from text)', async (page) => {
			await byTestId(page, 'node-creator-item-name').getByText('Veo', { exact: true }).first().click();
			await page.getByText('Make a video from text', { exact: true }).click();
			await byTestId(page, 'ndv').waitFor();
		});
		await browser.step('search Veo in What happens next', async (page) => {
			await page.keyboard.press('Escape');
			await byTestId(page, 'ndv').waitFor({ state: 'hidden' });
			await page.locator(`[data-test-id="canvas-node"][data-node-type="${NODE_TYPE}"]`).click();
			await byTestId(page, 'node-creator-plus-button').click();
			await page.getByText('What happens next?').waitFor();
			const names = await searchNodes(page, 'Veo');
			assert.ok(names.includes('Veo'), `Veo is listed; the picker lists: ${names.join(', ')}`);
			await page.keyboard.press('Escape');
		});
	});

	await check("browser: the Veo node's panel shows each of the five operations with its fields", async () => {
		await browser.step('open the Veo node', async (page) => {
			await page.locator(`[data-test-id="canvas-node"][data-node-type="${NODE_TYPE}"]`).dblclick();
			await byTestId(page, 'ndv').waitFor();
		});
		for (const [operation, fields] of Object.entries(OPERATION_FIELDS)) {
			await browser.step(`operation ${operation}`, async (page) => {
				await setDownloadVideo(page, false);
				await byTestId(page, 'parameter-input-operation').click();
				await page.locator('.el-select-dropdown__item:visible').filter({ hasText: operation }).first().click();
				await page.waitForTimeout(300);
				const shown = (await shownParameters(page)).filter((name) => name !== 'operation');
				assert.deepEqual(shown, fields, `the fields of ${operation}`);
			});
			// Download Video on adds its two fields, each once (Max Video Size once showed two or three times).
			await browser.step(`operation ${operation}, Download Video on`, async (page) => {
				await setDownloadVideo(page, true);
				const shown = (await shownParameters(page)).filter((name) => name !== 'operation');
				assert.deepEqual(shown, [...fields, 'outputBinaryField', 'maxVideoSize'], `the fields of ${operation} with Download Video on`);
				const labels = await shownLabels(page);
				assert.ok(labels.includes('Max Video Size (MB)'), `the labels shown: ${labels.join(' | ')}`);
				assert.deepEqual(labels.filter((label, i) => labels.indexOf(label) !== i), [], `no label twice: ${labels.join(' | ')}`);
			});
		}
	});

	await check('browser: options that apply: no 4k in Image to Video; the fixed model of Ingredients to Video is an information callout', async () => {
		await browser.step('Image to Video resolutions', async (page) => {
			await setDownloadVideo(page, false);
			await chooseOption(page, 'operation', 'Image to Video');
			assert.deepEqual(await resolutionsOffered(page), ['1080p', 'GIF']);
		});
		await browser.step('Text to Video resolutions', async (page) => {
			await chooseOption(page, 'operation', 'Text to Video');
			assert.deepEqual(await resolutionsOffered(page), ['1080p', '4k (Veo 3.1 Only)', 'GIF']);
		});
		await browser.step('Ingredients to Video model note', async (page) => {
			await chooseOption(page, 'operation', 'Ingredients to Video');
			const note = byTestId(page, 'node-parameters').getByText(/always uses the model veo31-fast-ingredients/);
			await note.waitFor();
			// n8n draws a 'notice' as a yellow warning box (class "notice" with a warning theme), a 'callout' in its info style.
			const boxes = await note.evaluate((el) => {
				const classes = [];
				for (let e = el; e && !e.matches('[data-test-id="node-parameters"]'); e = e.parentElement) classes.push(String(e.className));
				return classes.join(' ');
			});
			assert.match(boxes, /callout/i, `the note is in a callout: ${boxes}`);
			assert.doesNotMatch(boxes, /warning/i, `the note is not a warning: ${boxes}`);
		});
		await browser.step('back to Text to Video', async (page) => await chooseOption(page, 'operation', 'Text to Video'));
	});

	await check('browser: in pause mode the panel shows the notice and offers no Callback URL', async () => {
		await browser.step('pause mode', async (page) => {
			await byTestId(page, 'parameter-input-operation').click();
			await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Text to Video' }).first().click();
			await byTestId(page, 'parameter-input-waitMode').click();
			await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Pause Until Ace Data Cloud Calls Back' }).first().click();
			await byTestId(page, 'node-parameters').getByText(/a local n8n works/).waitFor();
			await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' });
			// "Add Option" is a select whose placeholder is that text.
			await byTestId(page, 'node-parameters').getByPlaceholder('Add Option').or(byTestId(page, 'node-parameters').getByText('Add Option', { exact: true })).first().click();
			await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Max Wait (Seconds)' }).waitFor();
			const offered = (await page.locator('.el-select-dropdown__item:visible').allTextContents()).map((o) => o.trim());
			assert.ok(offered.includes('Max Wait (Seconds)') && !offered.includes('Callback URL'), `Add Option offers: ${offered.join(', ')}`);
			await page.keyboard.press('Escape');
		});
	});

	await check('browser: example 1, Execute workflow: the finished item holds an mp4 that plays in the Binary view', async () => {
		await browser.step('open example 1', async (page) => {
			await page.keyboard.press('Escape');
			await page.goto(`${baseUrl}/workflow/${example1.id}`);
			await byTestId(page, 'execute-workflow-button').waitFor();
		});
		await browser.step('execute workflow', async (page) => {
			// A "leave without saving?" dialog cannot come: the tour never edits example 1.
			await byTestId(page, 'execute-workflow-button').click();
			const veo = page.locator(`[data-test-id="canvas-node"][data-node-name="${veoOfExample1.name}"]`);
			await veo.locator('[data-test-id="canvas-node-status-success"]').waitFor({ timeout: 90000 });
		});
		await browser.step('binary view', async (page) => {
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${veoOfExample1.name}"]`).dblclick();
			const output = byTestId(page, 'output-panel');
			await output.locator('[data-test-id="radio-button-binary"]').click();
			const card = output.locator('[data-test-id="ndv-binary-data_0"]');
			await card.waitFor();
			assert.match(await card.innerText(), /video\/mp4/);
		});
		await browser.step('the video plays', async (page) => {
			await byTestId(page, 'ndv-view-binary-data').first().click();
			const video = page.locator('video');
			await video.waitFor();
			const state = await video.evaluate(
				(v) =>
					new Promise((resolve) => {
						const done = () => resolve({ readyState: v.readyState, duration: v.duration, error: v.error?.message });
						if (v.readyState >= 2) done();
						v.addEventListener('loadeddata', done);
						v.addEventListener('error', done);
						setTimeout(done, 15000);
					}),
			);
			assert.ok(state.readyState >= 2 && state.duration > 0, `the <video> is playable: ${JSON.stringify(state)}`);
		});
	});

	await check("browser: example 6's Veo tool shows the fields the agent fills, without issues", async () => {
		const example6 = readExample('06-ai-agent-tool.json');
		const tool = example6.nodes.find((n) => n.type === `${NODE_TYPE}Tool`);
		await browser.step('example 6 tool panel', async (page) => {
			await page.keyboard.press('Escape');
			await page.goto(`${baseUrl}/workflow/${example6.id}`);
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${tool.name}"]`).dblclick();
			const panel = byTestId(page, 'node-parameters');
			await panel.waitFor();
			// The Prompt, shown as n8n's "Defined automatically by the model" (n8n 1.x lets the model fill no
			// options field, so the example sets Aspect Ratio itself).
			await page.waitForTimeout(500);
			assert.equal(await panel.getByText(/Defined automatically by the/).count(), 1, await panel.innerText());
			assert.equal(await panel.locator('[data-test-id="parameter-issues"]').count(), 0, `no field has an issue: ${await panel.innerText()}`);
			assert.doesNotMatch(await panel.innerText(), /undefined|is not supported/);
		});
	});

	await check("browser: the credential's Test says the connection works", async () => {
		await browser.step('open the credential', async (page) => {
			await page.keyboard.press('Escape');
			await page.goto(`${baseUrl}/home/credentials`);
			await page.getByText(credentialName, { exact: true }).first().click();
			await byTestId(page, 'editCredential-modal').waitFor();
		});
		await browser.step('test the credential', async (page) => {
			const modal = byTestId(page, 'editCredential-modal');
			// n8n tests a credential as it opens it; its button to test again is "Retry".
			const again = modal.getByRole('button', { name: /^(Test|Retry)$/ });
			await again.waitFor({ timeout: 30000 });
			// The answer to this press, not the banner left by the test n8n ran when the credential opened.
			const answer = page.waitForResponse((response) => response.url().includes('/rest/credentials/test'));
			await again.click();
			const tested = await (await answer).json();
			assert.equal(tested.data?.status, 'OK', `n8n's credential test answered ${JSON.stringify(tested)}`);
			await modal.getByText(/Connection tested successfully/).waitFor({ timeout: 30000 });
		});
	});
}

module.exports = {
	name: 'browser',
	about: 'the editor in a real Chromium against npm start: search, panel, example 1 plays its video, credential test',
	tour,
	async run(ctx) {
		let run;
		let browser;
		const ready = await ctx.check('browser: npm start and a headless Chromium are up', async () => {
			run = await launchNpmStart({ major: ctx.major, install: ctx.install, home: path.join(ctx.work, 'browser-home') });
			browser = await openChromium({ shotsDir: path.join(ARTIFACTS, `n8n-${ctx.install.profile.n8n}`) });
		});
		try {
			if (ready) await tour({ browser, baseUrl: run.ui.baseUrl, check: ctx.check, credentialName: 'Veo (local emulator)' });
		} finally {
			await browser?.close();
			await run?.stop('SIGINT');
		}
	},
};
