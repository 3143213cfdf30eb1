/** One's signed-in sessions (browsers and devices); any of the others can be ended (signed out). */
import { accountApi } from './account-api';
import { ConfirmButton, DataTable, ErrorNotice, when } from './controls';
import { useHeadingFocus } from './heading';
import { useAction, useLoad, useSession } from './session';
import { describeAgent, describeMethod } from './user-agent';

export function SessionsPage() {
  const { me } = useSession();
  const heading = useHeadingFocus('/account/sessions', 'Sessions');
  const sessions = useLoad('sessions', accountApi.sessions);
  const revoke = useAction();

  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Sessions
        </h1>
        <p className="muted">
          Where you are signed in. End a session you do not recognise, then change your password.
        </p>
      </header>
      <ErrorNotice error={sessions.error ?? revoke.error} />
      {!sessions.data && !sessions.error && <p className="muted">Loading sessions…</p>}
      {sessions.data && (
        <section className="card" aria-labelledby="sessions-title">
          <h2 id="sessions-title" className="visually-hidden">
            Your sessions
          </h2>
          <DataTable
            label="Sessions"
            columns={['Device', 'Signed in with', 'IP address', 'Signed in', 'Last active', 'Expires']}
          >
            {sessions.data.items.map((s) => (
              <tr key={s.id}>
                <td title={s.userAgent ?? undefined}>
                  {describeAgent(s.userAgent)}
                  {s.current && <span className="badge">This browser</span>}
                </td>
                <td>{describeMethod(s.method)}</td>
                <td>{s.ip ?? '—'}</td>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastSeenAt)}</td>
                <td>{when(s.expiresAt)}</td>
                <td className="actions-cell">
                  {!s.current && (
                    <ConfirmButton
                      label="End session"
                      question="End this session?"
                      confirm="Yes, end it"
                      action={revoke}
                      onConfirm={async () => {
                        await accountApi.revokeSession(s.id, me.csrfToken);
                        sessions.reload();
                      }}
                    />
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        </section>
      )}
    </>
  );
}
