/** The frame of the signed-out pages (sign in, sign up, invitation): a centred card with the brand. */
import type { InputHTMLAttributes, ReactNode, Ref } from 'react';
import { Logo } from './icons';

export function AuthCard({
  title,
  lead,
  children,
}: {
  readonly title: string;
  readonly lead?: ReactNode;
  readonly children: ReactNode;
}) {
  return (
    <main className="signin">
      <div className="signin-card">
        <div className="signin-brand">
          <Logo />
          <span className="brand-name">Opsbook</span>
        </div>
        <h1>{title}</h1>
        {lead && <p className="muted">{lead}</p>}
        {children}
      </div>
    </main>
  );
}

/** A labelled input with its field error (from the server's `errors[].pointer`) and an optional hint. */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  readonly id: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly error?: string | undefined;
  readonly children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** `aria-describedby` for an input inside Field: its hint and error, when shown. */
export const describedBy = (id: string, hint: unknown, error: unknown): string | undefined =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/**
 * A Field around its text input, which the hint and the error describe and the error marks invalid.
 * `onValue` gets what is typed; other props go to the input.
 */
export function TextField({
  id,
  label,
  hint,
  error,
  value,
  onValue,
  ref,
  ...input
}: {
  readonly id: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly error?: string | undefined;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly ref?: Ref<HTMLInputElement>;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        {...input}
        ref={ref}
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        value={value}
        onChange={(e) => onValue(e.target.value)}
      />
    </Field>
  );
}
