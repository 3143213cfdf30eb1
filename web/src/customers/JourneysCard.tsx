/**
 * The journeys the pack ran on the account and on its registered contacts (`GET …/journeys`), the way
 * Customer.io shows a person's campaigns: whose journey and since when, what is next and when (or the
 * event it waits for) and the condition under which its actions run, then every step as a checklist.
 */
import { ErrorNotice } from '../controls';
import type { Journey, JourneyStatus, JourneyStep } from '../customers-api';
import type { Loaded } from '../session';
import { StateBadge, When } from './badges';
import type { Tone } from './words';

const STATUS_TONE: Readonly<Record<JourneyStatus, Tone>> = {
  running: 'good',
  exited: 'warn',
  finished: 'quiet',
};

/** When none is next: why nothing more will run. */
const NOTHING_NEXT: Readonly<Record<JourneyStatus, string>> = {
  running: 'nothing is scheduled.',
  exited: 'nothing: the journey exited, its remaining steps will not run.',
  finished: 'nothing: every step ran.',
};

interface Props {
  readonly journeys: Loaded<{ readonly items: readonly Journey[] }>;
}

export function JourneysCard({ journeys }: Props) {
  const items = journeys.data?.items;
  return (
    <section className="card" aria-labelledby="account-journeys-title">
      <h2 id="account-journeys-title">Journeys</h2>
      <ErrorNotice error={journeys.error} />
      {!items && !journeys.error && <p className="muted">Loading the journeys…</p>}
      {items?.length === 0 && <p className="muted">No journey has run for this account yet.</p>}
      {items?.map((journey, i) => (
        <JourneyView
          key={`${journey.subject}/${journey.journey}`}
          journey={journey}
          titleId={`account-journey-${i}-title`}
        />
      ))}
    </section>
  );
}

function JourneyView({ journey: j, titleId }: { readonly journey: Journey; readonly titleId: string }) {
  return (
    <article className="journey" aria-labelledby={titleId}>
      <header className="journey-header">
        <h3 id={titleId}>
          {j.label} <span className="journey-whose">· {j.contact ?? 'Account'}</span>
        </h3>
        <StateBadge state={j.status} tone={STATUS_TONE[j.status]} />
        <span className="journey-started muted">
          started <When iso={j.startedAt} full />
        </span>
      </header>
      <p className="journey-next">
        <strong>Next:</strong>{' '}
        {j.next ? (
          <>
            <span className="journey-next-label">{j.next.label}</span>
            {' — '}
            <StepTime step={j.next} />
            {j.next.when && <span className="journey-when"> · runs only if {j.next.when}</span>}
          </>
        ) : (
          NOTHING_NEXT[j.status]
        )}
      </p>
      <ol className="journey-steps" aria-label={`Steps of ${j.label}`}>
        {j.steps.map((step) => (
          <StepItem
            key={step.id}
            step={step}
            isNext={step.id === j.next?.id}
            exited={j.status === 'exited'}
          />
        ))}
      </ol>
    </article>
  );
}

function StepItem({
  step,
  isNext,
  exited,
}: {
  readonly step: JourneyStep;
  readonly isNext: boolean;
  readonly exited: boolean;
}) {
  const mark = step.done ? 'done' : exited ? 'skipped' : 'pending';
  return (
    <li className={`journey-step step-${mark}${isNext ? ' is-next' : ''}`}>
      <span className="journey-mark" aria-hidden="true">
        {step.done ? '✓' : exited ? '–' : '○'}
      </span>
      <span className="visually-hidden">{mark}: </span>
      <span className="journey-step-label">{step.label}</span>{' '}
      <span className="journey-step-time muted">
        <StepTime step={step} />
        {step.when && <> · only if {step.when}</>}
      </span>
    </li>
  );
}

/** `due in 7 days · <date>`, `ran 2 hours ago · <date>`, or `waits for survey.answered nps-day-30`. */
function StepTime({ step }: { readonly step: JourneyStep }) {
  if (step.at)
    return (
      <span className="journey-due">
        {step.done ? 'ran' : 'due'} <When iso={step.at} full />
      </span>
    );
  if (step.waitsFor)
    return (
      <span className="journey-due">
        waits for <code>{step.waitsFor}</code>
      </span>
    );
  return null;
}
