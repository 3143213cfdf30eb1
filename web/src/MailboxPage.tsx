/**
 * The Mailbox tab of Admin (needs `deliveries.read`): the mail the built-in mailbox kept (embedded mode
 * without an SMTP server), newest first, and a reader with its headers and text. Mail is shown as text,
 * never as HTML: it may come from anywhere.
 */
import { useEffect, useRef, useState } from 'react';
import type { Workspace } from './api';
import { ListCard, when } from './controls';
import { type MailboxMessage, notificationsApi } from './notifications-api';
import { usePaged } from './notifications-paging';
import { useAction } from './session';

const PAGE = 50;

export function MailboxPage({ workspace }: { readonly workspace: Workspace }) {
  const mail = usePaged(
    workspace.id,
    PAGE,
    (before) => notificationsApi.mailbox(workspace.id, { limit: PAGE, before }),
    (m) => m.receivedAt,
  );
  const [reading, setReading] = useState<MailboxMessage | null>(null);
  const page = useAction();

  return (
    <>
      {reading && <MailReader key={reading.id} message={reading} onClose={() => setReading(null)} />}
      <ListCard
        titleId="mailbox-title"
        title="Mailbox"
        list={mail.list}
        action={page}
        loading="Loading the mailbox…"
        empty="No mail yet. Mail sent while no SMTP server is configured is kept here."
        columns={['From', 'To', 'Subject', 'Received']}
        rows={(items) =>
          items.map((m) => (
            <tr
              key={m.id}
              className={m.id === reading?.id ? 'clickable selected' : 'clickable'}
              onClick={() => setReading(m)}
            >
              <td>{m.from}</td>
              <td>{m.to.join(', ')}</td>
              <td>{m.subject || '(no subject)'}</td>
              <td>
                <time dateTime={m.receivedAt}>{when(m.receivedAt)}</time>
              </td>
              <td className="actions-cell">
                <button
                  type="button"
                  className="button small"
                  aria-label={`Read "${m.subject || '(no subject)'}"`}
                  onClick={(e) => {
                    e.stopPropagation();
                    setReading(m);
                  }}
                >
                  Read
                </button>
              </td>
            </tr>
          ))
        }
      />
      {mail.more && (
        <p>
          <button
            type="button"
            className="button"
            disabled={page.busy}
            onClick={() => void page.run(mail.loadOlder)}
          >
            Older mail
          </button>
        </p>
      )}
    </>
  );
}

function MailReader({
  message,
  onClose,
}: {
  readonly message: MailboxMessage;
  readonly onClose: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
    heading.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const headers = Object.entries(message.headers);
  return (
    <section className="card detail" aria-labelledby="mail-reader-title">
      <div className="card-head">
        <h2 id="mail-reader-title" ref={heading} tabIndex={-1}>
          {message.subject || '(no subject)'}
        </h2>
        <button type="button" className="button small" onClick={onClose}>
          Close
        </button>
      </div>
      <dl className="facts">
        {[
          ['From', message.from],
          ['To', message.to.join(', ')],
          ['Received', when(message.receivedAt)],
          ['Message-ID', message.messageId ?? '—'],
        ].map(([term, value]) => (
          <div key={term} className="fact">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>Text</h3>
      {/* As text: React escapes it, and nothing here is ever parsed as HTML. */}
      <pre className="message-text">{message.text || '(no text part)'}</pre>
      {headers.length > 0 && (
        <details open>
          <summary>All headers ({headers.length})</summary>
          <table className="data headers" aria-label="Headers">
            <tbody>
              {headers.map(([name, value]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
