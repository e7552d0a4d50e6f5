import { chunk, parseList } from '../../../../nodes/Veo/helpers/inputList';

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

describe('chunk', () => {
	it('splits 120 values into 50, 50 and 20', () => {
		const values = Array.from({ length: 120 }, (_, index) => index);
		expect(chunk(values, 50).map((part) => part.length)).toEqual([50, 50, 20]);
		expect(chunk(values, 50).flat()).toEqual(values);
	});
});
