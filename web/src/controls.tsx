/**
 * Small pieces the pages share: in-app links, error notices, two-step buttons, secrets shown once and
 * the cards and tables that list things.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { describeError, problemCode } from './api';
import { useLinkClick } from './router';
import type { Action, Loaded } from './session';

export const SECURITY_PATH = '/account/security';

/** A link inside the app; `current` marks the page one is on (a tab, a navigation entry). */
export function AppLink({
  to,
  children,
  className,
  current,
}: {
  readonly to: string;
  readonly children: ReactNode;
  readonly className?: string;
  readonly current?: boolean;
}) {
  const onClick = useLinkClick(to);
  return (
    <a href={to} onClick={onClick} aria-current={current ? 'page' : undefined} className={className}>
      {children}
    </a>
  );
}

/** An error from the server in words; a workspace's MFA requirement leads to the security page. */
export function ErrorNotice({ error }: { readonly error: unknown }) {
  if (error === null || error === undefined) return null;
  if (problemCode(error) === 'OPS_MFA_REQUIRED') return <MfaPrompt detail={describeError(error)} />;
  return (
    <div className="alert" role="alert">
      {describeError(error)}
    </div>
  );
}

export function MfaPrompt({ detail }: { readonly detail: string }) {
  return (
    <section className="card prompt" role="alert" aria-labelledby="mfa-prompt-title">
      <h2 id="mfa-prompt-title">Multi-factor authentication required</h2>
      <p>{detail}</p>
      <p>
        <AppLink to={SECURITY_PATH} className="button primary">
          Go to Security
        </AppLink>
      </p>
    </section>
  );
}

/**
 * A button that asks once more before it acts: "Revoke" → "Revoke this token?" [Yes, revoke] [Cancel].
 * The answer runs `onConfirm` as `action`, which keeps the button busy meanwhile.
 */
export function ConfirmButton({
  label,
  question,
  confirm,
  action,
  onConfirm,
}: {
  readonly label: string;
  readonly question: string;
  readonly confirm: string;
  readonly action: Action;
  readonly onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const busy = action.busy;
  if (!asking) {
    return (
      <button type="button" className="button small" disabled={busy} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className="button small danger"
        disabled={busy}
        onClick={() => {
          setAsking(false);
          void action.run(onConfirm);
        }}
      >
        {confirm}
      </button>
      <button type="button" className="button small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A secret the server shows once (an API token, an invitation link): copy it now, then dismiss. */
export function ShownOnce({
  title,
  value,
  note,
  onDone,
}: {
  readonly title: string;
  readonly value: string;
  readonly note: string;
  readonly onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  // The Clipboard API needs a secure context (HTTPS or localhost); elsewhere the text can be selected.
  const clipboard = typeof navigator.clipboard?.writeText === 'function' ? navigator.clipboard : null;
  return (
    <section className="card shown-once" aria-label={title}>
      <h2>{title}</h2>
      <p>{note}</p>
      <div className="secret-row">
        <input readOnly value={value} aria-label={title} onFocus={(e) => e.target.select()} />
        {clipboard && (
          <button
            type="button"
            className="button"
            onClick={() =>
              void clipboard.writeText(value).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        )}
      </div>
      <button type="button" className="button primary" onClick={onDone}>
        Done
      </button>
    </section>
  );
}

export const when = (iso: string | null, none = '—') => (iso ? new Date(iso).toLocaleString() : none);

/** Sub-navigation of a page (Admin: Workspace, Members, …), as links so each tab has its own address. */
export function Tabs({
  label,
  tabs,
  current,
}: {
  readonly label: string;
  readonly tabs: readonly { readonly path: string; readonly name: string }[];
  readonly current: string;
}) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((tab) => (
        <AppLink key={tab.path} to={tab.path} current={tab.path === current} className="tab">
          {tab.name}
        </AppLink>
      ))}
    </nav>
  );
}

/** A card with a form that runs `onSubmit` as `action` (busy meanwhile); its error shows above the form. */
export function FormCard({
  titleId,
  title,
  action,
  onSubmit,
  submitLabel,
  disabled = false,
  children,
}: {
  readonly titleId: string;
  readonly title: string;
  readonly action: Action;
  readonly onSubmit: () => Promise<void>;
  readonly submitLabel: string;
  readonly disabled?: boolean;
  readonly children: ReactNode;
}) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(onSubmit);
  };
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <ErrorNotice error={action.error} />
      <form className="inline-form" onSubmit={submit} aria-busy={action.busy}>
        {children}
        <button type="submit" className="button primary" disabled={action.busy || disabled}>
          {submitLabel}
        </button>
      </form>
    </section>
  );
}

/** A table of things, one a row, its last column for each row's buttons. */
export function DataTable({
  label,
  labelledBy,
  columns,
  children,
}: {
  readonly label?: string;
  readonly labelledBy?: string;
  readonly columns: readonly string[];
  readonly children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label={label} aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column}>{column}</th>
            ))}
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/**
 * A card listing what `list` loaded in a DataTable: loading, its error or `action`'s, and, when `empty`
 * is given, that sentence instead of an empty table.
 */
export function ListCard<T>({
  titleId,
  title,
  list,
  action,
  loading,
  empty,
  columns,
  rows,
}: {
  readonly titleId: string;
  readonly title: string;
  readonly list: Loaded<{ readonly items: readonly T[] }>;
  readonly action: Action;
  readonly loading: string;
  readonly empty?: string;
  readonly columns: readonly string[];
  readonly rows: (items: readonly T[]) => ReactNode;
}) {
  const items = list.data?.items;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <ErrorNotice error={list.error ?? action.error} />
      {!list.data && !list.error && <p className="muted">{loading}</p>}
      {empty !== undefined && items?.length === 0 && <p className="muted">{empty}</p>}
      {items && (empty === undefined || items.length > 0) && (
        <DataTable labelledBy={titleId} columns={columns}>
          {rows(items)}
        </DataTable>
      )}
    </section>
  );
}
