import { Type } from 'class-transformer';
import { IsIn, IsString, ValidateNested, type ValidationError } from 'class-validator';
import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { ProblemError } from './problem-details.js';
import { fieldProblems, normaliseStrings } from './validation.js';

class AssigneeDto {
  @IsString() agencyCode!: string;
  @IsIn(['lead', 'support', 'requested']) role!: string;
}

class AssignDto {
  @IsString() title!: string;
  @ValidateNested({ each: true })
  @Type(() => AssigneeDto)
  assignees!: AssigneeDto[];
}

describe('fieldProblems', () => {
  it('points at nested fields with JSON pointers', async () => {
    const dto = plainToInstance(AssignDto, {
      title: 5,
      assignees: [{ agencyCode: 'lc-so-y-te', role: 'boss' }],
    });
    const errors: ValidationError[] = await validate(dto);
    const problems = fieldProblems(errors);
    expect(problems.map((p) => p.pointer).sort()).toEqual(['/assignees/0/role', '/title']);
  });

  it('escapes "/" and "~" in field names', () => {
    expect(fieldProblems([{ property: 'a/b~c', constraints: { x: 'wrong' }, children: [] }])).toEqual([
      { pointer: '/a~1b~0c', detail: 'wrong' },
    ]);
  });
});

describe('normaliseStrings', () => {
  it('turns decomposed Vietnamese into NFC everywhere in a body', () => {
    const nfd = 'Sở Lao động'.normalize('NFD');
    const body = normaliseStrings({ title: nfd, list: [nfd], nested: { text: nfd }, count: 3, none: null });
    expect(body).toEqual({
      title: 'Sở Lao động'.normalize('NFC'),
      list: ['Sở Lao động'.normalize('NFC')],
      nested: { text: 'Sở Lao động'.normalize('NFC') },
      count: 3,
      none: null,
    });
  });

  it.each([
    ['a NUL character', { text: 'a\u0000b' }, '/text'],
    ['an unpaired high surrogate', { list: ['ok', 'half \ud83d'] }, '/list/1'],
    ['an unpaired low surrogate', { nested: { 'a/b': '\udc00 alone' } }, '/nested/a~1b'],
    ['a NUL character in a key', { ['k\u0000']: 'v' }, '/k\u0000'],
  ])('refuses %s with 422 and the pointer of the field', (_, body, pointer) => {
    let thrown: unknown;
    try {
      normaliseStrings(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    expect((thrown as ProblemError).problem).toMatchObject({ status: 422, code: 'validation' });
    expect((thrown as ProblemError).problem.errors?.map((e) => e.pointer)).toEqual([pointer]);
  });

  it('keeps whole surrogate pairs and text that only looks like an escape', () => {
    const body = { text: 'trẻ em 👧', path: 'C:\\u0000' };
    expect(normaliseStrings(body)).toEqual(body);
  });
});
