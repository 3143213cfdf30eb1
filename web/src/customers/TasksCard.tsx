/**
 * The tasks the pack raised about the account and its people (`GET …/accounts/{id}/tasks`): ShopSmart's
 * Day 3 call for the CSM with its Hindi script, the NPS passive's "what's missing". The script opens in
 * place (the template's preview per locale), and the person marks the task done with the call's notes,
 * which land on the timeline. Open tasks first, each with when it was raised and who it is for.
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { describedBy, Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { type AccountTask, customersApi } from '../customers-api';
import { notificationsApi, type TemplatePreview } from '../notifications-api';
import { type Loaded, useAction, useSession } from '../session';
import { StateBadge, When } from './badges';

interface Props {
  readonly workspace: Workspace;
  readonly tasks: Loaded<{ readonly items: readonly AccountTask[] }>;
  /** Contacts by engine subject (`user:<id>`), to say whom a task is about. */
  readonly names: ReadonlyMap<string, string>;
  readonly canComplete: boolean;
  readonly onChanged: () => void;
}

export function TasksCard({ workspace, tasks, names, canComplete, onChanged }: Props) {
  const items = tasks.data?.items;
  const ordered = items
    ? [...items].sort((a, b) => Number(a.status === 'done') - Number(b.status === 'done'))
    : [];
  return (
    <section className="card" aria-labelledby="account-tasks-title">
      <h2 id="account-tasks-title">Tasks</h2>
      <ErrorNotice error={tasks.error} />
      {!items && !tasks.error && <p className="muted">Loading the tasks…</p>}
      {items?.length === 0 && <p className="muted">No task was raised for this account yet.</p>}
      {ordered.length > 0 && (
        <ul className="task-list">
          {ordered.map((task) => (
            <TaskItem
              key={task.id}
              workspace={workspace}
              task={task}
              who={names.get(task.subject) ?? task.subject}
              canComplete={canComplete}
              onChanged={onChanged}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function TaskItem({
  workspace,
  task,
  who,
  canComplete,
  onChanged,
}: {
  readonly workspace: Workspace;
  readonly task: AccountTask;
  readonly who: string;
  readonly canComplete: boolean;
  readonly onChanged: () => void;
}) {
  const titleId = `task-${task.id}-title`;
  return (
    <li className="task" aria-labelledby={titleId}>
      <p id={titleId} className="task-title">
        <strong>{task.title}</strong>{' '}
        <StateBadge state={task.status} tone={task.status === 'done' ? 'quiet' : 'warn'} />
      </p>
      <p className="muted">
        For <code>{task.assignee}</code> · about {who} · raised <When iso={task.createdAt} />
        {task.dueAt && (
          <>
            {' '}
            · due <When iso={task.dueAt} full />
          </>
        )}
        {task.detail && <> · {task.detail}</>}
      </p>
      {task.script && <Script workspace={workspace} templateId={task.script} />}
      {task.status === 'done' ? (
        <p>
          Done <When iso={task.completedAt ?? task.createdAt} /> by{' '}
          <code>{task.completedBy ?? 'someone'}</code>
          {task.note && <>: {task.note}</>}
        </p>
      ) : (
        canComplete && <CompleteForm workspace={workspace} task={task} onDone={onChanged} />
      )}
    </li>
  );
}

function Script({ workspace, templateId }: { readonly workspace: Workspace; readonly templateId: string }) {
  const { me } = useSession();
  const action = useAction();
  const [preview, setPreview] = useState<TemplatePreview | null>(null);
  const open = () => {
    if (preview || action.busy) return;
    void action.run(async () =>
      setPreview(await notificationsApi.preview(workspace.id, templateId, me.csrfToken)),
    );
  };
  return (
    <details className="task-script" onToggle={open}>
      <summary>
        Script: <code>{templateId}</code>
      </summary>
      <ErrorNotice error={action.error} />
      {!preview && !action.error && <p className="muted">Loading the script…</p>}
      {preview?.items.map((item) => (
        <div key={item.locale} lang={item.locale}>
          <h4>{item.locale}</h4>
          <pre className="task-script-text">{item.text}</pre>
        </div>
      ))}
    </details>
  );
}

function CompleteForm({
  workspace,
  task,
  onDone,
}: {
  readonly workspace: Workspace;
  readonly task: AccountTask;
  readonly onDone: () => void;
}) {
  const { me } = useSession();
  const action = useAction();
  const [note, setNote] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await customersApi.completeTask(workspace.id, task.id, note, me.csrfToken);
      setNote('');
      onDone();
    });
  };
  const id = `task-${task.id}-note`;
  return (
    <form className="inline-form" onSubmit={submit} aria-busy={action.busy}>
      <ErrorNotice error={action.error} />
      <Field id={id} label="Notes (optional)" hint="What the call found, what was agreed">
        <textarea
          id={id}
          rows={2}
          maxLength={5000}
          aria-describedby={describedBy(id, true, undefined)}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <button type="submit" className="button" disabled={action.busy}>
        Mark done
      </button>
    </form>
  );
}
