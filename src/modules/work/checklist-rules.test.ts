import { describe, expect, it } from 'vitest';
import {
  conditionHolds,
  conditionText,
  evidenceFor,
  isComplete,
  mayActFor,
  waitingFor,
  type ItemState,
} from './checklist-rules.js';

const item = (position: number, status: ItemState['status'], approval: string | null = null): ItemState => ({
  item: `i${position}`,
  position,
  text: `Step ${position + 1}`,
  status,
  approvalRole: approval,
  approvedAt: null,
});

describe('evidenceFor', () => {
  it('takes the kind the item asks for, as text', () => {
    expect(evidenceFor('note', { kind: 'note', value: ' Checked ' })).toEqual({ ok: true, value: 'Checked' });
    expect(evidenceFor('number', { kind: 'number', value: '12.5' })).toEqual({ ok: true, value: '12.5' });
    expect(evidenceFor('link', { kind: 'link', value: 'http://a.example/x' })).toMatchObject({ ok: true });
    expect(evidenceFor('file', { kind: 'file', value: 'statement.pdf' })).toMatchObject({ ok: true });
    expect(evidenceFor('none', undefined)).toEqual({ ok: true, value: null });
  });
  it('refuses missing, wrong, empty and malformed evidence with the reason', () => {
    expect(evidenceFor('link', undefined)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('a link'),
    });
    expect(evidenceFor('note', { kind: 'file', value: 'a.pdf' })).toMatchObject({ ok: false });
    expect(evidenceFor('none', { kind: 'note', value: 'x' })).toMatchObject({ ok: false });
    expect(evidenceFor('file', { kind: 'file', value: '  ' })).toMatchObject({ ok: false });
    expect(evidenceFor('number', { kind: 'number', value: '' })).toMatchObject({ ok: false });
    expect(evidenceFor('number', { kind: 'number', value: Number.NaN })).toMatchObject({ ok: false });
    for (const url of ['ftp://a.example/x', 'javascript:alert(1)', 'example.com', 'https://'])
      expect(evidenceFor('link', { kind: 'link', value: url })).toMatchObject({ ok: false });
  });
});

describe('mayActFor', () => {
  it('lets the role, owners and admins act for `role:` and `tier:`; anyone for other recipients', () => {
    expect(mayActFor('role:finance', 'finance').ok).toBe(true);
    expect(mayActFor('role:finance', 'owner').ok).toBe(true);
    expect(mayActFor('role:finance', 'admin').ok).toBe(true);
    expect(mayActFor('tier:l2', 'l2').ok).toBe(true);
    expect(mayActFor('role:finance', 'support')).toMatchObject({ ok: false });
    expect(mayActFor('role:finance', null)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('token'),
    });
    expect(mayActFor(null, 'viewer').ok).toBe(true);
    expect(mayActFor('assignee:', 'support').ok).toBe(true);
  });
});

describe('waitingFor and isComplete', () => {
  it('names the first open step before the one asked for', () => {
    const items = [item(2, 'open'), item(0, 'done'), item(1, 'open')];
    expect(waitingFor(items, 2)?.position).toBe(1);
    expect(waitingFor(items, 1)).toBeNull();
  });
  it('completes when every item is done or skipped and approvals are given', () => {
    expect(isComplete([item(0, 'done'), item(1, 'skipped')])).toBe(true);
    expect(isComplete([item(0, 'done'), item(1, 'open')])).toBe(false);
    expect(isComplete([item(0, 'done', 'role:finance')])).toBe(false);
    expect(isComplete([{ ...item(0, 'done', 'role:finance'), approvedAt: new Date(0) }])).toBe(true);
    // A skipped item needs no approval.
    expect(isComplete([item(0, 'skipped', 'role:finance')])).toBe(true);
  });
});

describe('conditionHolds and conditionText', () => {
  const state = {
    kind: 'account',
    fields: { signup_status: 'approved' },
    facts: { units: 240 },
    marks: { 'payment-confirmed': 1 },
  };
  it('reads fields, facts and marks as the engine does', () => {
    expect(conditionHolds({ field: 'signup_status', eq: 'approved' }, state)).toBe(true);
    expect(conditionHolds({ field: 'account.signup_status', eq: 'approved' }, state)).toBe(true);
    expect(conditionHolds({ field: 'facts.units', gte: 200 }, state)).toBe(true);
    expect(conditionHolds({ field: 'payment_confirmed', eq: true }, state)).toBe(true);
    expect(conditionHolds({ field: 'client_supports_offline_bootstrap', eq: true }, state)).toBe(false);
    expect(conditionHolds({ field: 'signup_status', eq: 'approved' }, null)).toBe(false);
    expect(conditionHolds(undefined, null)).toBe(true);
  });
  it('says a condition in words', () => {
    expect(conditionText({ field: 'signup_status', eq: 'approved' })).toBe('signup_status = approved');
    expect(
      conditionText({ all: [{ field: 'a', gte: 1, lt: 5 }, { not: { field: 'b', exists: true } }] }),
    ).toBe('all of (a ≥ 1 and < 5; not (b is set))');
  });
});
