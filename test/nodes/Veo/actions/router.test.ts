import { NodeOperationError } from 'n8n-workflow';

import { runVeo, useEmulator } from '../fixture';

/** The operation comes from the workflow's JSON, which an import can fill with anything. */
describe('choosing the operation', () => {
	const emulator = useEmulator();

	it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'])(
		"refuses the operation '%s' (a name every object has) as unsupported, sending nothing",
		async (operation) => {
			const result = await runVeo(emulator(), { operation, prompt: 'a fox' });
			expect(result.error).toBeInstanceOf(NodeOperationError);
			expect(result.error?.message).toBe(`The operation "${operation}" is not supported by the Veo node`);
			expect(emulator().requests).toHaveLength(0);
		},
	);
});
