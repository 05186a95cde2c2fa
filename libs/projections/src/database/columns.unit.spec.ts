import { toIsoInstant } from './columns.js';

describe('toIsoInstant', () => {
  it('gives the canonical UTC form, the same when asked again', () => {
    for (let round = 0; round < 2; round++) {
      expect(toIsoInstant('2025-06-20T09:30:00+07:00')).toBe('2025-06-20T02:30:00.000Z');
      expect(toIsoInstant('2025-06-20T02:30:00.000Z')).toBe('2025-06-20T02:30:00.000Z');
      // As Date.parse reads it: a day past the month's end runs into the next month.
      expect(toIsoInstant('2024-02-30T00:00:00.000Z')).toBe('2024-03-01T00:00:00.000Z');
    }
  });

  it('refuses what is not an instant, every time', () => {
    expect(() => toIsoInstant('2024-13-01T00:00:00.000Z')).toThrow('Not an ISO instant');
    expect(() => toIsoInstant('2024-13-01T00:00:00.000Z')).toThrow('Not an ISO instant');
  });

  it('answers as Date does for more instants than it keeps', () => {
    const start = Date.parse('2025-01-01T00:00:00+07:00');
    for (let i = 0; i < 10_000; i++) {
      const local = new Date(start + i * 61_000).toISOString().replace('Z', '+00:00');
      expect(toIsoInstant(local)).toBe(new Date(Date.parse(local)).toISOString());
    }
  });
});
