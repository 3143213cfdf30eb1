/**
 * The pure parts of retention: which decisions erase an account's data (entering a state the pack marks
 * `erasesData`, not staying in it), the retention rule they quote, and the deletion in words. The POS pack
 * and the real `decide` make the decisions.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../../core/decide/decide.js';
import { prepare, type EnginePolicy } from '../../core/decide/prepare.js';
import type { Effect, Fields, SubjectState } from '../../core/decide/types.js';
import { compilePack } from '../../packs/compile.js';
import { loadPack } from '../../packs/load.js';
import { deletionWords, erasingLifecycles, erasuresEntered } from './retention.js';

const DAY = 86_400_000;
let ep: EnginePolicy;

beforeAll(async () => {
  const loaded = await loadPack('packs/pos-saas');
  if (!loaded.ok) throw new Error('pos-saas does not load');
  ep = prepare(compilePack(loaded.pack, loaded.hash));
});

/** Runs events through decide; returns the last state and the effects of the last event. */
function run(events: readonly [type: string, atMs: number, data?: Fields][]) {
  let state: SubjectState | null = null;
  let effects: readonly Effect[] = [];
  for (const [type, atMs, data] of events) {
    const decision = decide(ep, state, { type, atMs, subject: 'account:a', data: { account: 'a', ...data } });
    state = decision.state;
    effects = decision.effects;
  }
  const lifecycles = Object.fromEntries(Object.entries(state!.lifecycles).map(([id, p]) => [id, p.state]));
  return { lifecycles, effects };
}

describe('erasuresEntered', () => {
  it('names the lifecycle that entered data-deleted and the retention rule that moved it', () => {
    for (const [plan, days, quote] of [
      ['pro', 30, 'Standard: 30 days after cancellation'],
      ['enterprise', 90, 'Enterprise: 90 days after cancellation'],
    ] as const) {
      const { lifecycles, effects } = run([
        ['trial.started', 0, { plan: 'trial' }],
        ['subscription.upgraded', DAY, { plan }],
        ['subscription.cancelled', 2 * DAY],
        ['timer', (2 + days) * DAY],
      ]);
      expect(lifecycles).toEqual({ subscription: 'data-deleted' });
      expect(erasuresEntered(ep, { subscription: 'cancelled' }, lifecycles, effects)).toEqual([
        { lifecycle: 'subscription', state: 'data-deleted', quote },
      ]);
    }
  });

  it('erases nothing while the account stays where it was, or in a state that keeps the data', () => {
    const { lifecycles, effects } = run([
      ['trial.started', 0, { plan: 'trial' }],
      ['subscription.upgraded', DAY, { plan: 'pro' }],
      ['subscription.cancelled', 2 * DAY],
    ]);
    expect(erasingLifecycles(ep, lifecycles)).toEqual([]);
    expect(erasuresEntered(ep, { subscription: 'active' }, lifecycles, effects)).toEqual([]);
    const deleted = { subscription: 'data-deleted' };
    expect(erasingLifecycles(ep, deleted)).toEqual(['subscription']);
    expect(erasuresEntered(ep, deleted, deleted, [])).toEqual([]);
  });

  it("falls back to the state's quote when no transition effect says how it got there", () => {
    expect(erasuresEntered(ep, {}, { subscription: 'data-deleted' }, [])).toEqual([
      { lifecycle: 'subscription', state: 'data-deleted', quote: 'data deleted' },
    ]);
  });
});

describe('deletionWords', () => {
  it('counts what was deleted and quotes the rule', () => {
    expect(
      deletionWords(
        { contacts: 1, facts: 0, customFields: 2, factReceipts: 1 },
        'Standard: 30 days after cancellation',
      ),
    ).toBe(
      '1 contact, 0 facts, 2 custom fields, 1 fact receipt, per retention policy "Standard: 30 days after cancellation"',
    );
    expect(deletionWords({ contacts: 0, facts: 0, customFields: 0, factReceipts: 0 }, null)).toBe(
      '0 contacts, 0 facts, 0 custom fields, 0 fact receipts, per retention policy',
    );
  });
});
