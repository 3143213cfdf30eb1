/**
 * A form's field errors from the server's problem (`errors[].pointer` `/body/phone` → the phone field),
 * and the focus moved to the first field in error, so a keyboard user lands where the fix is. What was
 * typed stays: the forms clear their fields only after a success.
 */
import { useEffect } from 'react';
import { fieldError, problemCode } from '../api';

/**
 * @example const errors = useFieldErrors(action.error, 'contact', ['name', 'phone'], 'phone');
 * `conflictField` takes a 409's detail (an id or phone already taken), which names no pointer.
 */
export function useFieldErrors<F extends string>(
  error: unknown,
  idPrefix: string,
  fields: readonly F[],
  conflictField?: F,
): Partial<Record<F, string>> {
  const errors: Partial<Record<F, string>> = {};
  for (const field of fields) {
    const message = fieldError(error, field);
    if (message) errors[field] = message;
  }
  if (conflictField && problemCode(error) === 'OPS_CONFLICT' && error instanceof Error)
    errors[conflictField] ??= error.message;

  const first = fields.find((field) => errors[field] !== undefined);
  useEffect(() => {
    if (first) focusField(idPrefix, first);
  }, [error, first, idPrefix]);
  return errors;
}

/** Moves the focus to a form's field (`contact-phone`): where a refusal, the server's or the form's, is. */
export function focusField(idPrefix: string, field: string): void {
  document.getElementById(`${idPrefix}-${field}`)?.focus();
}
