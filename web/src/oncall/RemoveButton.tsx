/**
 * A small button that asks once more before it removes something: "Remove" → "Remove X?" [Yes] [Cancel].
 * Like controls' ConfirmButton, with a short visible label and a full accessible name (`name`), for the
 * rows of a table where every row has one.
 */
import { useState } from 'react';
import type { Action } from '../session';

export function RemoveButton({
  label,
  name,
  question,
  action,
  onConfirm,
}: {
  readonly label: string;
  readonly name: string;
  readonly question: string;
  readonly action: Action;
  readonly onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button
        type="button"
        className="button small danger"
        aria-label={name}
        disabled={action.busy}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className="button small danger"
        disabled={action.busy}
        onClick={() => {
          setAsking(false);
          void action.run(onConfirm);
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" className="button small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
