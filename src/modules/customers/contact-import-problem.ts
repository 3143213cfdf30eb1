/**
 * What is wrong with an uploaded contact list: the shape of a problem and what to do about each kind found
 * in a row. Shared by the file reader (contact-import-csv.ts), the row checks (contact-import-rows.ts) and
 * the planner (contact-import-plan.ts), so none of them imports another for it.
 */

export interface ImportProblem {
  line: number;
  column?: string;
  value?: string;
  code: string;
  message: string;
  hint: string;
}

/**
 * What to do about each row problem. The plan shows a more precise phone hint (an example number for the
 * default country) and role hint (this workspace's roles).
 */
export const HINTS = {
  IMPORT_REQUIRED: 'Every row needs name, phone, unit and estate (Resident Data SOP: required fields).',
  IMPORT_PHONE: 'Write the number with its country code.',
  IMPORT_OTHER_ACCOUNT: 'Import it into its own estate (SOP: "assign residents only to their estate").',
  IMPORT_EMAIL: 'Write it as name@example.com, or leave it empty.',
  IMPORT_ROLE: 'Use one of the roles of this workspace, or leave it empty.',
  IMPORT_LOCALE: 'Use a language tag such as en, hi or en-IN, or leave it empty.',
  IMPORT_ROW_SHAPE: 'Check for a missing or extra comma; put a value that contains a comma in double quotes.',
  IMPORT_DUPLICATE_PHONE: 'Each phone number may appear once: correct the number or remove one of the rows.',
  IMPORT_PHONE_TAKEN: 'One phone number is one person: correct the number, or move that contact first.',
  IMPORT_PHONE_AMBIGUOUS: 'Merge those contacts first, so the import knows which one to update.',
};
export type ProblemCode = keyof typeof HINTS;

export function problem(line: number, code: string, message: string, hint: string): ImportProblem {
  return { line, code, message, hint };
}

/** The plural ending for a message about `items`: `line` or `lines`. */
export function plural(items: readonly unknown[]): string {
  return items.length === 1 ? '' : 's';
}
