/**
 * The Deliveries tab of Admin (needs `deliveries.read`): every message, newest first — the `notify`
 * messages rules recorded and the deliveries they became — filtered by status and channel, older ones a
 * page at a time. Choosing one shows its attempts and what it expanded into (DeliveryDetail).
 */
import { useState } from 'react';
import type { Workspace } from './api';
import { Field } from './AuthCard';
import { DataTable, ErrorNotice, when } from './controls';
import { DeliveryDetail, StatusBadge } from './DeliveriesDetail';
import { type Delivery, type DeliveryStatus, notificationsApi } from './notifications-api';
import { usePaged } from './notifications-paging';
import type { ReadyAccess } from './permissions';
import { useAction } from './session';

const PAGE = 50;
const STATUSES: readonly DeliveryStatus[] = ['pending', 'sent', 'dead'];
/** `notify` is a rule's message before expansion; the rest are the transports (src/channels/types.ts). */
const CHANNELS = ['notify', 'email', 'slack', 'sms', 'whatsapp', 'voice', 'webhook', 'in-app'] as const;

/** The start of a long text, on one line. */
export function excerpt(text: string | null, maxChars = 80): string {
  if (!text) return '—';
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

export function DeliveriesPage({
  workspace,
  access,
}: {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [channel, setChannel] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const filter = { status: status || undefined, channel: channel || undefined };
  const deliveries = usePaged(
    `${workspace.id}/${status}/${channel}`,
    PAGE,
    (before) => notificationsApi.deliveries(workspace.id, { limit: PAGE, before, ...filter }),
    (d) => d.createdAt,
  );
  const page = useAction();
  const items = deliveries.list.data?.items;

  return (
    <>
      {selected && (
        <DeliveryDetail
          key={selected}
          workspace={workspace}
          messageId={selected}
          canRetry={access.permissions.has('notifications.manage')}
          onSelect={setSelected}
          onClose={() => setSelected(null)}
          onChanged={deliveries.list.reload}
        />
      )}
      <section className="card" aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Messages</h2>
        <div className="inline-form filters">
          <Field id="deliveries-status" label="Status">
            <select
              id="deliveries-status"
              value={status}
              onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}
            >
              <option value="">Any status</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <Field id="deliveries-channel" label="Channel">
            <select id="deliveries-channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
              <option value="">Any channel</option>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </Field>
          <button type="button" className="button" onClick={deliveries.list.reload}>
            Refresh
          </button>
        </div>
        <ErrorNotice error={deliveries.list.error ?? page.error} />
        {!deliveries.list.data && !deliveries.list.error && <p className="muted">Loading messages…</p>}
        {items?.length === 0 && <p className="muted">No messages match.</p>}
        {items && items.length > 0 && (
          <DataTable
            labelledBy="deliveries-title"
            columns={['Time', 'Channel', 'Status', 'Recipient', 'To', 'Message', 'Attempts', 'Last error']}
          >
            {items.map((d) => (
              <DeliveryRow key={d.id} delivery={d} current={d.id === selected} onOpen={setSelected} />
            ))}
          </DataTable>
        )}
      </section>
      {deliveries.more && (
        <p>
          <button
            type="button"
            className="button"
            disabled={page.busy}
            onClick={() => void page.run(deliveries.loadOlder)}
          >
            Older messages
          </button>
        </p>
      )}
    </>
  );
}

function DeliveryRow({
  delivery: d,
  current,
  onOpen,
}: {
  readonly delivery: Delivery;
  readonly current: boolean;
  readonly onOpen: (id: string) => void;
}) {
  return (
    <tr className={current ? 'clickable selected' : 'clickable'} onClick={() => onOpen(d.id)}>
      <td>
        <time dateTime={d.createdAt}>{when(d.createdAt)}</time>
      </td>
      <td>{d.channel}</td>
      <td>
        <StatusBadge status={d.status} />
      </td>
      <td>{d.recipient ?? '—'}</td>
      <td>{d.to ?? '—'}</td>
      <td>{excerpt(d.subject ?? d.text, 60)}</td>
      <td>{d.attempts}</td>
      <td className={d.lastError ? 'error-cell' : undefined}>{excerpt(d.lastError, 60)}</td>
      <td className="actions-cell">
        <button
          type="button"
          className="button small"
          aria-label={`Details of ${d.id}`}
          aria-pressed={current}
          onClick={(e) => {
            e.stopPropagation();
            onOpen(d.id);
          }}
        >
          Details
        </button>
      </td>
    </tr>
  );
}
