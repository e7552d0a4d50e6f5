import { InputError } from '../../../../nodes/Veo/helpers/inputError';
import { URL_LIST_SEPARATOR, chunk, describeValue, parseList, parseTextList } from '../../../../nodes/Veo/helpers/inputList';

describe('parseList: what a user types or maps into a list field', () => {
	it.each([
		['one value', 'abc', ['abc']],
		['commas and new lines, trimmed', ' a, b\n c ,\n', ['a', 'b', 'c']],
		['blanks dropped', ',,\n , a', ['a']],
		['duplicates kept once, first-seen order', 'b, a, b, a', ['b', 'a']],
		['an array from an expression', ['x', ' y ', ''], ['x', 'y']],
		['an array whose entries hold lists', ['x, y', 'z'], ['x', 'y', 'z']],
		['nothing', undefined, []],
		['a number', 42, ['42']],
	])('%s', (_case, value, expected) => {
		expect(parseList(value)).toEqual(expected);
	});
});

describe('parseList with URL_LIST_SEPARATOR: a list of web addresses', () => {
	it.each([
		['commas inside an address', 'https://cdn.example.com/w_400,h_300/a.png', ['https://cdn.example.com/w_400,h_300/a.png']],
		['a comma before the next address', 'https://a.example/x.png,https://b.example/y.png', ['https://a.example/x.png', 'https://b.example/y.png']],
		['a comma and a space before the next address', 'https://a.example/x.png, ftp://b.example/y.png', ['https://a.example/x.png', 'ftp://b.example/y.png']],
		['new lines', 'https://a.example/x.png\nhttps://b.example/w_1,h_2.png', ['https://a.example/x.png', 'https://b.example/w_1,h_2.png']],
		['a trailing comma', 'https://a.example/x.png,', ['https://a.example/x.png']],
		['only commas', ' , ,', []],
	])('%s', (_case, value, expected) => {
		expect(parseList(value, URL_LIST_SEPARATOR)).toEqual(expected);
	});
});

describe('parseTextList: a list field that must hold text', () => {
	it('reads text and numbers like parseList', () => {
		expect(parseTextList(['a', 1, null, 'b, a'], 'Task IDs')).toEqual(['a', '1', 'b']);
	});

	it.each([
		['an object', [{ id: 'x' }], /gave a set of fields \(an object\)/],
		['a yes/no value', true, /gave the yes\/no value true/],
		['a nested object', [['a', { id: 'x' }]], /gave a set of fields/],
	])('refuses %s, naming the field', (_case, value, message) => {
		expect(() => parseTextList(value, 'Task IDs')).toThrow(InputError);
		expect(() => parseTextList(value, 'Task IDs')).toThrow(message);
		expect(() => parseTextList(value, 'Task IDs')).toThrow(/^The 'Task IDs' field must hold text/);
	});
});

describe('describeValue: what an expression gave, in plain words', () => {
	it.each([
		[[1], 'a list'],
		[{ a: 1 }, 'a set of fields (an object)'],
		[false, 'the yes/no value false'],
		[new Date(0), 'a date'],
		[Number.NaN, 'a number that is not valid'],
	])('%p is %s', (value, words) => {
		expect(describeValue(value)).toBe(words);
	});
});

describe('chunk', () => {
	it('splits 120 values into 50, 50 and 20', () => {
		const values = Array.from({ length: 120 }, (_, index) => index);
		expect(chunk(values, 50).map((part) => part.length)).toEqual([50, 50, 20]);
		expect(chunk(values, 50).flat()).toEqual(values);
	});
});
