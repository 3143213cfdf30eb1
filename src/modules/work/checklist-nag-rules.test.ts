import { describe, expect, it } from 'vitest';
import { DEFAULT_GRACE_MS, nagsDue, nextNagMs, type NagItem } from './checklist-nag-rules.js';
import { planRun, type ChecklistEffect, type PackChecklist } from './checklist-plan.js';

const H = 3_600_000;
const T0 = Date.parse('2026-05-04T00:00:00Z');

const item = (over: Partial<NagItem>): NagItem => ({
  item: 'a',
  text: 'A',
  owner: 'role:operations',
  dueMs: T0,
  offsetMs: null,
  status: 'open',
  ...over,
});

describe('nagsDue', () => {
  it('nags at the due instant and escalates after 24 h, grouping by instant and owner', () => {
    const items = [item({ item: 'a' }), item({ item: 'b' }), item({ item: 'c', owner: 'role:finance' })];
    expect(nagsDue(items, T0 - 1)).toEqual([]);
    expect(nagsDue(items, T0).map((g) => [g.stage, g.owner, g.items.map((i) => i.item)])).toEqual([
      ['due', 'role:operations', ['a', 'b']],
      ['due', 'role:finance', ['c']],
    ]);
    expect(nagsDue(items, T0 + DEFAULT_GRACE_MS).map((g) => g.stage)).toEqual(['escalate', 'escalate']);
  });

  it("takes an item's own due offset as its grace, and leaves done items alone", () => {
    const urgent = item({ offsetMs: 15 * 60_000 });
    expect(nagsDue([urgent], T0 + 15 * 60_000)[0]!.stage).toBe('escalate');
    expect(nagsDue([item({ status: 'done' }), item({ dueMs: null })], T0 + 48 * H)).toEqual([]);
  });
});

describe('nextNagMs', () => {
  it('is the next due or escalation instant of an open item', () => {
    const items = [item({ dueMs: T0 + H }), item({ dueMs: T0 + 2 * H, status: 'done' })];
    expect(nextNagMs(items, T0)).toBe(T0 + H);
    expect(nextNagMs(items, T0 + H)).toBe(T0 + H + DEFAULT_GRACE_MS);
    expect(nextNagMs(items, T0 + H + DEFAULT_GRACE_MS)).toBeNull();
  });
});

describe('planRun', () => {
  const checklist = {
    id: 'backup-verification',
    label: 'Backup Verification',
    ordered: false,
    items: [
      { id: 'daily', text: 'Backup completion', evidence: 'none', cadence: { every: 'day' } },
      { id: 'check', text: 'Check the report', evidence: 'note', owner: 'role:devops', due: 2 * H },
    ],
    owner: 'role:platform',
  } as unknown as PackChecklist;
  const effect = (over: Partial<ChecklistEffect>): ChecklistEffect => ({
    type: 'checklist',
    key: 'k',
    atMs: T0 + 5 * H,
    subject: 'schedule:backup-verification',
    checklist: 'backup-verification',
    dueMs: T0,
    ...over,
  });

  it('dates a recurring run by its period, an item with an offset from the scheduled instant', () => {
    const plan = planRun(checklist, effect({}), T0 + 24 * H)!;
    expect(plan).toMatchObject({ recurring: true, dueMs: T0 + 24 * H });
    // The item with its own cadence has its own runs.
    expect(plan.items.map((i) => [i.item, i.owner, i.dueMs])).toEqual([['check', 'role:devops', T0 + 2 * H]]);
  });

  it("holds only an item schedule's item, due with its run", () => {
    const plan = planRun(
      checklist,
      effect({ subject: 'schedule:backup-verification/daily', item: 'daily' }),
      T0 + 24 * H,
    )!;
    expect(plan.items.map((i) => [i.item, i.owner, i.dueMs])).toEqual([
      ['daily', 'role:platform', T0 + 24 * H],
    ]);
  });

  it('dates a one-off run from when it opens; an item without an offset is never due', () => {
    const plan = planRun(checklist, effect({ subject: 'release:12', dueMs: undefined }))!;
    expect(plan.recurring).toBe(false);
    expect(plan.items.map((i) => i.dueMs)).toEqual([null, T0 + 7 * H]);
    expect(plan.dueMs).toBe(T0 + 7 * H);
    expect(planRun(checklist, effect({ item: 'nope' }))).toBeNull();
  });
});
