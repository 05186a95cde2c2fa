import { releaseMemory } from './body-parsers.js';

describe('releaseMemory', () => {
  it('frees the memory of a buffer that has it to itself, leaving the buffer empty', () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const memory = chunk.buffer;
    releaseMemory(chunk);
    expect(memory.byteLength).toBe(0);
    expect(chunk.length).toBe(0);
  });

  it('leaves a slice of shared memory alone', () => {
    const whole = Buffer.alloc(64 * 1024, 2);
    const slice = whole.subarray(1024, 2048);
    releaseMemory(slice);
    expect(whole.buffer.byteLength).toBe(64 * 1024);
    expect(slice.every((byte) => byte === 2)).toBe(true);
  });
});
