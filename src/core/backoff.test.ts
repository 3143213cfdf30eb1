import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, retryDelayMs } from './backoff.js';

describe('retryDelayMs', () => {
  it('doubles the window with each attempt and draws from its upper half', () => {
    expect(retryDelayMs(1, 0)).toBe(2_500);
    expect(retryDelayMs(1, 1)).toBe(5_000);
    expect(retryDelayMs(3, 0.5)).toBe(15_000);
  });

  it('never exceeds the cap, even for absurd attempt numbers', () => {
    expect(retryDelayMs(1_000, 1)).toBe(DEFAULT_BACKOFF.maxMs);
  });

  it('stays within [window/2, window] for any attempt and draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, r) => {
          const windowMs = Math.min(
            DEFAULT_BACKOFF.maxMs,
            DEFAULT_BACKOFF.baseMs * 2 ** Math.min(attempt - 1, 30),
          );
          const d = retryDelayMs(attempt, r);
          return d >= Math.floor(windowMs / 2) && d <= windowMs;
        },
      ),
    );
  });
});
