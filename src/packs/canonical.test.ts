import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from './canonical.js';

describe('canonicalJson and contentHash', () => {
  it('sorts keys at every depth, keeps list order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }, 'x'], e: undefined })).toBe(
      '{"a":[{"c":3,"d":2},"x"],"b":1}',
    );
  });

  it('hashes equal content equally, whatever the key order', () => {
    expect(contentHash({ a: 1, b: { c: [1, 2] } })).toBe(contentHash({ b: { c: [1, 2] }, a: 1 }));
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
    expect(contentHash({})).toMatch(/^[0-9a-f]{64}$/);
  });
});
