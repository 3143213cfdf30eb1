/**
 * The alert integrations: kind, name, token prefix and last alert; creating one or rotating its token
 * shows the token and where to send alerts, once (only the token's hash is kept).
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { Field, TextField } from '../AuthCard';
import { ConfirmButton, FormCard, ListCard, when } from '../controls';
import { useAction, useLoad, useSession } from '../session';
import {
  alertApi,
  INTEGRATION_KINDS,
  type Integration,
  type IntegrationKind,
  type WithToken,
} from '../status-api';
import { type Shown, ShownOnceList } from './ShownOnce';

const KIND_NAMES: Readonly<Record<IntegrationKind, string>> = {
  alertmanager: 'Prometheus Alertmanager',
  pagerduty: 'PagerDuty Events API v2',
  generic: 'Generic JSON',
};

export function IntegrationsCard({ workspace }: { readonly workspace: Workspace }) {
  const { me } = useSession();
  const list = useLoad(workspace.id, () => alertApi.integrations(workspace.id));
  const rotate = useAction();
  const [shown, setShown] = useState<{ title: string; made: WithToken } | null>(null);
  return (
    <>
      {shown && <TokenShown title={shown.title} made={shown.made} onDone={() => setShown(null)} />}
      <ListCard<Integration>
        titleId="integrations-title"
        title="Integrations"
        list={list}
        action={rotate}
        loading="Loading integrations…"
        empty="No integrations yet."
        columns={['Integration', 'Kind', 'Token', 'Last alert']}
        rows={(items) =>
          items.map((i) => (
            <tr key={i.id}>
              <td>
                {i.name}
                {!i.enabled && <div className="muted">disabled</div>}
              </td>
              <td>{KIND_NAMES[i.kind]}</td>
              <td>
                <code>{i.tokenPrefix}…</code>
              </td>
              <td>{when(i.lastAlertAt, 'never')}</td>
              <td className="actions-cell">
                <ConfirmButton
                  label="Rotate token"
                  question={`Replace the token of ${i.name}? The old one stops working.`}
                  confirm="Yes, rotate"
                  action={rotate}
                  onConfirm={async () => {
                    const made = await alertApi.rotate(workspace.id, i.id, me.csrfToken);
                    setShown({ title: `New token of ${i.name}`, made });
                    list.reload();
                  }}
                />
              </td>
            </tr>
          ))
        }
      />
      <IntegrationForm
        workspace={workspace}
        onCreated={(made) => {
          setShown({ title: `Token of ${made.integration.name}`, made });
          list.reload();
        }}
      />
    </>
  );
}

function TokenShown({
  title,
  made,
  onDone,
}: {
  readonly title: string;
  readonly made: WithToken;
  readonly onDone: () => void;
}) {
  const values: Shown[] = [
    { label: 'Token', value: made.token },
    { label: 'Intake URL', value: made.setup.url },
  ];
  if (made.setup.urlWithToken)
    values.push({ label: 'Intake URL with the token', value: made.setup.urlWithToken });
  return (
    <ShownOnceList
      title={title}
      note={`Copy the token now: it is shown only this once. ${made.setup.note}`}
      values={values}
      onDone={onDone}
    />
  );
}

function IntegrationForm({
  workspace,
  onCreated,
}: {
  readonly workspace: Workspace;
  readonly onCreated: (made: WithToken) => void;
}) {
  const { me } = useSession();
  const action = useAction();
  const [kind, setKind] = useState<IntegrationKind>('generic');
  const [name, setName] = useState('');
  return (
    <FormCard
      titleId="integration-add-title"
      title="Create an integration"
      action={action}
      submitLabel="Create integration"
      disabled={!name.trim()}
      onSubmit={async () => {
        const made = await alertApi.addIntegration(workspace.id, { kind, name: name.trim() }, me.csrfToken);
        setName('');
        onCreated(made);
      }}
    >
      <Field id="integration-kind" label="Kind">
        <select
          id="integration-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as IntegrationKind)}
        >
          {INTEGRATION_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_NAMES[k]}
            </option>
          ))}
        </select>
      </Field>
      <TextField id="integration-name" label="Name" value={name} onValue={setName} maxLength={100} />
    </FormCard>
  );
}
