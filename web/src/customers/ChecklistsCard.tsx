/**
 * The checklist runs of an account (`GET …/checklist-runs?subject=account:<id>`): Smart Estate's 16-step
 * onboarding opened by the signup. Each step says who owns it, when it is due and where it is; an open step
 * takes the evidence its kind asks for (a note, a link, a file's name, a number) and is marked done, a step
 * whose condition does not hold is skipped with a reason, and a done step that needs approval is approved.
 * The server refuses what the SOP does not allow (a step out of order, the wrong role); the reason shows
 * beside the step.
 */
import { type FormEvent, useState } from 'react';
import type { Workspace } from '../api';
import { describedBy, Field } from '../AuthCard';
import {
  type ChecklistItem,
  type ChecklistRun,
  checklistsApi,
  type CompleteInput,
  type EvidenceKind,
} from '../checklists-api';
import { ErrorNotice } from '../controls';
import { useAction, useLoad, useSession } from '../session';
import { StateBadge, When } from './badges';

interface Props {
  readonly workspace: Workspace;
  readonly accountId: string;
  /** The session may work items (`events.write`); the item's role is checked by the server. */
  readonly canWork: boolean;
  /** Something landed on the account's timeline. */
  readonly onChanged: () => void;
}

export function ChecklistsCard({ workspace, accountId, canWork, onChanged }: Props) {
  const subject = `account:${accountId}`;
  const runs = useLoad(`${workspace.id}/${subject}/checklists`, () =>
    checklistsApi.ofSubject(workspace.id, subject),
  );
  const changed = () => {
    runs.reload();
    onChanged();
  };
  const items = runs.data?.items;
  return (
    <section className="card" aria-labelledby="account-checklists-title">
      <h2 id="account-checklists-title">Checklists</h2>
      <ErrorNotice error={runs.error} />
      {!items && !runs.error && <p className="muted">Loading the checklists…</p>}
      {items?.length === 0 && <p className="muted">No checklist was opened for this account yet.</p>}
      {items?.map((run) => (
        <RunView key={run.id} workspace={workspace} run={run} canWork={canWork} onChanged={changed} />
      ))}
    </section>
  );
}

export function RunView({
  workspace,
  run,
  canWork,
  onChanged,
}: {
  readonly workspace: Workspace;
  readonly run: ChecklistRun;
  readonly canWork: boolean;
  readonly onChanged: () => void;
}) {
  const finished = run.items.filter((i) => i.status !== 'open').length;
  // In an ordered checklist only the next open step can be worked; the later ones wait for it.
  const next = run.items.find((i) => i.status === 'open')?.id;
  const titleId = `run-${run.id}-title`;
  return (
    <article className="checklist-run" aria-labelledby={titleId}>
      <h3 id={titleId}>
        {run.label} <StateBadge state={run.status} tone={run.status === 'completed' ? 'quiet' : 'warn'} />
      </h3>
      <p className="muted">
        {finished} of {run.items.length} steps done or skipped{run.ordered && ' · in order'} · opened{' '}
        <When iso={run.openedAt} />
        {run.completedAt && (
          <>
            {' '}
            · completed <When iso={run.completedAt} />
          </>
        )}
      </p>
      <ol className="task-list">
        {run.items.map((item) => (
          <Step
            key={item.id}
            workspace={workspace}
            run={run}
            item={item}
            canWork={
              canWork && run.status === 'open' && (!run.ordered || item.status !== 'open' || item.id === next)
            }
            onChanged={onChanged}
          />
        ))}
      </ol>
    </article>
  );
}

