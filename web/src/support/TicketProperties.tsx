/**
 * A ticket's properties, changed in place (PATCH): status, priority (with the triage rule or default that
 * set it and every override since: overrides are audited), category, tier, assignee, tags; and the
 * knowledge checklist of its category (ticked here only, as a guide while working the ticket).
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { ErrorNotice, when } from '../controls';
import { useAction, useSession } from '../session';
import { type Agent, type Queue, supportApi, type TicketChanges, type TicketDetail } from '../support-api';
import { STATUSES } from './filters';
import { priorityLabel, usePriorities } from './priorities';

const WORKING_STATUSES = STATUSES.filter((s) => s !== 'resolved' && s !== 'closed');

interface Props {
  readonly workspace: Workspace;
  readonly ticket: TicketDetail;
  readonly agents: readonly Agent[];
  readonly queues: readonly Queue[];
  readonly canWrite: boolean;
  readonly onChanged: () => void;
}

/** "set by rule app-down-data-loss", "set when the ticket was created", "pack default". */
export function setBy(source: string | undefined): string {
  if (!source) return '';
  if (source === 'given') return 'set when the ticket was created';
  if (source === 'default') return 'pack default';
  return `set by rule ${source}`;
}

/** `user:usr_…` → the agent's name when known. */
export function actorName(actor: string, agents: readonly Agent[]): string {
  const id = actor.startsWith('user:') ? actor.slice('user:'.length) : actor;
  return agents.find((a) => a.userId === id)?.name ?? actor;
}

export function TicketProperties({ workspace, ticket: t, agents, queues, canWrite, onChanged }: Props) {
  const { me } = useSession();
  const action = useAction();
  const change = (changes: TicketChanges) =>
    void action.run(async () => {
      await supportApi.update(workspace.id, t.number, changes, me.csrfToken);
      onChanged();
    });
  const priorities = usePriorities(workspace.id, [t.priority]);
  const tiers = queues.filter((q) => q.tier !== 'untiered');
  const overrides = t.triage.overrides;
  const done = t.status === 'resolved' || t.status === 'closed';
  const locked = !canWrite || action.busy || Boolean(t.mergedInto);

  return (
    <section className="card ticket-card" aria-labelledby="properties-title">
      <h2 id="properties-title">Properties</h2>
      <ErrorNotice error={action.error} />
      <div className="properties">
        <Field id="ticket-status" label="Status">
          <select
            id="ticket-status"
            value={t.status}
            disabled={locked || done}
            onChange={(e) => change({ status: e.target.value })}
          >
            {(done ? [t.status] : WORKING_STATUSES).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        <Field id="ticket-priority" label="Priority" hint={setBy(t.triage.set.priority)}>
          <select
            id="ticket-priority"
            value={t.priority}
            disabled={locked}
            aria-describedby="ticket-priority-hint"
            onChange={(e) => change({ priority: e.target.value })}
          >
            {priorities.map((p) => (
              <option key={p} value={p}>
                {priorityLabel(p)}
              </option>
            ))}
          </select>
        </Field>
        {t.triage.quote && <p className="hint triage-quote">SOP: “{t.triage.quote}”</p>}
        <Field id="ticket-tier" label="Tier" hint={setBy(t.triage.set.tier)}>
          <select
            id="ticket-tier"
            value={t.tier ?? ''}
            disabled={locked}
            onChange={(e) => change({ tier: e.target.value })}
          >
            {!t.tier && <option value="">No tier</option>}
            {t.tier && !tiers.some((q) => q.tier === t.tier) && <option value={t.tier}>{t.tier}</option>}
            {tiers.map((q) => (
              <option key={q.tier} value={q.tier}>
                {q.label}
              </option>
            ))}
          </select>
        </Field>
        <Field id="ticket-assignee" label="Assignee">
          <select
            id="ticket-assignee"
            value={t.assignee?.id ?? ''}
            disabled={locked}
            onChange={(e) => change({ assigneeId: e.target.value || null })}
          >
            <option value="">Unassigned</option>
            {t.assignee && !agents.some((a) => a.userId === t.assignee?.id) && (
              <option value={t.assignee.id}>{t.assignee.name ?? t.assignee.id}</option>
            )}
            {agents.map((a) => (
              <option key={a.userId} value={a.userId}>
                {a.name}
                {a.onShift ? '' : ' (off shift)'}
              </option>
            ))}
          </select>
        </Field>
        <TextProperty
          id="ticket-category"
          label="Category"
          hint={setBy(t.triage.set.category)}
          value={t.category ?? ''}
          disabled={locked}
          onSave={(category) => change({ category })}
        />
        <Tags tags={t.tags} disabled={locked} onSave={(tags) => change({ tags })} />
      </div>
      {overrides.length > 0 && (
        <>
          <h3 id="overrides-title">Overrides</h3>
          <ul className="overrides" aria-labelledby="overrides-title">
            {overrides.map((o) => (
              <li key={`${o.field}-${o.at}`}>
                {o.field}: {o.from ?? '—'} → {o.to} by {actorName(o.by, agents)},{' '}
                <time dateTime={o.at}>{when(o.at)}</time>
              </li>
            ))}
          </ul>
        </>
      )}
      {t.incident && (
        <p>
          Linked incident: <code>{t.incident}</code>
        </p>
      )}
    </section>
  );
}

function TextProperty({
  id,
  label,
  hint,
  value,
  disabled,
  onSave,
}: {
  readonly id: string;
  readonly label: string;
  readonly hint: string;
  readonly value: string;
  readonly disabled: boolean;
  readonly onSave: (value: string) => void;
}) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() && text.trim() !== value) onSave(text.trim());
  };
  return (
    <form onSubmit={save} className="property-form">
      <Field id={id} label={label} hint={hint || undefined}>
        <input id={id} value={text} disabled={disabled} onChange={(e) => setText(e.target.value)} />
      </Field>
      {text.trim() !== value && (
        <button type="submit" className="button small" disabled={disabled || !text.trim()}>
          Save {label.toLowerCase()}
        </button>
      )}
    </form>
  );
}

