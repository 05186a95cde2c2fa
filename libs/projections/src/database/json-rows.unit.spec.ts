import { jsonText } from './json-rows.js';

describe('the JSON text of rows written', () => {
  it('is plain JSON for rows without bigints', () => {
    const rows = [
      { task_id: 't1', state: { status: 'open', parties: ['a', 'b'] }, due: null, n: 1.5 },
      { task_id: 't2', text: 'Đã khám sàng lọc 120 trẻ "quoted"', flag: true },
    ];
    expect(jsonText(rows)).toBe(JSON.stringify(rows));
  });

  it('writes bigints, nested ones too, as decimal strings', () => {
    const rows = [{ global_position: 9007199254740993n, event: { position: { at: 12n } }, other: 'x' }];
    expect(JSON.parse(jsonText(rows))).toEqual([
      { global_position: '9007199254740993', event: { position: { at: '12' } }, other: 'x' },
    ]);
  });

  it('still refuses what JSON cannot hold', () => {
    const row: Record<string, unknown> = { task_id: 't1' };
    row['self'] = row;
    expect(() => jsonText([row])).toThrow(TypeError);
  });
});
