import { readFileSync } from 'node:fs';
import {
  asWritten,
  expand,
  matchesExample,
  parseRoleTable,
  parseWalkthrough,
  valueAt,
} from '../support/readme.js';

const section = (block: string) =>
  `# Title\n\n### Walkthrough: test\n\n\`\`\`sh\n${block}\n\`\`\`\n\n### Next\n`;

describe('reading the README walkthrough', () => {
  it('reads a command as the shell and curl do: quotes, variables, a here-document as the body', () => {
    const [step] = parseWalkthrough(
      section(
        [
          `curl -X POST "$API/tasks/$TASK_ID/handoffs" -H 'Authorization: Bearer demo.officer.x' \\`,
          `  -H 'Content-Type: application/json' -d @- <<EOF`,
          `{`,
          `  "toAgency": "$TO",`,
          `  "reason": "vì '$' không"`,
          `}`,
          `EOF`,
          `# 201 Created; keep handoffId as HANDOFF_ID, position as POSITION`,
        ].join('\n'),
      ),
    );
    expect(step).toMatchObject({
      method: 'POST',
      status: 201,
      keep: [
        { path: 'handoffId', name: 'HANDOFF_ID' },
        { path: 'position', name: 'POSITION' },
      ],
    });
    const variables = new Map([
      ['API', 'http://h'],
      ['TASK_ID', 't-1'],
      ['TO', 'lc-so-y-te'],
    ]);
    expect(expand(step!.url, variables, 1)).toBe('http://h/tasks/t-1/handoffs');
    expect(step!.headers.map((header) => expand(header, variables, 1))).toEqual([
      'Authorization: Bearer demo.officer.x',
      'Content-Type: application/json',
    ]);
    // curl -d @- sends the here-document without its line breaks.
    expect(expand(step!.body!, variables, 1)).toBe(
      '{  "toAgency": "lc-so-y-te",  "reason": "vì \'$\' không"}',
    );
    expect(asWritten(step!.body!)).toContain('"toAgency": "$TO"');
  });

  it('takes GET without -d, and keeps nothing when the answer line names nothing', () => {
    const [step] = parseWalkthrough(section(`curl -H 'Accept-Language: en' "$API/plans?q=a%20b"\n# 200 OK`));
    expect(step).toMatchObject({ method: 'GET', status: 200, keep: [] });
    expect(step!.body).toBeUndefined();
  });

  it('refuses a command without its answer line, a curl option it does not know, an unset variable', () => {
    expect(() => parseWalkthrough(section(`curl "$API/plans"`))).toThrow(/not followed by its answer/);
    expect(() => parseWalkthrough(section(`curl -k "$API/plans"\n# 200 OK`))).toThrow(
      /does not know curl's -k/,
    );
    const [step] = parseWalkthrough(section(`curl "$API/tasks/$TASK_ID"\n# 200 OK`));
    expect(() => expand(step!.url, new Map([['API', 'http://h']]), 9)).toThrow(
      /line 9: \$TASK_ID is not kept by any earlier step/,
    );
  });

  it('compares a body with an example: equal, a variable standing for any string', () => {
    const example = { planId: '890fd4bf-5c1b-5e2d-b1c4-1dadaf94cf50', assignees: [{ role: 'lead' }] };
    expect(matchesExample({ planId: '$PLAN_ID', assignees: [{ role: 'lead' }] }, example)).toBe(true);
    expect(matchesExample({ planId: '$PLAN_ID', assignees: [{ role: 'support' }] }, example)).toBe(false);
    expect(matchesExample({ planId: '$PLAN_ID' }, example)).toBe(false);
    expect(matchesExample({ ...example, reason: 'x' }, example)).toBe(false);
    expect(matchesExample({ planId: '$PLAN_ID', assignees: [] }, example)).toBe(false);
  });

  it('reads a value of an answer by its path', () => {
    expect(valueAt({ items: [{ planId: 'p' }] }, 'items[0].planId')).toBe('p');
    expect(valueAt({ items: [] }, 'items[0].planId')).toBeUndefined();
  });

  it("reads the README's own walkthrough: a task from assignment to accepted completion", () => {
    const steps = parseWalkthrough(readFileSync('README.md', 'utf8'));
    const commands = steps
      .filter((step) => step.method === 'POST')
      .map((step) => asWritten(step.url).replace(/^\$API/, ''));
    expect(commands).toEqual([
      '/tasks',
      '/tasks/$TASK_ID/acknowledge',
      '/tasks/$TASK_ID/progress',
      '/tasks/$TASK_ID/handoffs',
      '/tasks/$TASK_ID/handoffs/$HANDOFF_ID/accept',
      '/tasks/$TASK_ID/extensions',
      '/tasks/$TASK_ID/extensions/$EXTENSION_ID/grant',
      '/tasks/$TASK_ID/completion',
      '/tasks/$TASK_ID/completion/accept',
    ]);
  });
});

describe('reading the README table of who may call what', () => {
  const table = [
    '### Who may call what',
    '',
    'text',
    '',
    '| what | operations | issuer | officer |',
    '| ---- | ---------- | ------ | ------- |',
    "| decide | `POST /tasks`, `POST /tasks/{taskId}/extensions/{extensionId}/grant\\|deny` | its committee's | — |",
    '',
  ].join('\n');

  it('reads each row: its operations (alternatives spelled out) and the cell of each role', () => {
    const { roles, rows } = parseRoleTable(table);
    expect(roles).toEqual(['issuer', 'officer']);
    expect(rows).toEqual([
      {
        line: 7,
        what: 'decide',
        operations: [
          'POST /tasks',
          'POST /tasks/{taskId}/extensions/{extensionId}/grant',
          'POST /tasks/{taskId}/extensions/{extensionId}/deny',
        ],
        cells: { issuer: "its committee's", officer: '—' },
      },
    ]);
  });

  it("reads the README's own table: every role, every row with operations", () => {
    const { roles, rows } = parseRoleTable(readFileSync('README.md', 'utf8'));
    expect(roles).toEqual([
      'issuer',
      'officer',
      'administrator',
      'auditor',
      'inspector',
      'national auditor',
      'operator',
    ]);
    expect(rows.every((row) => row.operations.length > 0)).toBe(true);
  });
});
