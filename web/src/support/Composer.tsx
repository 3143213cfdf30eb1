/**
 * Writing on a ticket: a reply to the customer (with the pack's templates, rendered for this ticket), an
 * internal note (with @mentions of agents), or a logged phone call (duration and outcome). Cmd/Ctrl+Enter
 * sends.
 */
import { type KeyboardEvent, useRef, useState } from 'react';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { useAction, useLoad, useSession } from '../session';
import { type Agent, type NewMessage, supportApi, type TicketDetail } from '../support-api';
import { mentionAt, MentionList, type MentionQuery, withMention } from './mentions';

type Tab = 'reply' | 'note' | 'call';

const TABS: readonly {
  readonly id: Tab;
  readonly name: string;
  readonly field: string;
  readonly send: string;
}[] = [
  { id: 'reply', name: 'Reply', field: 'Reply to the customer', send: 'Send reply' },
  {
    id: 'note',
    name: 'Internal note',
    field: 'Internal note (only agents see it; @ mentions an agent)',
    send: 'Add note',
  },
  { id: 'call', name: 'Log call', field: 'What was said on the call', send: 'Log call' },
];

const OUTCOMES = ['Resolved on the call', 'Follow-up needed', 'Escalated', 'No answer', 'Left a voicemail'];

interface Props {
  readonly workspace: Workspace;
  readonly ticket: TicketDetail;
  readonly agents: readonly Agent[];
  readonly onSent: () => void;
}

