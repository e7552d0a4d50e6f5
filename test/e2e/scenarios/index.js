'use strict';
/**
 * The scenarios of `test/e2e/run.js`, in the order they run for each n8n version. To add one: write
 * `scenarios/<name>.js` exporting
 *
 *   {
 *     name: 'short-name',                  // for --only=short-name
 *     about: 'what it proves, one line',
 *     credentials?(ctx) → [credential],    // imported with `n8n import:credentials` by setup
 *     workflows?(ctx) → [workflow],        // each with a fixed `id`, imported by setup
 *     async run(ctx) { await ctx.check('what this check shows', async () => { … }); },
 *   }
 *
 * and add it below. `ctx` is described in test/e2e/context.js. Order matters only where a scenario
 * changes the instance: setup comes first; npm-start stops `n8n start`, so it comes after the
 * scenarios that use it (ctx.startServer() starts it again if needed). npm-start and browser run
 * their own `npm start` (test/e2e/npmStart.js).
 */
module.exports = [
	require('./setup'),
	require('./examples'),
	require('./binary-image'),
	require('./tool'),
	require('./errors'),
	require('./retry-on-fail'),
	require('./credential'),
	require('./pause'),
	require('./pause-loop'),
	require('./pause-missed'),
	require('./pause-unreachable'),
	require('./batch-bounds'),
	require('./error-routing'),
	require('./hostile-hosts'),
	require('./hostile-answers'),
	require('./npm-start'),
	require('./npm-start-stop'),
	require('./browser'),
];
