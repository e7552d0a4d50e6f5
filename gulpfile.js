const { src, dest } = require('gulp');

// tsc compiles the code; the icons and the codex file are copied beside it, where n8n looks for them.
function copyAssets() {
	return src(['icons/**/*.svg', 'nodes/**/*.json', 'credentials/**/*.json'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

exports['build:assets'] = copyAssets;
