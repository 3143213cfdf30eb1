/**
 * What the SaaS may let an account do (issue 9): it asks before a write and gets `read_write`,
 * `read_only` or `none`. The pack says which lifecycle states keep read-only access (`readOnly: true`:
 * POS "your account will be suspended (read-only access for 30 days)"); a terminal state (POS data
 * deleted, Smart Estate signup rejected) leaves nothing; any other state, or an account no lifecycle runs yet, may write.
 */
import type { EnginePolicy } from '../../core/decide/prepare.js';

export type AccessMode = 'read_write' | 'read_only' | 'none';

export interface AccessAnswer {
  readonly access: AccessMode;
  /** The lifecycle state that decided it (`subscription: suspended`), or null when none restricts. */
  readonly because: string | null;
}

export function accessOfAccount(ep: EnginePolicy | null, lifecycles: Record<string, string>): AccessAnswer {
  let answer: AccessAnswer = { access: 'read_write', because: null };
  for (const [lifecycleId, stateId] of Object.entries(lifecycles)) {
    const state = ep?.policy.lifecycles[lifecycleId]?.states.find((s) => s.id === stateId);
    if (!state) continue;
    if (state.terminal) return { access: 'none', because: `${lifecycleId}: ${stateId}` };
    if (state.readOnly && answer.access === 'read_write')
      answer = { access: 'read_only', because: `${lifecycleId}: ${stateId}` };
  }
  return answer;
}