function Step({
  workspace,
  run,
  item,
  canWork,
  onChanged,
}: {
  readonly workspace: Workspace;
  readonly run: ChecklistRun;
  readonly item: ChecklistItem;
  readonly canWork: boolean;
  readonly onChanged: () => void;
}) {
  const { me } = useSession();
  const action = useAction();
  const needsApproval = item.status === 'done' && item.approval !== null && item.approvedAt === null;
  const approve = () =>
    void action.run(async () => {
      await checklistsApi.approve(workspace.id, run.id, item.id, me.csrfToken);
      onChanged();
    });
  const titleId = `step-${run.id}-${item.id}`;
  return (
    <li className="task" aria-labelledby={titleId}>
      <p id={titleId} className="task-title">
        <strong>{item.text}</strong>{' '}
        <StateBadge state={item.status} tone={item.status === 'open' ? 'warn' : 'quiet'} />
      </p>
      <p className="muted">
        For <code>{item.owner ?? 'anyone'}</code>
        {item.assignee && (
          <>
            {' '}
            · given to <code>{item.assignee}</code>
          </>
        )}
        {item.dueAt && (
          <>
            {' '}
            · due <When iso={item.dueAt} full />
          </>
        )}
        {item.evidence !== 'none' && <> · evidence: {item.evidence}</>}
        {item.when && <> · applies when {item.when}</>}
        {item.approval && (
          <>
            {' '}
            · approved by <code>{item.approval}</code>
          </>
        )}
      </p>
      <ErrorNotice error={action.error} />
      {item.status !== 'open' && <Outcome item={item} />}
      {canWork && item.status === 'open' && (
        <StepForm workspace={workspace} runId={run.id} item={item} onChanged={onChanged} />
      )}
      {canWork && needsApproval && (
        <button type="button" className="button" disabled={action.busy} onClick={approve}>
          Approve <span className="visually-hidden">{item.text}</span>
        </button>
      )}
    </li>
  );
}

function Outcome({ item }: { readonly item: ChecklistItem }) {
  return (
    <p>
      {item.status === 'done' ? 'Done' : 'Skipped'} <When iso={item.doneAt ?? ''} /> by{' '}
      <code>{item.doneBy ?? 'someone'}</code>
      {item.evidenceValue && <>: {item.evidenceValue}</>}
      {item.note && <> ({item.note})</>}
      {item.approvedAt && (
        <>
          {' '}
          · approved <When iso={item.approvedAt} /> by <code>{item.approvedBy ?? 'someone'}</code>
        </>
      )}
    </p>
  );
}

const EVIDENCE_FIELD: Readonly<
  Record<Exclude<EvidenceKind, 'none'>, { label: string; type: string; hint: string }>
> = {
  note: { label: 'Note', type: 'text', hint: 'What was checked or decided' },
  link: { label: 'Link', type: 'url', hint: 'An http or https address' },
  file: { label: 'File', type: 'text', hint: "The file's name or where it is kept" },
  number: { label: 'Number', type: 'number', hint: 'The figure recorded' },
};

function evidenceOf(kind: EvidenceKind, value: string): CompleteInput {
  if (kind === 'none') return {};
  // An empty or malformed value is sent as typed: the server says what it needs.
  const parsed = kind === 'number' && value.trim() !== '' ? Number(value) : value;
  return { evidence: { kind, value: Number.isNaN(parsed) ? value : parsed } };
}

/** The form that works one open item (also on the My work page, from an entry there). */
export function StepForm({
  workspace,
  runId,
  item,
  onChanged,
}: {
  readonly workspace: Workspace;
  readonly runId: string;
  readonly item: Pick<ChecklistItem, 'id' | 'text' | 'evidence' | 'when'>;
  readonly onChanged: () => void;
}) {
  const { me } = useSession();
  const action = useAction();
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const done = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void action.run(async () => {
      await checklistsApi.complete(
        workspace.id,
        runId,
        item.id,
        evidenceOf(item.evidence, value),
        me.csrfToken,
      );
      setValue('');
      onChanged();
    });
  };
  const skip = () =>
    void action.run(async () => {
      await checklistsApi.skip(workspace.id, runId, item.id, reason, me.csrfToken);
      setReason('');
      onChanged();
    });
  const id = `step-${runId}-${item.id}`;
  const field = item.evidence === 'none' ? null : EVIDENCE_FIELD[item.evidence];
  return (
    <form className="inline-form" onSubmit={done} aria-busy={action.busy}>
      <ErrorNotice error={action.error} />
      {field && (
        <Field id={`${id}-evidence`} label={field.label} hint={field.hint}>
          <input
            id={`${id}-evidence`}
            type={field.type}
            step={item.evidence === 'number' ? 'any' : undefined}
            maxLength={5000}
            aria-describedby={describedBy(`${id}-evidence`, true, undefined)}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </Field>
      )}
      <button type="submit" className="button" disabled={action.busy}>
        Done <span className="visually-hidden">{item.text}</span>
      </button>
      {item.when && (
        <>
          <Field id={`${id}-reason`} label="Reason to skip" hint={`Only when ${item.when} does not hold`}>
            <input
              id={`${id}-reason`}
              type="text"
              maxLength={2000}
              aria-describedby={describedBy(`${id}-reason`, true, undefined)}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </Field>
          <button type="button" className="button" disabled={action.busy} onClick={skip}>
            Skip <span className="visually-hidden">{item.text}</span>
          </button>
        </>
      )}
    </form>
  );
}
