import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/route/slots.js';

describe("Slots: serve's concurrency limit", () => {
  it('runs at most `limit` tasks at once, starts the waiting ones in arrival order, and reports idle', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const results = Array.from({ length: 5 }, (_, i) =>
      slots.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i * 10;
      }),
    );
    await Promise.resolve();
    expect(slots.pending).toBe(2);
    expect(slots.size).toBe(3);
    let idle = false;
    const idlePromise = slots.onIdle().then(() => (idle = true));
    // Release tasks one at a time, in start order.
    for (let released = 0; released < 5; released++) {
      while (gates.length <= released) await new Promise((r) => setTimeout(r, 1));
      expect(idle).toBe(false);
      gates[released]();
    }
    expect(await Promise.all(results)).toEqual([0, 10, 20, 30, 40]);
    await idlePromise;
    expect(idle).toBe(true);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(slots.pending).toBe(0);
    expect(slots.size).toBe(0);
  });

  it('a failing task frees its slot', async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(() => Promise.resolve('next'))).toBe('next');
    await slots.onIdle();
  });
});
