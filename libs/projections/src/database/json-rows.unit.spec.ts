import { jsonArrays, jsonText } from './json-rows.js';

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

describe('the JSON arrays of a large write', () => {
  const rows = Array.from({ length: 1_000 }, (_, i) => ({
    task_id: `t${i}`,
    text: 'Báo cáo tiến độ '.repeat(i % 7),
    n: i,
  }));

  it('hold every row once, in order, each array near the size asked', () => {
    const arrays = jsonArrays(rows, 4_096);
    expect(arrays.length).toBeGreaterThan(5);
    for (const array of arrays) expect(array.length).toBeLessThanOrEqual(4_096 + 2);
    expect(arrays.flatMap((array) => JSON.parse(array) as unknown[])).toEqual(rows);
  });

  it('is one array, the text of JSON.stringify, when the rows fit', () => {
    expect(jsonArrays(rows, 10_000_000)).toEqual([JSON.stringify(rows)]);
  });

  it('gives a row longer than the size an array of its own', () => {
    const long = { task_id: 'long', text: 'x'.repeat(10_000) };
    const arrays = jsonArrays([rows[0]!, long, rows[1]!], 1_000);
    expect(arrays.map((array) => JSON.parse(array) as unknown[])).toEqual([[rows[0]], [long], [rows[1]]]);
  });
});
