import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { inputChecks } from '#libs/shared-kernel';
import { IsCalendarDate } from './field-formats.js';
import { fieldProblems } from './validation.js';

class DueDto {
  @IsCalendarDate() dueDate!: string;
}

const problemsOf = async (dueDate: unknown) =>
  fieldProblems(await validate(plainToInstance(DueDto, { dueDate })));
const domainAccepts = (value: string) => {
  const check = inputChecks((field, message) => {
    throw new Error(`${field}: ${message}`);
  });
  try {
    check.requiredDate(value, 'dueDate');
    return true;
  } catch {
    return false;
  }
};

describe('IsCalendarDate', () => {
  it.each(['2025-11-30', '2024-02-29', '2025-02-30', '2025-13-01', '2025-1-01', '2023-02-29', 'soon'])(
    'agrees with the deciders on %s',
    async (value) => {
      const problems = await problemsOf(value);
      expect(problems.length === 0).toBe(domainAccepts(value));
    },
  );

  it('names the field and the expected format', async () => {
    expect(await problemsOf('2025-02-30')).toEqual([
      { pointer: '/dueDate', detail: 'dueDate must be a date YYYY-MM-DD (Asia/Ho_Chi_Minh)' },
    ]);
  });
});
