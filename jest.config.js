/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// Transpiled only (tsconfig.test.json sets isolatedModules): `npm test` type-checks the tests once, with tsc.
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	// Most tests wait on HTTP and timers, not on the CPU: 4 workers on 2 cores cut the run to a third.
	maxWorkers: 4,
	testSequencer: '<rootDir>/test/helpers/realTimeFirst.js',
	testTimeout: 60000,
};
