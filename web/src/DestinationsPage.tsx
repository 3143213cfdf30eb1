/**
 * The Notifications tab of Admin (needs `notifications.manage`): where each pack channel delivers (a Slack
 * incoming webhook or a signed webhook endpoint), their signing secrets (shown once, rotated and retired
 * here), and the SMS / WhatsApp / voice provider. The server checks every URL when it is saved, so a
 * private or unreachable address is refused here, beside the field, not at 3 a.m.
 */
import { useRef, useState } from 'react';
import { fieldError, type Workspace } from './api';
import { Field, TextField } from './AuthCard';
import { ConfirmButton, FormCard, ListCard, ShownOnce, when } from './controls';
import { type Destination, type DestinationKind, notificationsApi, pointerError } from './notifications-api';
import { ProviderSettings } from './NotificationsProviderForm';
import { useAction, useLoad, useSession } from './session';

const KINDS: readonly { readonly id: DestinationKind; readonly label: string; readonly hint: string }[] = [
  {
    id: 'webhook',
    label: 'Webhook (signed)',
    hint: 'Your endpoint. Every request is signed (Standard Webhooks); a new endpoint gets its secret once.',
  },
  {
    id: 'slack',
    label: 'Slack incoming webhook',
    hint: 'The URL Slack shows under Incoming Webhooks: https://hooks.slack.com/services/…',
  },
];

interface Secret {
  readonly destination: string;
  readonly value: string;
  readonly rotated: boolean;
}

export function DestinationsPage({ workspace }: { readonly workspace: Workspace }) {
  return (
    <>
      <Destinations workspace={workspace} />
      <ProviderSettings workspace={workspace} />
    </>
  );
}

function Destinations({ workspace }: { readonly workspace: Workspace }) {
  const { me } = useSession();
  const list = useLoad(workspace.id, () => notificationsApi.destinations(workspace.id));
  const [id, setId] = useState('');
  const [kind, setKind] = useState<DestinationKind>('webhook');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<Secret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const urlInput = useRef<HTMLInputElement>(null);
  const save = useAction();
  const manage = useAction();

  const submit = async () => {
    setNotice(null);
    const destination = id.trim();
    const saved = await notificationsApi.saveDestination(
      workspace.id,
      destination,
      { kind, url: url.trim() },
      me.csrfToken,
    );
    if (saved.secret) setSecret({ destination, value: saved.secret, rotated: false });
    setNotice(`Saved: channel "${destination}" now delivers to ${saved.destination.urlHint}.`);
    setId('');
    setUrl('');
    list.reload();
  };

  const change = (d: Destination) => {
    setId(d.id);
    setKind(d.kind);
    setUrl('');
    save.clear();
    urlInput.current?.focus();
  };

  /** Rotating adds a secret (shown once); retiring keeps only the newest. */
  const changeSecret = (d: Destination, action: 'rotate' | 'retire') => async () => {
    setNotice(null);
    const answer = await notificationsApi.secret(workspace.id, d.id, action, me.csrfToken);
    if (answer.secret) setSecret({ destination: d.id, value: answer.secret, rotated: true });
    else
      setNotice(`"${d.id}" now signs with ${answer.secrets} ${answer.secrets === 1 ? 'secret' : 'secrets'}.`);
    list.reload();
  };

  const hint = KINDS.find((k) => k.id === kind)?.hint;
  return (
    <>
      {secret && (
        <ShownOnce
          title={`Signing secret of ${secret.destination}`}
          value={secret.value}
          note={
            secret.rotated
              ? 'Copy it now: it is shown only this once. Requests carry signatures with the new and the old secret until you retire the old one; retire it once the endpoint checks the new one.'
              : 'Copy it now: it is shown only this once. Your endpoint checks the webhook-signature header of every request with it (Standard Webhooks).'
          }
          onDone={() => setSecret(null)}
        />
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <FormCard
        titleId="destination-form-title"
        title="Set a destination"
        action={save}
        onSubmit={submit}
        submitLabel="Save destination"
      >
        <TextField
          id="destination-id"
          label="Pack channel id"
          hint="The channel's id in the pack, e.g. support-critical."
          error={pointerError(save.error, '/params/destinationId')}
          required
          maxLength={64}
          value={id}
          onValue={setId}
        />
        <Field id="destination-kind" label="Kind">
          <select
            id="destination-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as DestinationKind)}
          >
            {KINDS.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          id="destination-url"
          ref={urlInput}
          label="URL"
          hint={hint}
          error={fieldError(save.error, 'url')}
          type="url"
          required
          maxLength={2048}
          autoComplete="off"
          value={url}
          onValue={setUrl}
        />
      </FormCard>
      <ListCard
        titleId="destinations-title"
        title="Destinations"
        list={list}
        action={manage}
        loading="Loading destinations…"
        empty="No destinations yet: messages for Slack and webhook channels wait until their channel has one."
        columns={['Channel', 'Kind', 'URL', 'Signed', 'State', 'Updated']}
        rows={(items) =>
          items.map((d) => (
            <tr key={d.id}>
              <td>
                <code>{d.id}</code>
              </td>
              <td>{d.kind}</td>
              <td>
                <code>{d.urlHint}</code>
              </td>
              <td>{d.signed ? 'Yes' : 'No'}</td>
              <td>
                {d.disabledAt ? (
                  <span className="error-cell">
                    Disabled {when(d.disabledAt)}
                    {d.disabledReason && `: ${d.disabledReason}`}. Save its URL again to turn it back on.
                  </span>
                ) : (
                  'Active'
                )}
              </td>
              <td>{when(d.updatedAt)}</td>
              <td className="actions-cell">
                <span className="actions">
                  <button type="button" className="button small" onClick={() => change(d)}>
                    Change URL
                  </button>
                  {d.kind === 'webhook' && (
                    <>
                      <button
                        type="button"
                        className="button small"
                        disabled={manage.busy}
                        onClick={() => void manage.run(changeSecret(d, 'rotate'))}
                      >
                        Rotate secret
                      </button>
                      <ConfirmButton
                        label="Retire old secret"
                        question={`Sign "${d.id}" with the newest secret only?`}
                        confirm="Yes, retire"
                        action={manage}
                        onConfirm={changeSecret(d, 'retire')}
                      />
                    </>
                  )}
                  <ConfirmButton
                    label="Delete"
                    question={`Delete the destination of "${d.id}"?`}
                    confirm="Yes, delete"
                    action={manage}
                    onConfirm={async () => {
                      await notificationsApi.deleteDestination(workspace.id, d.id, me.csrfToken);
                      list.reload();
                    }}
                  />
                </span>
              </td>
            </tr>
          ))
        }
      />
    </>
  );
}
