/**
 * Writing an update: public (status page, subscribers, the customers of linked tickets) or internal, the
 * status it moves the incident to, English and optional Hindi text (ShopSmart's notices go out in both),
 * the status-page components it affects (ComponentPicker), with the pack's communication rules beside it.
 * A public update on a security incident waits for the
 * comms lead (SOP-008: "DO coordinate all comms through Comms Lead"), who approves or rejects it here.
 * Ctrl+Enter posts.
 */
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import {
  incidentsApi,
  type NewUpdate,
  UPDATE_STATUSES,
  type UpdateAudience,
  type UpdateStatus,
} from '../incidents-api';
import { useSession } from '../session';
import { ComponentPicker, type ComponentPicks, useStatusComponents } from './ComponentPicker';
import { PendingUpdates } from './PendingUpdates';
import { type RoomProps, useRoomAction } from './room-data';

const AUDIENCES: readonly { readonly id: UpdateAudience; readonly name: string; readonly hint: string }[] = [
  { id: 'public', name: 'Public', hint: 'status page, subscribers and the customers of linked tickets' },
  { id: 'internal', name: 'Internal', hint: 'the incident team only' },
];

const isStatus = (s: string): s is UpdateStatus => (UPDATE_STATUSES as readonly string[]).includes(s);

export function UpdateComposer(props: RoomProps) {
  const { workspace, detail, canWrite, onChanged } = props;
  const { me } = useSession();
  const i = detail.incident;
  const { action, done, run } = useRoomAction(onChanged);
  const [audience, setAudience] = useState<UpdateAudience>('public');
  const [status, setStatus] = useState<UpdateStatus>(isStatus(i.status) ? i.status : 'investigating');
  const [english, setEnglish] = useState('');
  const [hindi, setHindi] = useState('');
  const [picks, setPicks] = useState<ComponentPicks>({});
  const components = useStatusComponents(workspace.id);
  const waits = audience === 'public' && i.restricted && i.roles['comms-lead'] !== me.user.id;

  const send = () => {
    if (!english.trim() || action.busy) return;
    const update: NewUpdate = {
      audience,
      status,
      body: { en: english.trim(), ...(hindi.trim() ? { hi: hindi.trim() } : {}) },
      ...(Object.keys(picks).length > 0 ? { components: picks } : {}),
    };
    void run(
      () => incidentsApi.postUpdate(workspace.id, i.number, update, me.csrfToken),
      (posted) =>
        posted.approval === 'pending'
          ? "Update saved: it waits for the comms lead's approval."
          : posted.published
            ? 'Update published.'
            : 'Internal update posted.',
    ).then((ok) => {
      if (!ok) return;
      setEnglish('');
      setHindi('');
      setPicks({});
      components.reload();
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      send();
    }
  };

  return (
    <section className="card composer update-composer" aria-labelledby="update-title">
      <h2 id="update-title">Updates</h2>
      <PendingUpdates {...props} />
      <div className="composer-layout">
        {canWrite ? (
          <form onSubmit={submit} aria-busy={action.busy} aria-label="Post an update">
            <ErrorNotice error={action.error} />
            <div className="inline-form">
              <fieldset className="audience">
                <legend>Audience</legend>
                {AUDIENCES.map((a) => (
                  <label key={a.id} className="radio">
                    <input
                      type="radio"
                      name="update-audience"
                      value={a.id}
                      checked={audience === a.id}
                      onChange={() => setAudience(a.id)}
                    />
                    {a.name} <span className="hint">({a.hint})</span>
                  </label>
                ))}
              </fieldset>
              <Field id="update-status" label="Status">
                <select
                  id="update-status"
                  value={status}
                  onChange={(e) => isStatus(e.target.value) && setStatus(e.target.value)}
                >
                  {UPDATE_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            <div className="field">
              <label htmlFor="update-en">Update in English</label>
              <textarea
                id="update-en"
                lang="en"
                rows={4}
                maxLength={20_000}
                value={english}
                aria-keyshortcuts="Control+Enter Meta+Enter"
                onChange={(e) => setEnglish(e.target.value)}
                onKeyDown={onKeyDown}
              />
            </div>
            <div className="field">
              <label htmlFor="update-hi">Update in Hindi (optional)</label>
              <textarea
                id="update-hi"
                lang="hi"
                rows={3}
                maxLength={20_000}
                value={hindi}
                aria-keyshortcuts="Control+Enter Meta+Enter"
                onChange={(e) => setHindi(e.target.value)}
                onKeyDown={onKeyDown}
              />
            </div>
            <ComponentPicker components={components.data} picks={picks} onChange={setPicks} />
            {waits && (
              <p className="hint" role="note">
                A public update on a security incident is published once the comms lead approves it.
              </p>
            )}
            <div className="actions">
              <button type="submit" className="button primary" disabled={action.busy || !english.trim()}>
                Post update
              </button>
              <span className="hint">Ctrl+Enter or ⌘+Enter posts</span>
              <span role="status" className="hint">
                {done}
              </span>
            </div>
          </form>
        ) : (
          <p className="muted">Your role may read this incident but not post updates.</p>
        )}
        <CommunicationRules rules={detail.rules} />
      </div>
    </section>
  );
}

function CommunicationRules({ rules }: { readonly rules: RoomProps['detail']['rules'] }) {
  if (rules.length === 0) return null;
  return (
    <aside className="rules" aria-labelledby="rules-title">
      <h3 id="rules-title">Communication rules</h3>
      <ul>
        {rules.map((r) => (
          <li key={r.text} className={`rule rule-${r.kind}`}>
            <span className="rule-mark" aria-hidden="true">
              {r.kind === 'dont' ? '✕' : '✓'}
            </span>{' '}
            {r.text}
          </li>
        ))}
      </ul>
    </aside>
  );
}
