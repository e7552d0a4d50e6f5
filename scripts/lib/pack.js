'use strict';
// Builds the package and packs it with npm: the tarball is exactly what `npm publish` would ship.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, log, run, capture } = require('./util');

async function packPackage(destDir, { build = true } = {}) {
	fs.mkdirSync(destDir, { recursive: true });
	const logFile = path.join(destDir, 'build.log');
	if (build) {
		log('building the package (npm run build)…');
		await run('npm', ['run', 'build'], { cwd: ROOT, logFile, label: 'npm run build', quiet: true });
	}
	const packed = await capture('npm', ['pack', '--json', '--pack-destination', destDir], { cwd: ROOT });
	if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stdout}\n${packed.stderr}`);
	const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
	const tarball = path.join(destDir, info.filename);
	log(`packed ${info.filename} (${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB)`);
	return tarball;
}

module.exports = { packPackage };
