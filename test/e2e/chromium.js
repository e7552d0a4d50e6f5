'use strict';
/**
 * A real browser for the e2e suite: Debian's Chromium (installed with apt-get when missing, as Redis and
 * PostgreSQL are for queue mode) driven by playwright-core, which never downloads a browser of its own.
 * Every run gets a fresh profile folder; every step leaves a screenshot, and a failed step's error names
 * its screenshot.
 *
 *   const browser = await openChromium({ shotsDir })
 *   await browser.step('sign in', async (page) => { … })   runs, then saves <shotsDir>/<NN>-<step>.png
 *   await browser.close()
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { rmrf } = require('../../scripts/lib/util');
const { ensureDebianPackages, which } = require('../../scripts/lib/debian-packages');

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

async function ensureChromium() {
	return await ensureDebianPackages({
		what: 'browser test',
		missing: () => (which('chromium') ? [] : ['chromium']),
		logFile: path.join(os.tmpdir(), 'veo-browser-apt.log'),
	});
}

async function openChromium({ shotsDir }) {
	await ensureChromium();
	const { chromium } = require('playwright-core');
	fs.mkdirSync(shotsDir, { recursive: true });
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'veo-chromium-'));
	// launchPersistentContext passes the fresh profile as --user-data-dir.
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: FLAGS,
		viewport: { width: 1440, height: 900 },
	});
	context.setDefaultTimeout(30000);
	const page = context.pages()[0] ?? (await context.newPage());
	let count = 0;
	return {
		page,
		async step(name, fn) {
			const file = path.join(shotsDir, `${String(++count).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
			try {
				const value = await fn(page);
				await page.screenshot({ path: file });
				return value;
			} catch (error) {
				await page.screenshot({ path: file }).catch(() => undefined);
				error.message = `browser step "${name}" failed (screenshot: ${file}): ${error.message}`;
				throw error;
			}
		},
		async close() {
			await context.close().catch(() => undefined);
			rmrf(profile);
		},
	};
}

module.exports = { openChromium, ensureChromium };
