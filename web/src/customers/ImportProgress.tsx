/**
 * How far a contact import is: a `<progress>` with what it measures beside it — the bytes sent, then the
 * server's steps. Checking the file is one step the server cannot divide (about a second per 100,000 rows),
 * so the bar has no value there (indeterminate) rather than a made-up one. Screen readers get the step
 * once when it changes (a polite live region), not every percent.
 */
import type { ImportStep } from './upload';
import './import.css';

const count = new Intl.NumberFormat();
const megabytes = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** `820 kB`, `3.2 MB` (decimal units, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000_000) return `${count.format(Math.ceil(bytes / 1_000))} kB`;
  return `${megabytes.format(bytes / 1_000_000)} MB`;
}

/** The words for a step, a short name of it for the live region, and how far along it is (or null). */
export function describeStep(s: ImportStep): { text: string; name: string; fraction: number | null } {
  switch (s.step) {
    case 'uploading':
      return {
        text: `Uploading ${formatBytes(s.sent)} of ${formatBytes(s.total)}`,
        name: 'Uploading the file',
        fraction: s.total === 0 ? 1 : Math.min(1, s.sent / s.total),
      };
    case 'waiting':
      return { text: 'Uploaded; waiting for the server…', name: 'Uploaded', fraction: null };
    case 'checking':
      return { text: 'Checking the file…', name: 'Checking the file', fraction: null };
    case 'writing':
      return {
        text: `Importing ${count.format(s.done)} of ${count.format(s.total)} contacts…`,
        name: 'Importing',
        fraction: s.total === 0 ? 1 : Math.min(1, s.done / s.total),
      };
  }
}

export function ImportProgress({ step }: { readonly step: ImportStep }) {
  const { text, name, fraction } = describeStep(step);
  return (
    <div className="field import-progress">
      <label htmlFor="contact-import-progress">Import progress</label>
      <progress
        id="contact-import-progress"
        max={1}
        value={fraction ?? undefined}
        aria-valuetext={text}
        aria-describedby="contact-import-progress-text"
      />
      <span id="contact-import-progress-text" className="muted">
        {text}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {name}
      </span>
    </div>
  );
}
