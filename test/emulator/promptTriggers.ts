/**
 * Words in a prompt that make `npm start`'s emulator (and the e2e suite's) end the task the way the
 * service can, so that a newcomer can try failures without a real account. Documented in
 * docs/quick-start.md; example 9 uses the first.
 */
import type { VeoEmulator } from './VeoEmulator';

export const PROMPT_TRIGGERS = {
	/** The task fails as the service fails a prompt its moderation refuses (CONTENT_REJECTED, not charged). */
	reject: '#reject',
	/** The task takes SLOW_EXTRA_MS longer, about as long as a real Veo video. */
	slow: '#slow',
	/** The task never finishes: Max Wait decides, and the task ID stays for Get Task. */
	never: '#never',
} as const;

export const SLOW_EXTRA_MS = 60_000;

/** Matches the word anywhere in the prompt, in any case, not as part of a longer word (#slower). */
const hasWord = (word: string) => (request: Record<string, unknown>) =>
	typeof request.prompt === 'string' && new RegExp(`${word}(?![\\w-])`, 'i').test(request.prompt);

export function addPromptTriggers(emulator: VeoEmulator): void {
	emulator.failTask(hasWord(PROMPT_TRIGGERS.reject));
	emulator.slowTask(hasWord(PROMPT_TRIGGERS.slow), SLOW_EXTRA_MS);
	emulator.neverFinish(hasWord(PROMPT_TRIGGERS.never));
}
