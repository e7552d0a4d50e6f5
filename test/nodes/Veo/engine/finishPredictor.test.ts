import { FinishPredictor } from '../../../../nodes/Veo/engine/finishPredictor';

describe('FinishPredictor', () => {
	it('knows nothing before a task finished', () => {
		expect(new FinishPredictor().nextLook(0, 0)).toBe(Infinity);
	});

	it('looks in the middle of the uncertainty first, then at its upper end', () => {
		const predictor = new FinishPredictor();
		// submitted at 0, running at 8 s, done at 12 s: the duration is between 8 and 12 s
		predictor.learn(0, 8000, 12_000);
		expect(predictor.nextLook(100_000, 100_000)).toBe(110_000);
		expect(predictor.nextLook(100_000, 110_000)).toBe(112_000);
	});

	it('narrows with every finished task, down to a quarter second', () => {
		const predictor = new FinishPredictor();
		predictor.learn(0, 8000, 12_000);
		predictor.learn(0, 10_000, 11_000);
		predictor.learn(0, 10_500, 10_700);
		expect(predictor.nextLook(50_000, 50_000)).toBe(60_700);
	});

	it('leaves a task that outlives every estimate to regular polling', () => {
		const predictor = new FinishPredictor();
		predictor.learn(0, 8000, 12_000);
		expect(predictor.nextLook(0, 12_000)).toBe(Infinity);
	});
});

describe('FinishPredictor when task durations vary', () => {
	// one task took 8 to 9 s, another 12 to 13 s: no single duration fits both
	const varied = () => {
		const predictor = new FinishPredictor();
		predictor.learn(0, 8000, 9000);
		predictor.learn(0, 12_000, 13_000);
		return predictor;
	};

	it('leaves a task to regular polling until it is as old as the shortest seen', () => {
		expect(varied().nextLook(100_000, 100_000)).toBe(108_000);
	});

	it('looks once more when its age reaches the longest duration seen, not in between', () => {
		expect(varied().nextLook(100_000, 108_000)).toBe(113_000);
		expect(varied().nextLook(100_000, 112_900)).toBe(113_000);
	});

	it('leaves a task older than every duration seen to regular polling', () => {
		expect(varied().nextLook(100_000, 113_000)).toBe(Infinity);
	});
});
