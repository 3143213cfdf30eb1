/**
 * Everything that happened to the account, oldest first and newest last (as the server pages it, "More"
 * brings newer entries): its own lifecycle, journeys and facts, its registered contacts' journey steps and
 * survey answers, its tickets'. Each entry: when, whose, what type, and its data in a line.
 */
import { ErrorNotice } from '../controls';
import type { Contact, TimelineEntry } from '../customers-api';
import { MoreButton, When } from './badges';
import type { CursorPages } from './paging';
import { dataSummary, subjectLabel } from './words';

interface Props {
  readonly timeline: CursorPages<TimelineEntry>;
  /** To name the contacts whose entries these are. */
  readonly contacts: readonly Contact[];
}

export function TimelineCard({ timeline, contacts }: Props) {
  const items = timeline.list.data?.items;
  return (
    <section className="card" aria-labelledby="account-timeline-title">
      <h2 id="account-timeline-title">Timeline</h2>
      <ErrorNotice error={timeline.list.error} />
      {!items && !timeline.list.error && <p className="muted">Loading the timeline…</p>}
      {items?.length === 0 && <p className="muted">Nothing has happened to this account yet.</p>}
      {items && items.length > 0 && (
        <ol className="account-timeline" aria-labelledby="account-timeline-title">
          {items.map((e) => {
            const summary = dataSummary(e.data);
            return (
              <li key={e.id} className="timeline-entry">
                <span className="timeline-when">
                  <When iso={e.at} full />
                </span>
                <span className="timeline-what">
                  <span className="timeline-subject">{subjectLabel(e.subject, contacts)}</span>{' '}
                  <code className="timeline-type">{e.type}</code>
                  {summary && <span className="timeline-data muted"> {summary}</span>}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <MoreButton pages={timeline} label="More of the timeline" />
    </section>
  );
}
