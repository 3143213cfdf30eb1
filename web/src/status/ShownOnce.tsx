/**
 * What the server shows once (a heartbeat's ping URL, an integration's token and where to send alerts):
 * each value in a read-only field to select or copy, until Done.
 */
import { useId, useState } from 'react';

export interface Shown {
  readonly label: string;
  readonly value: string;
}

export function ShownOnceList({
  title,
  note,
  values,
  onDone,
}: {
  readonly title: string;
  readonly note: string;
  readonly values: readonly Shown[];
  readonly onDone: () => void;
}) {
  const id = useId();
  return (
    <section className="card shown-once" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p>{note}</p>
      {values.map((v, i) => (
        <SecretRow key={v.label} id={`${id}-${i}`} shown={v} />
      ))}
      <button type="button" className="button primary" onClick={onDone}>
        Done
      </button>
    </section>
  );
}

function SecretRow({ id, shown }: { readonly id: string; readonly shown: Shown }) {
  const [copied, setCopied] = useState(false);
  // The Clipboard API needs a secure context (HTTPS or localhost); elsewhere the text can be selected.
  const clipboard = typeof navigator.clipboard?.writeText === 'function' ? navigator.clipboard : null;
  return (
    <div>
      <label className="secret-label" htmlFor={id}>
        {shown.label}
      </label>
      <div className="secret-row">
        <input id={id} readOnly value={shown.value} onFocus={(e) => e.target.select()} />
        {clipboard && (
          <button
            type="button"
            className="button"
            aria-label={`Copy ${shown.label}`}
            onClick={() =>
              void clipboard.writeText(shown.value).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        )}
      </div>
    </div>
  );
}
