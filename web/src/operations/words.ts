/** How the operations pages name their places and say a record's state. */
import type { RecordKind } from '../records-api';

export const OPERATIONS_PATH = '/operations';

export const recordsPath = (kind: RecordKind) => `${OPERATIONS_PATH}/${kind === 'bug' ? 'bugs' : 'releases'}`;
export const recordPath = (kind: RecordKind, ref: string) => `${recordsPath(kind)}/${ref}`;

export const KIND_WORDS: Readonly<Record<RecordKind, { one: string; many: string; start: string }>> = {
  bug: { one: 'bug', many: 'Bugs', start: 'Report a bug' },
  release: { one: 'release', many: 'Releases', start: 'Start a release' },
};

/** A state id in words: `release-notes-prepared` → "release notes prepared". */
export const stateWords = (state: string) => state.replace(/-/g, ' ');

/** How a state reads at a glance: ended well, ended badly, or under way. */
export function stateTone(state: string, ended: boolean): 'good' | 'bad' | 'warn' | 'quiet' {
  if (state === 'rolled-back') return 'bad';
  if (ended) return 'good';
  return state === 'production-deploy' || state === 'monitor' ? 'warn' : 'quiet';
}
