import { en, type MessageKey } from './messages.en.js';
import { vi } from './messages.vi.js';
import { negotiateLanguage } from './languages.js';
import { localiseProblem, withFieldCheck } from './problems.js';
import { localDate, trailSummary } from './trail-summaries.js';
import { translate } from './translate.js';
import { problemType, type ProblemDetails } from '../http/problem-details.js';

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("the API's catalogue", () => {
  it('has the same keys in Vietnamese and English', () => {
    expect(Object.keys(vi).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(Object.keys(en) as MessageKey[])('%s has the same placeholders in both languages', (key) => {
    expect(placeholders(vi[key])).toEqual(placeholders(en[key]));
  });

  it('holds no empty text, and only NFC text', () => {
    for (const text of [...Object.values(en), ...Object.values(vi)]) {
      expect(text.trim()).not.toBe('');
      expect(text).toBe(text.normalize('NFC'));
    }
  });

  it('fills placeholders in the language asked', () => {
    expect(translate('vi', 'trail.TaskCancelled', { by: 'UBND tỉnh (lc-ubnd-tinh)' })).toBe(
      'UBND tỉnh (lc-ubnd-tinh) đã hủy nhiệm vụ',
    );
    expect(translate('en', 'trail.TaskCancelled', { by: 'X' })).toBe('X cancelled the task');
  });
});

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'vi'],
    ['', 'vi'],
    ['vi', 'vi'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['vi-VN, vi;q=0.9, en;q=0.8', 'vi'],
    ['en;q=0.8, vi;q=0.9', 'vi'],
    ['vi;q=0.1, en;q=0.5', 'en'],
    ['fr, de;q=0.9', 'vi'],
    ['fr, en;q=0.1', 'en'],
    ['*', 'vi'],
    ['en;q=0', 'vi'],
    [['fr', 'en;q=0.5'], 'en'],
  ] as const)('reads %j as %s', (header, language) => {
    expect(negotiateLanguage(header)).toBe(language);
  });
});

describe('trailSummary', () => {
  const names: Record<string, string> = {
    'lc-so-ldtbxh': 'Sở LĐTBXH tỉnh Lai Châu',
    'lc-so-yte': 'Sở Y tế tỉnh Lai Châu',
  };
  const nameOf = (code: string) => names[code];
  const handoff = {
    type: 'HandoffAccepted',
    data: {
      taskId: 't',
      planId: 'p',
      handoffId: 'h',
      fromAgency: 'lc-so-ldtbxh',
      toAgency: 'lc-so-yte',
      role: 'support',
      reason: null,
    },
  } as const;

  it('names agencies with their codes, in Vietnamese', () => {
    expect(trailSummary('vi', handoff, nameOf)).toBe(
      'Sở Y tế tỉnh Lai Châu (lc-so-yte) đã nhận vai trò phối hợp từ Sở LĐTBXH tỉnh Lai Châu (lc-so-ldtbxh)',
    );
  });

  it('and in English', () => {
    expect(trailSummary('en', handoff, nameOf)).toBe(
      'Sở Y tế tỉnh Lai Châu (lc-so-yte) took over the support role from Sở LĐTBXH tỉnh Lai Châu (lc-so-ldtbxh)',
    );
  });

  it('gives the code alone for an agency the directory does not know', () => {
    const event = {
      type: 'TaskAcknowledged',
      data: { taskId: 't', planId: 'p', agencyCode: 'x-y', role: 'lead' },
    } as const;
    expect(trailSummary('vi', event, nameOf)).toBe('x-y đã xác nhận nhận nhiệm vụ');
  });

  it('writes dates as each language does', () => {
    expect(localDate('vi', '2025-12-31')).toBe('31/12/2025');
    expect(localDate('en', '2025-12-31')).toBe('2025-12-31');
  });
});

describe('localiseProblem', () => {
  const refusal: ProblemDetails = {
    type: problemType('task.not-assignee'),
    title: 'Not allowed',
    status: 403,
    code: 'task.not-assignee',
    detail: 'lc-so-yte holds no assignment on this task',
  };

  it('keeps the English title and detail written where the refusal was decided', () => {
    expect(localiseProblem(refusal, 'en')).toEqual(refusal);
  });

  it('answers in Vietnamese by code, the code and type unchanged', () => {
    expect(localiseProblem(refusal, 'vi')).toEqual({
      ...refusal,
      title: 'Không được phép',
      detail: 'Cơ quan này không được giao nhiệm vụ này.',
    });
  });

  it("says each field's problem in Vietnamese by the check it failed, pointers unchanged", () => {
    const invalid: ProblemDetails = {
      type: problemType('validation'),
      title: 'The request is not valid',
      status: 422,
      code: 'validation',
      detail: 'Some fields are missing or wrong; see errors.',
      errors: [
        withFieldCheck({ pointer: '/text', detail: 'text must be a string' }, 'isString'),
        { pointer: '/assignees/0/role', detail: 'role is wrong' },
      ],
    };
    expect(localiseProblem(invalid, 'vi')).toMatchObject({
      title: 'Yêu cầu không hợp lệ',
      detail: 'Một số trường bị thiếu hoặc sai; xem errors.',
      errors: [
        { pointer: '/text', detail: 'Trường text phải là văn bản.' },
        { pointer: '/assignees/0/role', detail: 'Trường assignees/0/role không hợp lệ.' },
      ],
    });
  });

  it("names a field's limit, read from the check's message", () => {
    const tooLong: ProblemDetails = {
      type: problemType('validation'),
      title: 'The request is not valid',
      status: 422,
      code: 'validation',
      errors: [
        withFieldCheck(
          { pointer: '/text', detail: 'text must be shorter than or equal to 2000 characters' },
          'maxLength',
        ),
        withFieldCheck({ pointer: '/year', detail: 'year must not be less than 2000' }, 'min'),
        withFieldCheck({ pointer: '/reason', detail: 'reason is short' }, 'minLength'),
      ],
    };
    expect(localiseProblem(tooLong, 'vi').errors).toEqual([
      { pointer: '/text', detail: 'Trường text dài tối đa 2000 ký tự.' },
      { pointer: '/year', detail: 'Trường year không được nhỏ hơn 2000.' },
      // No number to say: the general form.
      { pointer: '/reason', detail: 'Trường reason không hợp lệ.' },
    ]);
  });

  it('falls back to the status for a code the catalogue does not know', () => {
    const unknown = { type: problemType('x'), title: 'T', status: 404, code: 'x.unknown' };
    expect(localiseProblem(unknown, 'vi').detail).toBe(
      'Không có gì ở địa chỉ này, hoặc không có gì bạn được phép xem.',
    );
  });
});
