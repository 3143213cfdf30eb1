/**
 * The workspace's SMS / WhatsApp / voice provider (a Twilio-compatible API): its address, account, auth
 * token (never shown again: left blank, the stored one is kept) and the numbers messages come from. The
 * server checks the address and each number when saved.
 */
import { useState } from 'react';
import { fieldError, type Workspace } from './api';
import { TextField } from './AuthCard';
import { ConfirmButton, ErrorNotice, FormCard, when } from './controls';
import { type MessagingProvider, notificationsApi } from './notifications-api';
import { useAction, useLoad, useSession } from './session';

const NUMBERS = [
  { field: 'smsFrom', label: 'SMS from' },
  { field: 'whatsappFrom', label: 'WhatsApp from' },
  { field: 'voiceFrom', label: 'Voice calls from' },
] as const;

type NumberField = (typeof NUMBERS)[number]['field'];

export function ProviderSettings({ workspace }: { readonly workspace: Workspace }) {
  const loaded = useLoad(workspace.id, () => notificationsApi.provider(workspace.id));
  if (!loaded.data) {
    return (
      <section className="card" aria-labelledby="provider-title">
        <h2 id="provider-title">SMS, WhatsApp and voice</h2>
        <ErrorNotice error={loaded.error} />
        {!loaded.error && <p className="muted">Loading the provider…</p>}
      </section>
    );
  }
  const { provider } = loaded.data;
  // Keyed by its last change, so the form starts again from what was saved.
  return (
    <ProviderForm
      key={provider?.updatedAt ?? 'none'}
      workspace={workspace}
      provider={provider}
      reload={loaded.reload}
    />
  );
}

function ProviderForm({
  workspace,
  provider,
  reload,
}: {
  readonly workspace: Workspace;
  readonly provider: MessagingProvider | null;
  readonly reload: () => void;
}) {
  const { me } = useSession();
  const [baseUrl, setBaseUrl] = useState(provider?.baseUrl ?? '');
  const [accountSid, setAccountSid] = useState(provider?.accountSid ?? '');
  const [authToken, setAuthToken] = useState('');
  const [numbers, setNumbers] = useState<Record<NumberField, string>>({
    smsFrom: provider?.smsFrom ?? '',
    whatsappFrom: provider?.whatsappFrom ?? '',
    voiceFrom: provider?.voiceFrom ?? '',
  });
  const save = useAction();
  const remove = useAction();

  const submit = async () => {
    const number = (field: NumberField) => numbers[field].trim() || null;
    await notificationsApi.saveProvider(
      workspace.id,
      {
        baseUrl: baseUrl.trim(),
        accountSid: accountSid.trim(),
        ...(authToken ? { authToken } : {}),
        smsFrom: number('smsFrom'),
        whatsappFrom: number('whatsappFrom'),
        voiceFrom: number('voiceFrom'),
      },
      me.csrfToken,
    );
    reload();
  };

  return (
    <>
      <FormCard
        titleId="provider-title"
        title="SMS, WhatsApp and voice"
        action={save}
        onSubmit={submit}
        submitLabel="Save provider"
      >
        <p className="muted form-lead">
          {provider
            ? `Saved ${when(provider.updatedAt)}. Texts and calls go through this Twilio-compatible API.`
            : 'No provider yet: text messages and calls wait until one is set. Any Twilio-compatible API works.'}
        </p>
        <TextField
          id="provider-base-url"
          label="API base URL"
          hint="e.g. https://api.twilio.com"
          error={fieldError(save.error, 'baseUrl')}
          type="url"
          required
          maxLength={2048}
          value={baseUrl}
          onValue={setBaseUrl}
        />
        <TextField
          id="provider-account"
          label="Account SID"
          error={fieldError(save.error, 'accountSid')}
          required
          maxLength={128}
          autoComplete="off"
          value={accountSid}
          onValue={setAccountSid}
        />
        <TextField
          id="provider-token"
          label="Auth token"
          hint={provider ? 'Leave blank to keep the stored token.' : 'The auth token of the account.'}
          error={fieldError(save.error, 'authToken')}
          type="password"
          required={!provider}
          maxLength={512}
          autoComplete="new-password"
          value={authToken}
          onValue={setAuthToken}
        />
        {NUMBERS.map(({ field, label }) => (
          <TextField
            key={field}
            id={`provider-${field}`}
            label={label}
            hint="With its country code, e.g. +44 7700 900123; blank when not used."
            error={fieldError(save.error, field)}
            type="tel"
            maxLength={40}
            value={numbers[field]}
            onValue={(value) => setNumbers((n) => ({ ...n, [field]: value }))}
          />
        ))}
      </FormCard>
      {provider && (
        <section className="card" aria-labelledby="provider-remove-title">
          <h2 id="provider-remove-title">Remove the provider</h2>
          <ErrorNotice error={remove.error} />
          <p className="muted">Text messages and calls then wait until a provider is set again.</p>
          <ConfirmButton
            label="Remove provider"
            question="Remove the SMS, WhatsApp and voice provider?"
            confirm="Yes, remove"
            action={remove}
            onConfirm={async () => {
              await notificationsApi.deleteProvider(workspace.id, me.csrfToken);
              reload();
            }}
          />
        </section>
      )}
    </>
  );
}
