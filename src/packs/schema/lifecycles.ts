/**
 * Lifecycles: states and transitions with guards and timed transitions. Checked here: transitions name
 * existing states, the initial state exists, and timed transitions never form a loop on their own.
 */
import { z } from 'zod';
import { Action } from './actions.js';
import { Condition, Duration, Facts, Id, Quote, Recipient, Text } from './common.js';

export const LifecycleState = z.strictObject({
  id: Id,
  label: Text,
  terminal: z.boolean().default(false),
  readOnly: z.boolean().default(false).describe('The customer keeps read-only access in this state.'),
  erasesData: z
    .boolean()
    .default(false)
    .describe(
      "Entering this state deletes the account's data (contacts, usage facts, custom fields) and records the deletion; the account stays as a tombstone with its states. For the end of a retention period (POS data deleted).",
    ),
  quote: Quote.optional(),
});

export const Transition = z.strictObject({
  from: z.union([Id, z.array(Id).min(1), z.literal('*')]).describe('A state, a list of states, or `*`.'),
  to: Id,
  on: Text.optional().describe('The event or action that moves it (`approve`, `payment.confirmed`).'),
  after: Duration.optional().describe('Move automatically this long after entering `from`.'),
  guard: Condition.optional().describe(
    'Allowed only if this holds (e.g. signup approved AND payment confirmed).',
  ),
  approval: Recipient.optional().describe('Needs the approval of this role (a go/no-go).'),
  checklist: Id.optional().describe('Needs this checklist complete.'),
  effects: z.array(Action).optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

const LifecycleShape = z.strictObject({
  id: Id,
  label: Text,
  for: Text.describe(
    'What kind of record moves through it: `ticket`, `estate`, `subscription`, `bug`, `release`, …',
  ),
  initial: Id,
  states: z.array(LifecycleState).min(1),
  transitions: z.array(Transition),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

type LifecycleShape = z.infer<typeof LifecycleShape>;

function sources(from: LifecycleShape['transitions'][number]['from'], states: string[]): string[] {
  return from === '*' ? states : Array.isArray(from) ? from : [from];
}

/** Timed transitions alone must not loop: A -(1h)-> B -(1h)-> A would flap forever. */
function timedLoop(lifecycle: LifecycleShape): number | null {
  const states = lifecycle.states.map((s) => s.id);
  const timed = new Map<string, { to: string; index: number }[]>();
  lifecycle.transitions.forEach((t, index) => {
    if (t.after === undefined || t.on !== undefined) return;
    for (const from of sources(t.from, states))
      timed.set(from, [...(timed.get(from) ?? []), { to: t.to, index }]);
  });
  for (const start of states) {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const state = stack.pop()!;
      for (const edge of timed.get(state) ?? []) {
        if (edge.to === start) return edge.index;
        if (!seen.has(edge.to)) {
          seen.add(edge.to);
          stack.push(edge.to);
        }
      }
    }
  }
  return null;
}

export const Lifecycle = LifecycleShape.superRefine((lifecycle, ctx) => {
  const states = new Set(lifecycle.states.map((s) => s.id));
  if (!states.has(lifecycle.initial)) {
    ctx.addIssue({
      code: 'custom',
      path: ['initial'],
      message: `no state "${lifecycle.initial}" in this lifecycle; states: ${[...states].join(', ')}`,
    });
  }
  lifecycle.transitions.forEach((t, index) => {
    for (const from of t.from === '*' ? [] : Array.isArray(t.from) ? t.from : [t.from]) {
      if (!states.has(from))
        ctx.addIssue({
          code: 'custom',
          path: ['transitions', index, 'from'],
          message: `no state "${from}" in this lifecycle`,
        });
    }
    if (!states.has(t.to))
      ctx.addIssue({
        code: 'custom',
        path: ['transitions', index, 'to'],
        message: `no state "${t.to}" in this lifecycle`,
      });
    if (t.on === undefined && t.after === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['transitions', index],
        message: 'a transition needs `on` (an event) or `after` (a timed transition)',
      });
    }
  });
  const loop = timedLoop(lifecycle);
  if (loop !== null) {
    ctx.addIssue({
      code: 'custom',
      path: ['transitions', loop],
      message:
        'timed transitions form a cycle: with no event the record would move around it forever; make one of them wait for an event (`on`)',
    });
  }
});