export function Composer({ workspace, ticket, agents, onSent }: Props) {
  const { me } = useSession();
  const [tab, setTab] = useState<Tab>('reply');
  const [text, setText] = useState('');
  const [template, setTemplate] = useState<string | undefined>(undefined);
  const [blanks, setBlanks] = useState<readonly string[]>([]);
  const [mentions, setMentions] = useState<ReadonlyMap<string, string>>(new Map());
  const [minutes, setMinutes] = useState('');
  const [outcome, setOutcome] = useState('');
  const [query, setQuery] = useState<MentionQuery | null>(null);
  const [sent, setSent] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const templates = useLoad(`${workspace.id}/${ticket.number}/templates`, () =>
    supportApi.templates(workspace.id, ticket.number),
  );
  const action = useAction();
  const current = TABS.find((t) => t.id === tab) ?? TABS[0]!;
  const suggestions = query
    ? agents
        .filter((a) => `${a.name} ${a.email}`.toLowerCase().includes(query.text.toLowerCase()))
        .slice(0, 6)
    : [];

  const send = () => {
    if (!text.trim() || action.busy) return;
    const message: NewMessage =
      tab === 'call'
        ? {
            kind: 'call',
            text: text.trim(),
            call: { durationSeconds: Math.round(Number(minutes || 0) * 60), outcome: outcome || 'Logged' },
          }
        : {
            kind: tab,
            text: text.trim(),
            ...(tab === 'reply' && template ? { template } : {}),
            ...(tab === 'note'
              ? { mentions: [...mentions].filter(([, name]) => text.includes(`@${name}`)).map(([id]) => id) }
              : {}),
          };
    void action
      .run(async () => {
        await supportApi.addMessage(workspace.id, ticket.number, message, me.csrfToken);
      })
      .then((ok) => {
        if (!ok) return;
        setText('');
        setTemplate(undefined);
        setBlanks([]);
        setMentions(new Map());
        setMinutes('');
        setOutcome('');
        setSent(tab === 'call' ? 'Call logged.' : tab === 'note' ? 'Note added.' : 'Reply sent.');
        onSent();
      });
  };

  const follow = (value: string, caret: number) => {
    setText(value);
    setSent('');
    setQuery(tab === 'note' ? mentionAt(value, caret) : null);
  };

  const choose = (agent: Agent) => {
    if (!query) return;
    const { text: next, caret } = withMention(text, query, agent.name);
    setText(next);
    setMentions((m) => new Map(m).set(agent.userId, agent.name));
    setQuery(null);
    requestAnimationFrame(() => area.current?.setSelectionRange(caret, caret));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      send();
      return;
    }
    if (!query || suggestions.length === 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setQuery({ ...query, active: (query.active + step + suggestions.length) % suggestions.length });
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      const agent = suggestions[query.active];
      if (agent) choose(agent);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setQuery(null);
    }
  };

  const activeId =
    query && suggestions[query.active] ? `mention-${suggestions[query.active]!.userId}` : undefined;
  return (
    <section className={`card composer composer-${tab}`} aria-labelledby="composer-title">
      <h2 id="composer-title" className="visually-hidden">
        Write
      </h2>
      <div className="composer-tabs" role="tablist" aria-label="Write">
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`composer-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === tab}
            aria-controls="composer-panel"
            className="composer-tab"
            onClick={() => {
              setTab(t.id);
              setQuery(null);
            }}
          >
            {t.name}
          </button>
        ))}
      </div>
      <form
        id="composer-panel"
        role="tabpanel"
        aria-labelledby={`composer-tab-${tab}`}
        aria-busy={action.busy}
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <ErrorNotice error={action.error ?? templates.error} />
        {tab === 'reply' && (
          <Field id="composer-template" label="Template">
            <select
              id="composer-template"
              value=""
              disabled={!templates.data || templates.data.length === 0}
              onChange={(e) => {
                const chosen = templates.data?.find((tpl) => tpl.id === e.target.value);
                if (!chosen) return;
                setText((old) => (old.trim() ? `${old.trimEnd()}\n\n${chosen.text}` : chosen.text));
                setTemplate(chosen.id);
                setBlanks(chosen.blanks);
                area.current?.focus();
              }}
            >
              <option value="">
                {templates.data?.length === 0 ? 'No templates for this ticket' : 'Insert a template…'}
              </option>
              {templates.data?.map((tpl) => (
                <option key={tpl.id} value={tpl.id}>
                  {tpl.label}
                  {tpl.locale ? ` (${tpl.locale})` : ''}
                </option>
              ))}
            </select>
          </Field>
        )}
        {tab === 'call' && (
          <div className="inline-form call-fields">
            <Field id="composer-minutes" label="Duration (minutes)">
              <input
                id="composer-minutes"
                type="number"
                min="0"
                step="0.5"
                inputMode="decimal"
                value={minutes}
                onChange={(e) => setMinutes(e.target.value)}
              />
            </Field>
            <Field id="composer-outcome" label="Outcome">
              <input
                id="composer-outcome"
                list="composer-outcomes"
                value={outcome}
                onChange={(e) => setOutcome(e.target.value)}
              />
              <datalist id="composer-outcomes">
                {OUTCOMES.map((o) => (
                  <option key={o} value={o} />
                ))}
              </datalist>
            </Field>
          </div>
        )}
        {tab === 'reply' && blanks.some((b) => text.includes(`[${b}]`)) && (
          <p className="hint blanks" role="note">
            Fill in before sending: {blanks.map((b) => `[${b}]`).join(', ')}
          </p>
        )}
        <div className="field composer-field">
          <label htmlFor="composer-text">{current.field}</label>
          <textarea
            id="composer-text"
            ref={area}
            rows={6}
            value={text}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            aria-autocomplete={tab === 'note' ? 'list' : undefined}
            aria-controls={query && suggestions.length > 0 ? 'mention-list' : undefined}
            aria-expanded={tab === 'note' ? Boolean(query && suggestions.length > 0) : undefined}
            aria-activedescendant={activeId}
            onChange={(e) => follow(e.target.value, e.target.selectionStart)}
            onKeyDown={onKeyDown}
            onBlur={() => setQuery(null)}
          />
          {query && suggestions.length > 0 && (
            <MentionList agents={suggestions} active={query.active} onChoose={choose} />
          )}
        </div>
        <div className="actions">
          <button type="submit" className="button primary" disabled={action.busy || !text.trim()}>
            {current.send}
          </button>
          <span className="hint">Ctrl+Enter or ⌘+Enter sends</span>
          {template && tab === 'reply' && <span className="hint">Template: {template}</span>}
          <span role="status" className="hint">
            {sent}
          </span>
        </div>
      </form>
    </section>
  );
}
