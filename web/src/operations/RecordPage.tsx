/**
 * `/operations/releases/REL-7` or `/operations/bugs/BUG-12`: one record — its report or release fields,
 * its deadlines (a bug's fix-by, a release's rollback window), the checklists that gate it, the steps it
 * can take now and what each of the others waits for, a release's go/no-go, and its timeline. The server
 * refuses a step whose gate is closed; the reason shows beside the steps.
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { describedBy, Field } from '../AuthCard';
import { AppLink, ErrorNotice } from '../controls';
import { StateBadge, When } from '../customers/badges';
import type { ReadyAccess } from '../permissions';
import {
  type FieldValue,
  type RecordDetail,
  type RecordKind,
  type RecordStep,
  recordsApi,
} from '../records-api';
import { type Loaded, useAction, useLoad, useSession } from '../session';
import { usePageHeading } from '../support/page-heading';
import { RecordChecklists } from './RecordChecklists';
import { KIND_WORDS, recordPath, recordsPath, stateTone, stateWords } from './words';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
  readonly kind: RecordKind;
  readonly refId: string;
}

export function RecordPage({ workspace, access, kind, refId }: Props) {
  const record = useLoad(`${workspace.id}/${kind}/${refId}`, () => recordsApi.get(workspace.id, kind, refId));
  const heading = usePageHeading(recordPath(kind, refId), `${refId} · ${workspace.name}`);
  const r = record.data;
  const canWrite = access.permissions.has('events.write');
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          {refId}
          {r && <> · {r.title}</>}
        </h1>
        <AppLink to={recordsPath(kind)} className="button">
          {KIND_WORDS[kind].many}
        </AppLink>
      </header>
      <ErrorNotice error={record.error} />
      {!r && !record.error && <p className="muted">Loading…</p>}
      {r && (
        <>
          <p>
            <StateBadge
              state={r.state}
              label={stateWords(r.state)}
              tone={stateTone(r.state, r.endedAt !== null)}
            />{' '}
            <span className="muted">
              {r.pack.id} {r.pack.version} · started <When iso={r.createdAt} /> by <code>{r.createdBy}</code>
            </span>
          </p>
          <div className="account-grid">
            <FieldsCard record={r} />
            <DeadlinesCard record={r} />
          </div>
          <StepsCard workspace={workspace} record={record} canWrite={canWrite} />
          <RecordChecklists
            workspace={workspace}
            subject={`${kind}:${refId}`}
            version={r.updatedAt}
            canWork={canWrite}
            onChanged={record.reload}
          />
          <TimelineList record={r} />
        </>
      )}
    </>
  );
}

function FieldsCard({ record }: { readonly record: RecordDetail }) {
  const entries = Object.entries(record.fields);
  return (
    <section className="card" aria-labelledby="record-fields-title">
      <h2 id="record-fields-title">{record.kind === 'release' ? 'Release' : 'Report'}</h2>
      <dl className="ops-fields">
        {entries.map(([name, value]) => (
          <div key={name} style={{ display: 'contents' }}>
            <dt>{name.replace(/_/g, ' ')}</dt>
            <dd>{String(value)}</dd>
          </div>
        ))}
        {record.attachments.length > 0 && (
          <>
            <dt>attachments</dt>
            <dd>
              {record.attachments.map((a) => (
                <a key={a} href={a} rel="noreferrer noopener" target="_blank">
                  {a}
                </a>
              ))}
            </dd>
          </>
        )}
        {record.links.length > 0 && (
          <>
            <dt>links</dt>
            <dd>{record.links.join(', ')}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function DeadlinesCard({ record }: { readonly record: RecordDetail }) {
  const window = record.rollbackWindow;
  return (
    <section className="card" aria-labelledby="record-deadlines-title">
      <h2 id="record-deadlines-title">Deadlines</h2>
      {window && (
        <p data-testid="rollback-window">
          Rollback window {window.status === 'open' ? 'open until' : 'closed at'}{' '}
          <When iso={window.endsAt} full />
        </p>
      )}
      {record.clocks.map((c) => (
        <p key={c.id}>
          <strong>{c.id}</strong>{' '}
          <StateBadge
            state={c.phase}
            tone={c.phase === 'breached' ? 'bad' : c.phase === 'met' ? 'good' : 'warn'}
          />{' '}
          {c.due && (
            <>
              due <When iso={c.due} full />
            </>
          )}
          <br />
          <span className="muted">{c.derivation}</span>
        </p>
      ))}
      {!window && record.clocks.length === 0 && <p className="muted">No deadline is running.</p>}
    </section>
  );
}

function StepsCard({
  workspace,
  record,
  canWrite,
}: {
  readonly workspace: Workspace;
  readonly record: Loaded<RecordDetail>;
  readonly canWrite: boolean;
}) {
  const r = record.data!;
  const action = useAction();
  return (
    <section className="card" aria-labelledby="record-steps-title">
      <h2 id="record-steps-title">Next steps</h2>
      <ErrorNotice error={action.error} />
      {r.steps.length === 0 && (
        <p className="muted">The {KIND_WORDS[r.kind].one} has reached the end of its lifecycle.</p>
      )}
      <ul className="ops-steps">
        {r.steps.map((step) =>
          r.kind === 'release' && step.action === 'go' ? (
            <GoNoGo key={step.action} workspace={workspace} record={record} step={step} canWrite={canWrite} />
          ) : (
            <StepItem
              key={step.action}
              workspace={workspace}
              record={record}
              step={step}
              canWrite={canWrite}
            />
          ),
        )}
      </ul>
    </section>
  );
}

function Gates({ step }: { readonly step: RecordStep }) {
  if (step.gates.length === 0) return null;
  return (
    <ul className="gates muted">
      {step.gates.map((g) => (
        <li key={g.message}>Waits: {g.message}</li>
      ))}
    </ul>
  );
}

/** `name=value` per line, as the fields a step sets (`priority=high`); numbers and true/false as such. */
function parseFields(text: string): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const value = line.slice(at + 1).trim();
    fields[line.slice(0, at).trim()] =
      value === 'true'
        ? true
        : value === 'false'
          ? false
          : /^-?\d+(\.\d+)?$/.test(value)
            ? Number(value)
            : value;
  }
  return fields;
}

