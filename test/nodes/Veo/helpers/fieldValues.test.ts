import { InputError } from '../../../../nodes/Veo/helpers/inputError';
import { oneEntry, oneOf, optionalText, requireText, requireUrl, shown } from '../../../../nodes/Veo/helpers/fieldValues';

/** The InputError a check throws, or undefined when it passes. */
function refusal(check: () => unknown): InputError | undefined {
	try {
		check();
		return undefined;
	} catch (error) {
		if (error instanceof InputError) return error;
		throw error;
	}
}

describe("fieldValues: the checks of one field's value", () => {
	describe('oneEntry: a field that takes one entry', () => {
		const words = { required: true, whenEmpty: 'Give one.', holds: (count: number) => `holds ${count} things`, whenMany: 'Only one.' };

		it('gives its one entry', () => {
			expect(oneEntry(['a'], 'Thing', words)).toBe('a');
		});

		it('is undefined when empty and optional, and says so, naming the field, when required', () => {
			expect(oneEntry([], 'Thing', { ...words, required: false })).toBeUndefined();
			const empty = refusal(() => oneEntry([], 'Thing', words));
			expect(empty).toMatchObject({ field: 'Thing', message: "The 'Thing' field is empty", hint: 'Give one.' });
		});

		it('refuses more than one, counting them in the words of the field', () => {
			const many = refusal(() => oneEntry(['a', 'b', 'c'], 'Thing', words));
			expect(many).toMatchObject({ field: 'Thing', message: "The 'Thing' field holds 3 things, but it takes one", hint: 'Only one.' });
		});
	});

	it('optionalText trims, takes a finite number as text, and refuses what an expression got wrong', () => {
		expect(optionalText('  a  ', 'Prompt')).toBe('a');
		expect(optionalText('   ', 'Prompt')).toBeUndefined();
		expect(optionalText(7, 'Prompt')).toBe('7');
		expect(refusal(() => optionalText({ a: 1 }, 'Prompt'))?.message).toBe("The 'Prompt' field must be text, but its expression gave a set of fields (an object)");
	});

	it('requireText says what to enter in an empty field', () => {
		expect(refusal(() => requireText('', 'Prompt', 'a description'))).toMatchObject({ message: "The 'Prompt' field is empty", hint: 'Enter a description.' });
	});

	it('requireUrl takes only absolute addresses of the allowed schemes', () => {
		expect(requireUrl('https://example.com/a.png', 'Image')).toBe('https://example.com/a.png');
		expect(refusal(() => requireUrl('example.com/a.png', 'Image'))?.message).toBe("'example.com/a.png' in 'Image' is not a web address");
		expect(refusal(() => requireUrl('http://example.com/', 'Callback URL', ['https:']))?.message).toBe(
			"'http://example.com/' in 'Callback URL' must be an https address",
		);
	});

	it('oneOf takes a listed choice, and quotes a long wrong one cut short', () => {
		expect(oneOf('9:16', ['16:9', '9:16'], 'Aspect Ratio')).toBe('9:16');
		const long = 'x'.repeat(200);
		expect(refusal(() => oneOf(long, ['16:9'], 'Aspect Ratio'))?.message).toBe(`'${shown(long)}' is not a valid choice for 'Aspect Ratio'`);
		expect(shown(long)).toHaveLength(80);
	});
});
