/**
 * The rules of working a checklist run, as pure functions of the run's items, the person and the record:
 * the evidence an item takes, who may work it, what an ordered checklist still waits for, whether an
 * item's condition holds, and when a run is complete. checklists.ts reads and writes; these decide.
 */
import { holds } from '../../core/decide/conditions.js';
import type { Scalar, SubjectState } from '../../core/decide/types.js';
import type { Frozen } from '../../packs/compile.js';
import type { Condition } from '../../packs/schema/common.js';
import type { ChecklistItemStatus, EvidenceKind } from '../../store/schema-work.js';

/** Evidence as a person gives it: its kind, so a wrong kind is named, and its value. */
export interface EvidenceInput {
  readonly kind: Exclude<EvidenceKind, 'none'>;
  readonly value: string | number;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: Verdict = { ok: true };
const refuse = (reason: string): Verdict => ({ ok: false, reason });

const KIND_WORDS: Readonly<Record<EvidenceKind, string>> = {
  note: 'a note',
  link: 'a link (an http or https URL)',
  file: "a file's name or reference",
  number: 'a number',
  none: 'no evidence',
};

/**
 * The evidence to store for an item that takes `kind`, as text, or why it is refused.
 *
 * @example evidenceFor('link', { kind: 'link', value: 'https://pay.example/ref/88' }) // { ok: true, value: '…' }
 */
export function evidenceFor(
  kind: EvidenceKind,
  given: EvidenceInput | undefined,
): { readonly ok: true; readonly value: string | null } | { readonly ok: false; readonly reason: string } {
  if (kind === 'none') {
    return given
      ? { ok: false, reason: 'This item takes no evidence; write what you want to add as a note.' }
      : { ok: true, value: null };
  }
  if (!given) return { ok: false, reason: `This item needs ${KIND_WORDS[kind]} as its evidence.` };
  if (given.kind !== kind)
    return {
      ok: false,
      reason: `This item needs ${KIND_WORDS[kind]} as its evidence, not ${KIND_WORDS[given.kind]}.`,
    };
  const text = String(given.value).trim();
  switch (kind) {
    case 'number': {
      const n = typeof given.value === 'number' ? given.value : Number(text);
      return text !== '' && Number.isFinite(n)
        ? { ok: true, value: String(n) }
        : { ok: false, reason: `"${text}" is not a number.` };
    }
    case 'link':
      return isWebUrl(text)
        ? { ok: true, value: text }
        : {
            ok: false,
            reason: `"${text}" is not an http or https URL (e.g. https://example.com/receipt/88).`,
          };
    case 'note':
    case 'file':
      return text !== '' ? { ok: true, value: text } : { ok: false, reason: `The ${kind} is empty.` };
  }
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Workspace roles that may work and approve every item, whoever owns it. */
export const ALWAYS_ACTS: ReadonlySet<string> = new Set(['owner', 'admin']);

/**
 * Whether someone with workspace role `role` (null: an API token without one) may act for `recipient`
 * (`role:finance`, the item's owner or approver). `role:` and `tier:` name a workspace role, held as
 * notification routing reads it (directory.ts); other recipients (`assignee:`, `contact:`, …) name no role
 * a member holds, so anyone who may write events acts for them. Owners and admins always may.
 */
export function mayActFor(recipient: string | null, role: string | null): Verdict {
  if (role !== null && ALWAYS_ACTS.has(role)) return OK;
  const match = /^(role|tier):(.+)$/.exec(recipient ?? '');
  if (!match) return OK;
  if (role === match[2]) return OK;
  return refuse(
    `Only a member with the role "${match[2]}" (or an owner or admin) may do this; ${role ? `your role is "${role}"` : 'this API token holds no role'}.`,
  );
}

export interface ItemState {
  readonly item: string;
  readonly position: number;
  readonly text: string;
  readonly status: ChecklistItemStatus;
  readonly approvalRole: string | null;
  readonly approvedAt: Date | null;
}

/** In an ordered checklist, the first item before `position` still open (it must be done or skipped first). */
export function waitingFor(items: readonly ItemState[], position: number): ItemState | null {
  return (
    [...items]
      .sort((a, b) => a.position - b.position)
      .find((i) => i.position < position && i.status === 'open') ?? null
  );
}

/** A run is complete when every item is done or skipped, and every done item that needs approval has it. */
export function isComplete(items: readonly ItemState[]): boolean {
  return items.every(
    (i) =>
      i.status === 'skipped' || (i.status === 'done' && (i.approvalRole === null || i.approvedAt !== null)),
  );
}

/**
 * Whether an item's `when` holds on the record as it is now: its fields, then its facts, then its marks as
 * booleans (the engine's own reading, src/core/decide/context.ts, without an event in hand).
 */
export function conditionHolds(
  condition: Frozen<Condition> | undefined,
  state: Pick<SubjectState, 'kind' | 'fields' | 'facts' | 'marks'> | null,
): boolean {
  const lookup = (field: string): Scalar | undefined => {
    if (!state) return undefined;
    if (field.startsWith('facts.')) return state.facts[field.slice(6)];
    const [head, ...rest] = field.split('.');
    if (rest.length > 0 && head === state.kind) return lookup(rest.join('.'));
    if (Object.hasOwn(state.fields, field)) return state.fields[field];
    if (Object.hasOwn(state.facts, field)) return state.facts[field];
    return Object.hasOwn(state.marks, field.replaceAll('_', '-')) ? true : undefined;
  };
  return holds(condition, { lookup });
}

/** A condition in words (the engine's own wording, src/core/decide/conditions.ts). */
export { conditionText } from '../../core/decide/conditions.js';
