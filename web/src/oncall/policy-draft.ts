/** An escalation policy being edited: its steps' targets split into kind and id, and the API's body. */
import type { Policy, PolicyInput } from '../oncall-api';
import type { TargetKind } from './words';

export interface TargetDraft {
  readonly kind: TargetKind;
  readonly id: string;
}

export interface StepDraft {
  readonly delay: string;
  readonly targets: readonly TargetDraft[];
}

export interface PolicyDraft {
  readonly name: string;
  readonly steps: readonly StepDraft[];
  readonly repeat: string;
  readonly severities: readonly string[];
}

const KINDS: readonly string[] = ['rotation', 'user', 'role', 'contact'];

export function targetDraft(target: string): TargetDraft {
  const at = target.indexOf(':');
  const kind = target.slice(0, at);
  return { kind: (KINDS.includes(kind) ? kind : 'contact') as TargetKind, id: target.slice(at + 1) };
}

export const newStep = (): StepDraft => ({ delay: '10', targets: [{ kind: 'role', id: 'owner' }] });

export function policyDraft(policy: Policy | null): PolicyDraft {
  if (!policy) return { name: '', steps: [newStep()], repeat: '0', severities: [] };
  return {
    name: policy.name,
    steps: policy.steps.map((s) => ({ delay: String(s.delayMinutes), targets: s.targets.map(targetDraft) })),
    repeat: String(policy.repeat),
    severities: policy.severities,
  };
}

/** A number typed into the form, or what was typed for the server to refuse. */
const numberOf = (typed: string): number => (typed.trim() === '' ? Number.NaN : Number(typed));

export function policyInput(draft: PolicyDraft): PolicyInput {
  return {
    name: draft.name,
    steps: draft.steps.map((s) => ({
      delayMinutes: numberOf(s.delay),
      targets: s.targets.map((t) => `${t.kind}:${t.id.trim()}`),
    })),
    repeat: numberOf(draft.repeat),
    severities: draft.severities,
  };
}
