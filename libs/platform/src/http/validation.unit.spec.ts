import { Type } from 'class-transformer';
import { IsIn, IsString, ValidateNested, type ValidationError } from 'class-validator';
import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
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
});
