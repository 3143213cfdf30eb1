/**
 * `/operations/releases` and `/operations/bugs`: the records, newest first, with their state and nearest
 * deadline; people who may write events start a release (type and version from the pack) or report a bug
 * (the fields the company SOP says a report "should include"). Refusals show the server's reasons beside
 * the fields.
 */
import { type FormEvent, useState } from 'react';
import { fieldError, type Workspace } from '../api';
import { describedBy, Field, TextField } from '../AuthCard';
import { AppLink, ErrorNotice } from '../controls';
import { StateBadge, When } from '../customers/badges';
import { navigate } from '../router';
import type { ReadyAccess } from '../permissions';
import { type FieldValue, type RecordChoices, type RecordKind, recordsApi } from '../records-api';
import { useAction, useLoad, useSession } from '../session';
import { usePageHeading } from '../support/page-heading';
import { KIND_WORDS, OPERATIONS_PATH, recordPath, recordsPath, stateTone, stateWords } from './words';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
  readonly kind: RecordKind;
}

export function RecordsPage({ workspace, access, kind }: Props) {
  const words = KIND_WORDS[kind];
  const list = useLoad(`${workspace.id}/${kind}`, () => recordsApi.list(workspace.id, kind));
  const heading = usePageHeading(recordsPath(kind), `${words.many} · ${workspace.name}`);
  const items = list.data?.items;
  return (
    <>
      <header className="page-header inbox-header">
        <h1 ref={heading} tabIndex={-1}>
          {words.many}
        </h1>
        <AppLink to={OPERATIONS_PATH} className="button">
          Operations
        </AppLink>
      </header>
      {access.permissions.has('events.write') && list.data && (
        <NewRecordForm workspace={workspace} kind={kind} choices={list.data.choices} />
      )}
      <ErrorNotice error={list.error} />
      {items?.length === 0 && <p className="muted">No {words.one} yet.</p>}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-label={words.many}>
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Title</th>
                <th scope="col">{kind === 'release' ? 'Type · version' : 'Severity · module'}</th>
                <th scope="col">State</th>
                <th scope="col">Next deadline</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <AppLink to={recordPath(kind, r.ref)}>{r.ref}</AppLink>
                  </td>
                  <td>{r.title}</td>
                  <td>
                    {kind === 'release'
                      ? `${String(r.fields.release_type ?? '')} · ${String(r.fields.version ?? '')}`
                      : `${String(r.fields.priority ?? r.fields.severity ?? '')} · ${String(r.fields.module ?? '')}`}
                  </td>
                  <td>
                    <StateBadge
                      state={r.state}
                      label={stateWords(r.state)}
                      tone={stateTone(r.state, r.endedAt !== null)}
                    />
                  </td>
                  <td>
                    {r.nextDueAt ? <When iso={r.nextDueAt} full /> : <span className="muted">none</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

const BUG_FIELDS: readonly (readonly [name: string, label: string])[] = [
  ['description', 'Description'],
  ['steps_to_reproduce', 'Steps to reproduce'],
  ['expected_behaviour', 'Expected behaviour'],
  ['actual_behaviour', 'Actual behaviour'],
  ['module', 'Module'],
];

function NewRecordForm({
  workspace,
  kind,
  choices,
}: {
  readonly workspace: Workspace;
  readonly kind: RecordKind;
  readonly choices: RecordChoices;
}) {
  const { me } = useSession();
  const action = useAction();
  const words = KIND_WORDS[kind];
  const [title, setTitle] = useState('');
  const [values, setValues] = useState<Record<string, string>>(
    kind === 'release'
      ? { release_type: choices.releaseTypes[0]?.id ?? '' }
      : { severity: choices.levels.at(-1)?.id ?? '', bug_type: 'functional' },
  );
  const set = (name: string) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      const fields: Record<string, FieldValue> = {};
      for (const [name, value] of Object.entries(values))
        if (value.trim() !== '') fields[name] = value.trim();
      const made = await recordsApi.create(workspace.id, kind, { title, fields }, me.csrfToken);
      navigate(recordPath(kind, made.ref));
    });
  };
  const error = (name: string) => fieldError(action.error, `/body/fields/${name}`);
  const prefix = `new-${kind}`;
  return (
    <section className="card" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{words.start}</h2>
      <form onSubmit={submit} aria-busy={action.busy}>
        <ErrorNotice error={action.error} />
        <TextField
          id={`${prefix}-name`}
          label="Title"
          value={title}
          onValue={setTitle}
          required
          maxLength={300}
        />
        {kind === 'release' ? (
          <>
            <Field id={`${prefix}-type`} label="Release type" error={error('release_type')}>
              <select
                id={`${prefix}-type`}
                value={values.release_type}
                aria-describedby={describedBy(`${prefix}-type`, false, error('release_type'))}
                onChange={(e) => set('release_type')(e.target.value)}
              >
                {choices.releaseTypes.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.label} (go/no-go: {t.approver.replace(/^role:/, '')}; rollback window:{' '}
                    {t.rollbackWindow})
                  </option>
                ))}
              </select>
            </Field>
            <TextField
              id={`${prefix}-version`}
              label="Version"
              hint="The version being released, e.g. 2.14.0"
              error={error('version')}
              value={values.version ?? ''}
              onValue={set('version')}
            />
            <TextField
              id={`${prefix}-notes`}
              label="Release notes"
              value={values.notes ?? ''}
              onValue={set('notes')}
            />
          </>
        ) : (
          <>
            {BUG_FIELDS.map(([name, label]) => (
              <TextField
                key={name}
                id={`${prefix}-${name}`}
                label={label}
                error={error(name)}
                value={values[name] ?? ''}
                onValue={set(name)}
              />
            ))}
            <Field id={`${prefix}-severity`} label="Severity" error={error('severity')}>
              <select
                id={`${prefix}-severity`}
                value={values.severity}
                onChange={(e) => set('severity')(e.target.value)}
              >
                {choices.levels.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.label}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={`${prefix}-type`} label="Functional or not" error={error('bug_type')}>
              <select
                id={`${prefix}-type`}
                value={values.bug_type}
                onChange={(e) => set('bug_type')(e.target.value)}
              >
                <option value="functional">functional</option>
                <option value="non-functional">non-functional</option>
              </select>
            </Field>
          </>
        )}
        <button type="submit" className="button primary" disabled={action.busy}>
          {words.start}
        </button>
      </form>
    </section>
  );
}
