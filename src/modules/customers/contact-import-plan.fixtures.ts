/**
 * Inputs for the contact-import tests: a file as bytes, the planner run for the Green Park account with two
 * roles, and distinct valid mobile numbers.
 */
import { planContactImport, type ImportInput, type ImportPlan } from './contact-import-plan.js';

export const account = { id: 'acc_green', name: 'Green Park' };
export const HEADER = 'name,phone,unit,estate,email,role,locale';

export const utf8 = (lines: readonly string[], eol = '\n'): Uint8Array =>
  new TextEncoder().encode(lines.join(eol) + eol);
export const run = (bytes: Uint8Array, over: Partial<ImportInput> = {}): ImportPlan =>
  planContactImport({
    bytes,
    account,
    defaultCountry: 'IN',
    roles: ['resident', 'guard'],
    existing: [],
    ...over,
  });
/** Distinct Indian mobile numbers (the 98… range is allocated, so valid for libphonenumber). */
export const mobile = (i: number): string => `+9198${String(i).padStart(8, '0')}`;
export const codes = (plan: ImportPlan) => plan.problems.map((p) => [p.line, p.code]);
