/**
 * API tokens of the workspace (needs `tokens.manage`): create one with a scope and an optional expiry (its
 * secret is shown once), see when each was last used, revoke.
 */
import { useState } from 'react';
import { accessApi, type ApiToken, type TokenScope } from './access-api';
import { fieldError, type Workspace } from './api';
import { Field, TextField } from './AuthCard';
import { ConfirmButton, FormCard, ListCard, ShownOnce, when } from './controls';
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

  const submit = async () => {
    const input = { name: name.trim(), scope, ...(expiryDays > 0 ? { expiresInDays: expiryDays } : {}) };
    setSecret((await accessApi.createToken(workspace.id, input, me.csrfToken)).token);
    setName('');
    tokens.reload();
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
        <FormCard
          titleId="new-token-title"
          title="Create an API token"
          action={create}
          onSubmit={submit}
          submitLabel="Create token"
        >
          <TextField
            id="token-name"
            label="Name"
            error={nameError}
            required
            maxLength={100}
            placeholder="e.g. Monitoring alerts"
            value={name}
            onValue={setName}
          />
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
        </FormCard>
      )}
      <ListCard
        titleId="tokens-title"
        title="API tokens"
        list={tokens}
        action={revoke}
        loading="Loading tokens…"
        empty="No API tokens yet."
        columns={['Name', 'Scope', 'Starts with', 'Created', 'Expires', 'Last used', 'State']}
        rows={(items) =>
          items.map((t) => {
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
                      action={revoke}
                      onConfirm={async () => {
                        await accessApi.revokeToken(workspace.id, t.id, me.csrfToken);
                        tokens.reload();
                      }}
                    />
                  )}
                </td>
              </tr>
            );
          })
        }
      />
    </>
  );
}