function StepItem({
  workspace,
  record,
  step,
  canWrite,
}: {
  readonly workspace: Workspace;
  readonly record: Loaded<RecordDetail>;
  readonly step: RecordStep;
  readonly canWrite: boolean;
}) {
  const { me } = useSession();
  const action = useAction();
  const [fields, setFields] = useState('');
  const r = record.data!;
  const needsFields = step.gates.some((g) => g.kind === 'guard');
  const id = `step-${step.action.replace(/\W/g, '-')}`;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await recordsApi.step(
        workspace.id,
        r.kind,
        r.ref,
        { action: step.action, fields: parseFields(fields) },
        me.csrfToken,
      );
      record.reload();
    });
  };
  return (
    <li className="ops-step" aria-labelledby={`${id}-title`}>
      <p id={`${id}-title`}>
        <strong>{step.toLabel}</strong> <span className="muted">({step.action})</span>
      </p>
      {step.quote && <p className="muted">“{step.quote}”</p>}
      <Gates step={step} />
      {canWrite && (
        <form className="inline-form" onSubmit={submit} aria-busy={action.busy}>
          <ErrorNotice error={action.error} />
          {needsFields && (
            <Field
              id={`${id}-fields`}
              label="Fields to set"
              hint="One name=value per line, e.g. priority=high"
            >
              <textarea
                id={`${id}-fields`}
                rows={2}
                aria-describedby={describedBy(`${id}-fields`, true, undefined)}
                value={fields}
                onChange={(e) => setFields(e.target.value)}
              />
            </Field>
          )}
          <button type="submit" className="button" disabled={action.busy}>
            {step.toLabel}
          </button>
        </form>
      )}
    </li>
  );
}

function GoNoGo({
  workspace,
  record,
  step,
  canWrite,
}: {
  readonly workspace: Workspace;
  readonly record: Loaded<RecordDetail>;
  readonly step: RecordStep;
  readonly canWrite: boolean;
}) {
  const { me } = useSession();
  const action = useAction();
  const [note, setNote] = useState('');
  const r = record.data!;
  const decide = (decision: 'go' | 'no-go') => (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await recordsApi.goNoGo(workspace.id, r.ref, decision, note, me.csrfToken);
      setNote('');
      record.reload();
    });
  };
  const last = r.fields.go_no_go;
  return (
    <li className="ops-step" aria-labelledby="go-no-go-title">
      <p id="go-no-go-title">
        <strong>Go/No-Go</strong> <span className="muted">then {step.toLabel}</span>
      </p>
      {typeof last === 'string' && (
        <p>
          Last decision: <StateBadge state={last} tone={last === 'go' ? 'good' : 'bad'} />{' '}
          {String(r.fields.go_no_go_note ?? '')}
        </p>
      )}
      <Gates step={{ ...step, gates: step.gates.filter((g) => g.kind !== 'checklist') }} />
      {canWrite && (
        <form className="inline-form" onSubmit={decide('go')} aria-busy={action.busy}>
          <ErrorNotice error={action.error} />
          <Field
            id="go-no-go-note"
            label="Decision note"
            hint="Why: it is the evidence of the checklist's last item"
          >
            <textarea
              id="go-no-go-note"
              rows={2}
              required
              aria-describedby={describedBy('go-no-go-note', true, undefined)}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </Field>
          <button type="submit" className="button primary" disabled={action.busy}>
            Go
          </button>{' '}
          <button
            type="button"
            className="button"
            disabled={action.busy || note.trim() === ''}
            onClick={decide('no-go')}
          >
            No-go
          </button>
        </form>
      )}
    </li>
  );
}

function TimelineList({ record }: { readonly record: RecordDetail }) {
  return (
    <section className="card" aria-labelledby="record-timeline-title">
      <h2 id="record-timeline-title">Timeline</h2>
      <ol className="ops-timeline">
        {record.timeline.map((e, i) => (
          <li key={`${e.at}-${i}`}>
            <When iso={e.at} /> · <strong>{e.type}</strong> · <code>{e.actor}</code>
            {typeof e.data.note === 'string' && <> · {e.data.note}</>}
          </li>
        ))}
      </ol>
    </section>
  );
}
