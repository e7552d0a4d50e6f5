import { FinishPredictor } from '../../../../nodes/Veo/helpers/finishPredictor';

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
