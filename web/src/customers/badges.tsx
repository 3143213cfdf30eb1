/** The small pieces the customers pages share: a state's badge, an instant, the "More" of a list. */
import { ErrorNotice } from '../controls';
import { useAction } from '../session';
import type { CursorPages } from './paging';
import { absoluteTime, relativeTime, type Tone, toneOf } from './words';

/** An account's, lifecycle's or contact's state in words, coloured by how it reads. */
export function StateBadge({
  state,
  tone = toneOf(state),
  label,
}: {
  readonly state: string;
  readonly tone?: Tone;
  readonly label?: string;
}) {
  return <span className={`badge account-state tone-${tone}`}>{label ?? state.replace(/-/g, ' ')}</span>;
}

/** An instant as "3 minutes ago", its date and time on hover, or written out beside it with `full`. */
export function When({ iso, full = false }: { readonly iso: string; readonly full?: boolean }) {
  const absolute = absoluteTime(iso);
  return (
    <time dateTime={iso} title={absolute} className="when">
      {relativeTime(iso, Date.now())}
      {full && <span className="muted"> · {absolute}</span>}
    </time>
  );
}

/** Loads the next page of a list; its error shows beside it, the list stays. */
export function MoreButton<T>({ pages, label }: { readonly pages: CursorPages<T>; readonly label: string }) {
  const action = useAction();
  if (!pages.more) return null;
  return (
    <div className="more-row">
      <ErrorNotice error={action.error} />
      <button
        type="button"
        className="button"
        aria-label={label}
        aria-busy={action.busy}
        disabled={action.busy}
        onClick={() => void action.run(pages.loadMore)}
      >
        More
      </button>
    </div>
  );
}
