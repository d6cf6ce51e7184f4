import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress, formatDuration, rateDetail } from '../../src/cli/progress.js';

describe('progress lines', () => {
  afterEach(() => vi.restoreAllMocks());

  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Infinity)).toBe('?');
  });

  it('measures the rate on fresh work only, names the cached part and the time left', () => {
    // 1,000 of 5,000 came from the cache; 400 more in 4 s: 100/s, 3,600 left → 36 s.
    expect(rateDetail(1400, 5000, 1000, 4, 1000)).toBe('100/s, 1,000 cached, 36s left');
    expect(rateDetail(3, 10, 0, 2, undefined)).toBe('1.5/s, 5s left');
    expect(rateDetail(0, 10, 0, 0, undefined)).toBe('');
    expect(rateDetail(10, 10, 0, 2, 0)).toBe('5.0/s');
  });

  it('prints a line per tenth (not a TTY) with the stage, counts, rate and ETA, and nothing when quiet', () => {
    const writes: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      writes.push(String(chunk));
      return true;
    });
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const progress = createProgress({ quiet: false });
    progress({ stage: 'test generations', done: 200, total: 1000, cached: 200 });
    now = 2000;
    progress({ stage: 'test generations', done: 400, total: 1000, cached: 200 });
    progress.stop();
    expect(writes).toEqual(['test generations: 200/1000 (200 cached)\n', 'test generations: 400/1000 (100/s, 200 cached, 6s left)\n']);
    writes.length = 0;
    const quiet = createProgress({ quiet: true });
    quiet({ stage: 'x', done: 1, total: 2 });
    expect(writes).toEqual([]);
  });
});
