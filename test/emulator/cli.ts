/**
 * Runs a Veo emulator until SIGINT/SIGTERM and prints its base URL on stdout.
 * Settings come from VEO_EMULATOR_PORT, VEO_EMULATOR_TOKEN, VEO_EMULATOR_PENDING_MS,
 * VEO_EMULATOR_RUNNING_MS and VEO_EMULATOR_VIDEO_SIZE.
 */
import { VeoEmulator } from './VeoEmulator';
import type { VeoEmulatorOptions } from './types';

function numberFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
	const raw = env[name];
	if (raw === undefined || raw === '') return undefined;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
	return value;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv): VeoEmulatorOptions {
	return {
		port: numberFrom(env, 'VEO_EMULATOR_PORT'),
		token: env.VEO_EMULATOR_TOKEN || undefined,
		pendingMs: numberFrom(env, 'VEO_EMULATOR_PENDING_MS'),
		runningMs: numberFrom(env, 'VEO_EMULATOR_RUNNING_MS'),
		videoSize: numberFrom(env, 'VEO_EMULATOR_VIDEO_SIZE'),
	};
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<VeoEmulator> {
	const emulator = new VeoEmulator(optionsFromEnv(env));
	console.log(await emulator.start());
	const shutdown = () => void emulator.stop().then(() => process.exit(0));
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
	return emulator;
}

if (require.main === module) {
	main().catch((error: Error) => {
		console.error(error.message);
		process.exit(1);
	});
}
