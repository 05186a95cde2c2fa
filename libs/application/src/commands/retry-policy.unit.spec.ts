import { backOffMs, DEFAULT_RETRY_POLICY } from './retry-policy.js';

describe('backOffMs (full jitter)', () => {
  const policy = { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 500 };

  it('doubles the ceiling per failed attempt up to maxDelayMs', () => {
    const ceiling = (failed: number) => backOffMs({ ...policy, random: () => 0.999999 }, failed) + 1;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(ceiling)).toEqual([10, 20, 40, 80, 160, 320, 500, 500]);
  });

  it('may be anything from zero up to the ceiling', () => {
    expect(backOffMs({ ...policy, random: () => 0 }, 5)).toBe(0);
    expect(backOffMs({ ...policy, random: () => 0.5 }, 5)).toBe(80);
  });

  it('is bounded by default: 8 attempts, waits under 10, 20, ... 500 ms', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject(policy);
  });
});
