/** The engine's pure core: `decide` and what it reads and returns. */
export { decide, newSubject, splitKey, PAUSED_STATUSES, RESOLVED_STATUSES } from './decide.js';
export { prepare, type EnginePolicy } from './prepare.js';
export type { Decision, Effect, EffectType, EngineEvent, Fields, Scalar, SubjectState } from './types.js';
