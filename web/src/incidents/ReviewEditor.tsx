/**
 * The post-incident review: the pack's sections with their prompts (SOP-003: Timeline, Root Cause, Impact,
 * What Went Well, What Went Wrong, Action Items), opened at resolution with the timeline and the impact
 * already written from the record, due when the pack says (T+48 h). Saved as a draft, then published
 * (every section written). What is typed stays while the room refreshes around it.
 */
import { useState } from 'react';
import { fieldError } from '../api';
import { ErrorNotice, when } from '../controls';
import { incidentsApi, type Review } from '../incidents-api';
import { useSession } from '../session';
import { Countdown } from '../support/countdown';
import { type RoomProps, useRoomAction } from './room-data';
import { actorName } from './words';

export function ReviewCard(props: RoomProps) {
  const { detail } = props;
  const review = detail.review;
  const postMortem = detail.stages.find((s) => s.id === 'post-mortem' || s.id === 'lessons-learned');
  return (
    <section className="card composer review" aria-labelledby="review-title">
      <div className="card-head">
        <h2 id="review-title">Post-incident review</h2>
        {review && <span className={`badge review-${review.status}`}>{review.status}</span>}
      </div>
      {review ? (
        <ReviewEditor key={`${detail.incident.number}/${review.status}`} {...props} review={review} />
      ) : (
        <p className="muted">
          The review opens when the incident is resolved, with its timeline and impact written from the
          record.
          {postMortem?.clock?.due ? ` It is due ${when(postMortem.clock.due)}.` : ''}
        </p>
      )}
    </section>
  );
}

function ReviewEditor({
  workspace,
  detail,
  members,
  canWrite,
  onChanged,
  review,
}: RoomProps & { readonly review: Review }) {
  const { me } = useSession();
  const { action, done, run } = useRoomAction(onChanged);
  const [sections, setSections] = useState<Readonly<Record<string, string>>>(review.sections);
  const changed = review.template.some((s) => (sections[s.id] ?? '') !== (review.sections[s.id] ?? ''));
  const save = (publish: boolean) =>
    void run(
      () => incidentsApi.saveReview(workspace.id, detail.incident.number, sections, publish, me.csrfToken),
      publish ? 'Review published.' : 'Draft saved.',
    );
  const published = review.status === 'published';
  return (
    <>
      <p className="muted">
        {published
          ? `Published ${when(review.publishedAt)}${review.publishedBy ? ` by ${actorName(review.publishedBy, members)}` : ''}.`
          : review.dueAt
            ? `Due ${when(review.dueAt)}. `
            : ''}
        {!published && review.dueAt && <Countdown due={review.dueAt} start={detail.incident.detectedAt} />}
      </p>
      <ErrorNotice error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save(false);
        }}
        aria-busy={action.busy}
      >
        {review.template.map((s) => {
          const id = `review-${s.id}`;
          const error = fieldError(action.error, `sections/${s.id}`);
          return (
            <div key={s.id} className="field">
              <label htmlFor={id}>{s.label}</label>
              <span className="hint" id={`${id}-hint`}>
                {s.prompt}
              </span>
              <textarea
                id={id}
                rows={s.id === 'timeline' ? 8 : 4}
                readOnly={!canWrite}
                value={sections[s.id] ?? ''}
                aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
                aria-invalid={error ? true : undefined}
                onChange={(e) => setSections((old) => ({ ...old, [s.id]: e.target.value }))}
              />
              {error && (
                <span className="field-error" id={`${id}-error`}>
                  {error}
                </span>
              )}
            </div>
          );
        })}
        {canWrite && (
          <div className="actions">
            <button type="submit" className="button" disabled={action.busy || !changed}>
              {published ? 'Save changes' : 'Save draft'}
            </button>
            {!published && (
              <button
                type="button"
                className="button primary"
                disabled={action.busy}
                onClick={() => save(true)}
              >
                Publish
              </button>
            )}
            {changed && <span className="hint">Unsaved changes</span>}
            <span role="status" className="hint">
              {done}
            </span>
          </div>
        )}
      </form>
    </>
  );
}
