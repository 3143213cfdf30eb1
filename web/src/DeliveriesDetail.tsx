/**
 * One message of the delivery log: what it is, every attempt (when, outcome, code, provider id, duration,
 * error), the provider's own status, the deliveries it expanded into, and "Retry" for a dead one (needs
 * `notifications.manage`).
 */
import { useEffect, useRef } from 'react';
import type { Workspace } from './api';
import { DataTable, ErrorNotice, when } from './controls';
import { type Delivery, type DeliveryStatus, notificationsApi } from './notifications-api';
import { useAction, useLoad, useSession } from './session';

export function StatusBadge({ status }: { readonly status: DeliveryStatus }) {
  return <span className={`badge status status-${status}`}>{status}</span>;
}

interface Props {
  readonly workspace: Workspace;
  readonly messageId: string;
  readonly canRetry: boolean;
  /** Shows another message (a child, the parent). */
  readonly onSelect: (messageId: string) => void;
  readonly onClose: () => void;
  /** After a retry: the list's statuses changed. */
  readonly onChanged: () => void;
}

export function DeliveryDetail({ workspace, messageId, canRetry, onSelect, onClose, onChanged }: Props) {
  const { me } = useSession();
  const detail = useLoad(`${workspace.id}/${messageId}`, () =>
    notificationsApi.delivery(workspace.id, messageId),
  );
  const retry = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  const d = detail.data?.delivery;
  return (
    <section className="card detail" aria-labelledby="delivery-detail-title">
      <div className="card-head">
        <h2 id="delivery-detail-title" ref={heading} tabIndex={-1}>
          Message <code>{messageId}</code>
        </h2>
        <button type="button" className="button small" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorNotice error={detail.error ?? retry.error} />
      {!detail.data && !detail.error && <p className="muted">Loading the message…</p>}
      {d && (
        <>
          <DeliveryFacts delivery={d} onSelect={onSelect} />
          {d.status === 'dead' && canRetry && (
            <p>
              <button
                type="button"
                className="button primary"
                disabled={retry.busy}
                onClick={() =>
                  void retry.run(async () => {
                    await notificationsApi.retry(workspace.id, d.id, me.csrfToken);
                    detail.reload();
                    onChanged();
                  })
                }
              >
                Retry
              </button>
            </p>
          )}
          {d.text && (
            <>
              <h3>Text</h3>
              <pre className="message-text">{d.text}</pre>
            </>
          )}
        </>
      )}
      {detail.data && (
        <>
          <h3 id="attempts-title">Attempts</h3>
          {detail.data.attempts.length === 0 ? (
            <p className="muted">Not tried yet.</p>
          ) : (
            <DataTable
              labelledBy="attempts-title"
              columns={['#', 'When', 'Outcome', 'Code', 'Provider id', 'Duration', 'Error']}
            >
              {detail.data.attempts.map((a) => (
                <tr key={`${a.attempt}-${a.at}`}>
                  <td>{a.attempt}</td>
                  <td>
                    <time dateTime={a.at}>{when(a.at)}</time>
                  </td>
                  <td>{a.outcome}</td>
                  <td>{a.code ?? '—'}</td>
                  <td>{a.providerId ? <code>{a.providerId}</code> : '—'}</td>
                  <td>{a.durationMs} ms</td>
                  <td className={a.error ? 'error-cell' : undefined}>{a.error ?? '—'}</td>
                  <td />
                </tr>
              ))}
            </DataTable>
          )}
          <Children items={detail.data.children} onSelect={onSelect} />
        </>
      )}
    </section>
  );
}

function DeliveryFacts({
  delivery: d,
  onSelect,
}: {
  readonly delivery: Delivery;
  readonly onSelect: (id: string) => void;
}) {
  const parent = d.parentId;
  const facts: [string, string][] = [
    ['Channel', d.channel],
    ['Recipient', d.recipient ?? '—'],
    ['To', d.to ?? '—'],
    ['Subject', d.subject ?? '—'],
    ['Created', when(d.createdAt)],
    [
      d.status === 'pending' ? 'Next attempt' : 'Sent',
      when(d.status === 'pending' ? d.nextAttemptAt : d.sentAt),
    ],
    ['Provider id', d.providerId ?? '—'],
    ['Provider status', d.providerStatus ?? '—'],
    ['Critical', d.critical ? 'yes: retried longer, owners told if it gives up' : 'no'],
  ];
  return (
    <dl className="facts">
      <div className="fact">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={d.status} /> after {d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'}
        </dd>
      </div>
      {facts.map(([term, value]) => (
        <div key={term} className="fact">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
      {d.lastError && (
        <div className="fact">
          <dt>Last error</dt>
          <dd className="error-cell">{d.lastError}</dd>
        </div>
      )}
      {parent && (
        <div className="fact">
          <dt>Expanded from</dt>
          <dd>
            <button type="button" className="link-button" onClick={() => onSelect(parent)}>
              {parent}
            </button>
          </dd>
        </div>
      )}
    </dl>
  );
}

function Children({
  items,
  onSelect,
}: {
  readonly items: readonly Delivery[];
  readonly onSelect: (id: string) => void;
}) {
  if (items.length === 0) return null;
  return (
    <>
      <h3 id="children-title">Deliveries</h3>
      <DataTable labelledBy="children-title" columns={['Channel', 'Status', 'To', 'Attempts', 'Last error']}>
        {items.map((c) => (
          <tr key={c.id}>
            <td>{c.channel}</td>
            <td>
              <StatusBadge status={c.status} />
            </td>
            <td>{c.to ?? '—'}</td>
            <td>{c.attempts}</td>
            <td className={c.lastError ? 'error-cell' : undefined}>{c.lastError ?? '—'}</td>
            <td className="actions-cell">
              <button
                type="button"
                className="button small"
                aria-label={`Details of ${c.id}`}
                onClick={() => onSelect(c.id)}
              >
                Details
              </button>
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