function Tags({
  tags,
  disabled,
  onSave,
}: {
  readonly tags: readonly string[];
  readonly disabled: boolean;
  readonly onSave: (tags: readonly string[]) => void;
}) {
  const [text, setText] = useState('');
  const add = (e: FormEvent) => {
    e.preventDefault();
    const tag = text.trim().toLowerCase().replace(/\s+/g, '-');
    if (!tag || tags.includes(tag)) return;
    onSave([...tags, tag]);
    setText('');
  };
  return (
    <div className="field">
      <span className="label-text" id="ticket-tags-label">
        Tags
      </span>
      <ul className="tag-list" aria-labelledby="ticket-tags-label">
        {tags.length === 0 && <li className="muted">None</li>}
        {tags.map((tag) => (
          <li key={tag} className="tag">
            {tag}
            <button
              type="button"
              className="tag-remove"
              aria-label={`Remove tag ${tag}`}
              disabled={disabled}
              onClick={() => onSave(tags.filter((x) => x !== tag))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="tag-form">
        <input
          aria-label="New tag"
          value={text}
          disabled={disabled}
          placeholder="Add a tag"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="button small" disabled={disabled || !text.trim()}>
          Add
        </button>
      </form>
    </div>
  );
}

/** The pack's knowledge for the ticket's category: each issue's first checks, to tick while working. */
export function KnowledgeChecklist({ ticket: t }: { readonly ticket: TicketDetail }) {
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  if (t.knowledge.length === 0 && t.suggestedArticles.length === 0) return null;
  const toggle = (key: string) =>
    setTicked((s) => {
      const next = new Set(s);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  return (
    <section className="card ticket-card" aria-labelledby="knowledge-title">
      <h2 id="knowledge-title">First checks</h2>
      {t.knowledge.map((k) => (
        <fieldset key={k.id} className="checklist">
          <legend>{k.issue}</legend>
          {k.firstChecks.map((check, i) => {
            const key = `${k.id}/${i}`;
            return (
              <label key={key} className="check-item">
                <input type="checkbox" checked={ticked.has(key)} onChange={() => toggle(key)} />
                <span>{check}</span>
              </label>
            );
          })}
        </fieldset>
      ))}
      {t.suggestedArticles.length > 0 && (
        <>
          <h3>Help-centre articles</h3>
          <ul>
            {t.suggestedArticles.map((a) => (
              <li key={a.slug}>
                <a href={a.url} target="_blank" rel="noreferrer">
                  {a.title}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
