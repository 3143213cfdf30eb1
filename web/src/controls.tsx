/** Small pieces the pages share: in-app links, error notices, two-step buttons and secrets shown once. */
import { type ReactNode, useState } from 'react';
import { describeError, problemCode } from './api';
import { useLinkClick } from './router';

export const SECURITY_PATH = '/account/security';

export function AppLink({
  to,
  children,
  className,
}: {
  readonly to: string;
  readonly children: ReactNode;
  readonly className?: string;
}) {
  const onClick = useLinkClick(to);
  return (
    <a href={to} onClick={onClick} className={className}>
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

/** A button that asks once more before it acts: "Revoke" → "Revoke this token?" [Yes, revoke] [Cancel]. */
export function ConfirmButton({
  label,
  question,
  confirm,
  busy,
  onConfirm,
}: {
  readonly label: string;
  readonly question: string;
  readonly confirm: string;
  readonly busy: boolean;
  readonly onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
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
          onConfirm();
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
        <TabLink key={tab.path} path={tab.path} name={tab.name} current={tab.path === current} />
      ))}
    </nav>
  );
}

function TabLink({
  path,
  name,
  current,
}: {
  readonly path: string;
  readonly name: string;
  readonly current: boolean;
}) {
  const onClick = useLinkClick(path);
  return (
    <a href={path} onClick={onClick} aria-current={current ? 'page' : undefined} className="tab">
      {name}
    </a>
  );
}
