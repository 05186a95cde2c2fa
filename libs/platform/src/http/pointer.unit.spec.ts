import { pointerOf } from './problem-details.filter.js';

describe('pointerOf', () => {
  it.each([
    ['title', '/title'],
    ['sourceClause.section', '/sourceClause/section'],
    ['indicatorValues[0].indicator', '/indicatorValues/0/indicator'],
    ['assignees[2]', '/assignees/2'],
    ['matrix[1][0]', '/matrix/1/0'],
    ['a~b/c', '/a~0b~1c'],
  ])('turns the field path %s into the JSON pointer %s', (field, pointer) => {
    expect(pointerOf(field)).toBe(pointer);
  });
});
