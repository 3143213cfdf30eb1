/**
 * API tokens of the workspace (needs `tokens.manage`): create one with a scope and an optional expiry (its
 * secret is shown once), see when each was last used, revoke.
 */
import { type FormEvent, useState } from 'react';
import { accessApi, type ApiToken, type TokenScope } from './access-api';
import { fieldError, type Workspace } from './api';
import { describedBy, Field } from './AuthCard';
import { ConfirmButton, ErrorNotice, ShownOnce, when } from './controls';
import { useAction, useLoad, useSession } from './session';

/** The scopes of src/core/access.ts (TOKEN_SCOPES), in words. */
const SCOPES: readonly { readonly id: TokenScope; readonly label: string }[] = [
  { id: 'read', label: 'Read: see records, packs and tasks' },
  { id: 'write', label: 'Write: read, and record events' },
  { id: 'ingest', label: 'Ingest: send alerts, heartbeats and mail only' },
  { id: 'admin', label: 'Admin: manage members, tokens and settings too' },
];

const EXPIRIES = [
  { days: 30, label: 'In 30 days' },
  { days: 90, label: 'In 90 days' },
  { days: 365, label: 'In a year' },
  { days: 0, label: 'Never' },
] as const;

function stateOf(token: ApiToken, nowMs: number): string {
  if (token.revokedAt) return `Revoked ${when(token.revokedAt)}`;
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= nowMs) return 'Expired';
  return 'Active';
}

export function TokensPage({ workspace }: { readonly workspace: Workspace }) {
  const { me } = useSession();
  const tokens = useLoad(workspace.id, () => accessApi.tokens(workspace.id));
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [expiryDays, setExpiryDays] = useState(90);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction();
  const revoke = useAction();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void create.run(async () => {
      const input = { name: name.trim(), scope, ...(expiryDays > 0 ? { expiresInDays: expiryDays } : {}) };
      setSecret((await accessApi.createToken(workspace.id, input, me.csrfToken)).token);
      setName('');
      tokens.reload();
    });
  };
  const nameError = fieldError(create.error, 'name');
  const nowMs = Date.now();

  return (
    <>
      {secret ? (
        <ShownOnce
          title="New API token"
          value={secret}
          note="Copy the token now: it is shown only once. Send it as the header Authorization: Bearer <token>."
          onDone={() => setSecret(null)}
        />
      ) : (
        <section className="card" aria-labelledby="new-token-title">
          <h2 id="new-token-title">Create an API token</h2>
          <ErrorNotice error={create.error} />
          <form className="inline-form" onSubmit={submit} aria-busy={create.busy}>
            <Field id="token-name" label="Name" error={nameError}>
              <input
                id="token-name"
                required
                maxLength={100}
                placeholder="e.g. Monitoring alerts"
                aria-invalid={nameError ? true : undefined}
                aria-describedby={describedBy('token-name', null, nameError)}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </Field>
            <Field id="token-scope" label="Scope">
              <select id="token-scope" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
                {SCOPES.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="token-expiry" label="Expires">
              <select
                id="token-expiry"
                value={expiryDays}
                onChange={(e) => setExpiryDays(Number(e.target.value))}
              >
                {EXPIRIES.map((x) => (
                  <option key={x.days} value={x.days}>
                    {x.label}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" className="button primary" disabled={create.busy}>
              Create token
            </button>
          </form>
        </section>
      )}
      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">API tokens</h2>
        <ErrorNotice error={tokens.error ?? revoke.error} />
        {!tokens.data && !tokens.error && <p className="muted">Loading tokens…</p>}
        {tokens.data?.items.length === 0 && <p className="muted">No API tokens yet.</p>}
        {tokens.data && tokens.data.items.length > 0 && (
          <div className="table-wrap">
            <table className="data" aria-labelledby="tokens-title">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Scope</th>
                  <th>Starts with</th>
                  <th>Created</th>
                  <th>Expires</th>
                  <th>Last used</th>
                  <th>State</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.items.map((t) => {
                  const state = stateOf(t, nowMs);
                  return (
                    <tr key={t.id}>
                      <td>{t.name}</td>
                      <td>{t.scope}</td>
                      <td>
                        <code>{t.prefix}…</code>
                      </td>
                      <td>{when(t.createdAt)}</td>
                      <td>{when(t.expiresAt, 'Never')}</td>
                      <td>{when(t.lastUsedAt, 'Never')}</td>
                      <td>{state}</td>
                      <td className="actions-cell">
                        {state === 'Active' && (
                          <ConfirmButton
                            label="Revoke"
                            question={`Revoke "${t.name}"?`}
                            confirm="Yes, revoke"
                            busy={revoke.busy}
                            onConfirm={() =>
                              void revoke.run(async () => {
                                await accessApi.revokeToken(workspace.id, t.id, me.csrfToken);
                                tokens.reload();
                              })
                            }
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
