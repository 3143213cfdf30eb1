/**
 * The pure part of usage facts (mergeFactBatches): batches applied in order as if one by one — a duplicate
 * changes nothing, an older observation never replaces a newer one (also within one call), an equal value
 * is applied but is no change, and each batch's changed values are what the engine is told.
 */
import { describe, expect, it } from 'vitest';
import { mergeFactBatches, type FactBatch, type StoredFacts } from './facts.js';

const NOW = Date.parse('2026-03-02T04:00:00Z');
const stored = (facts: StoredFacts['facts'], atMs: number): StoredFacts => ({
  facts,
  factsAt: Object.fromEntries(Object.keys(facts).map((name) => [name, atMs])),
});

describe('mergeFactBatches', () => {
  it('applies a new account’s facts and tells every value as a change', () => {
    const batches: FactBatch[] = [{ account: 'a', facts: { customers_added: 2, plan_name: 'pro' } }];
    const merged = mergeFactBatches(new Map(), batches, [true], NOW);
    expect(merged.outcomes).toEqual([
      {
        account: 'a',
        duplicate: false,
        applied: ['customers_added', 'plan_name'],
        stale: [],
        changed: ['customers_added', 'plan_name'],
      },
    ]);
    expect(merged.accounts.get('a')).toEqual({
      facts: { customers_added: 2, plan_name: 'pro' },
      factsAt: { customers_added: NOW, plan_name: NOW },
    });
    expect(merged.changes).toEqual([{ account: 'a', values: { customers_added: 2, plan_name: 'pro' } }]);
  });

  it('answers a duplicate as such and leaves its account untouched', () => {
    const merged = mergeFactBatches(
      new Map([['a', stored({ x: 1 }, NOW - 1000)]]),
      [{ account: 'a', facts: { x: 5 }, key: 'k1' }],
      [false],
      NOW,
    );
    expect(merged.outcomes).toEqual([{ account: 'a', duplicate: true, applied: [], stale: [], changed: [] }]);
    expect(merged.accounts.size).toBe(0);
    expect(merged.changes).toEqual([]);
  });

  it('never lets an older observation win, against the row or an earlier batch of the same call', () => {
    const merged = mergeFactBatches(
      new Map([['a', stored({ x: 1, y: 1 }, NOW - 60_000)]]),
      [
        { account: 'a', facts: { x: 9 }, atMs: NOW - 120_000 },
        { account: 'a', facts: { y: 3 }, atMs: NOW - 10_000 },
        { account: 'a', facts: { y: 2 }, atMs: NOW - 30_000 },
      ],
      [true, true, true],
      NOW,
    );
    expect(merged.outcomes.map((o) => [o.applied, o.stale, o.changed])).toEqual([
      [[], ['x'], []],
      [['y'], [], ['y']],
      [[], ['y'], []],
    ]);
    expect(merged.accounts.get('a')).toEqual({
      facts: { x: 1, y: 3 },
      factsAt: { x: NOW - 60_000, y: NOW - 10_000 },
    });
    expect(merged.changes).toEqual([{ account: 'a', values: { y: 3 } }]);
  });

  it('applies an equal value (its instant moves on) without telling it as a change', () => {
    const merged = mergeFactBatches(
      new Map([['a', stored({ x: 1, gone: null }, NOW - 60_000)]]),
      [{ account: 'a', facts: { x: 1, gone: null } }],
      [true],
      NOW,
    );
    expect(merged.outcomes[0]).toMatchObject({ applied: ['x', 'gone'], changed: [] });
    expect(merged.accounts.get('a')?.factsAt).toEqual({ x: NOW, gone: NOW });
    expect(merged.changes).toEqual([]);
  });

  it('keeps each batch’s changes in call order, also when a later batch changes a value back', () => {
    const merged = mergeFactBatches(
      new Map(),
      [
        { account: 'a', facts: { x: 1 } },
        { account: 'b', facts: { x: 1 } },
        { account: 'a', facts: { x: 2 } },
        { account: 'a', facts: { x: 1 } },
      ],
      [true, true, true, true],
      NOW,
    );
    expect(merged.changes).toEqual([
      { account: 'a', values: { x: 1 } },
      { account: 'b', values: { x: 1 } },
      { account: 'a', values: { x: 2 } },
      { account: 'a', values: { x: 1 } },
    ]);
    expect(merged.accounts.get('a')?.facts).toEqual({ x: 1 });
  });

  it('does not change the stored rows it is given', () => {
    const row = stored({ x: 1 }, NOW - 1000);
    mergeFactBatches(new Map([['a', row]]), [{ account: 'a', facts: { x: 2, y: 1 } }], [true], NOW);
    expect(row).toEqual(stored({ x: 1 }, NOW - 1000));
  });
});
