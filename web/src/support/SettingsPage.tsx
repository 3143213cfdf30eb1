/**
 * Help-desk settings (support.manage): who works which tier and who is on shift now (assignment gives
 * new tickets only to agents on shift), and the support addresses whose mail becomes tickets.
 */
import { useState } from 'react';
import { accessApi } from '../access-api';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { ConfirmButton, ErrorNotice, FormCard, when } from '../controls';
import { usePageHeading } from './page-heading';
import type { ReadyAccess } from '../permissions';
import { useAction, useLoad, useSession } from '../session';
import { type Agent, supportApi } from '../support-api';
import { deskApi } from './desk-api';
import { SupportNav } from './SupportNav';

const PATH = '/support/settings';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function SettingsPage({ workspace, access }: Props) {
  const heading = usePageHeading(PATH, `Support settings · ${workspace.name}`);
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Support{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
      </header>
      <SupportNav access={access} current={PATH} />
      <AgentsCard workspace={workspace} />
      <AddressesCard workspace={workspace} />
    </>
  );
}

function AgentsCard({ workspace }: { readonly workspace: Workspace }) {
  const { me } = useSession();
  const members = useLoad(workspace.id, () => accessApi.members(workspace.id));
  const agents = useLoad(workspace.id, () => supportApi.agents(workspace.id));
  const queues = useLoad(workspace.id, () => supportApi.queues(workspace.id));
  const action = useAction();
  const tiers = (queues.data ?? []).filter((q) => q.tier !== 'untiered');
  const byId = new Map((agents.data ?? []).map((a) => [a.userId, a]));
  // Everyone in the workspace can be made an agent; those the desk knows come first.
  const people = (members.data?.items ?? []).map((m) => ({
    userId: m.userId,
    name: m.name,
    email: m.email,
    agent: byId.get(m.userId) ?? null,
  }));
  people.sort((a, b) => Number(b.agent !== null) - Number(a.agent !== null) || a.name.localeCompare(b.name));

  const save = (userId: string, agent: Pick<Agent, 'tiers' | 'onShift'>) =>
    void action.run(async () => {
      await deskApi.saveAgent(workspace.id, userId, agent, me.csrfToken);
      agents.reload();
    });

  return (
    <section className="card" aria-labelledby="agents-settings-title">
      <h2 id="agents-settings-title">Agents</h2>
      <p className="muted">
        New tickets go to the agents of their tier who are on shift, by the pack&apos;s assignment rule.
      </p>
      <ErrorNotice error={members.error ?? agents.error ?? queues.error ?? action.error} />
      {(!members.data || !agents.data) && !members.error && !agents.error && (
        <p className="muted">Loading agents…</p>
      )}
      {members.data && agents.data && (
        <div className="table-wrap">
          <table className="data" aria-labelledby="agents-settings-title">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Tiers</th>
                <th>On shift</th>
                <th>Open tickets</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => {
                const current = { tiers: p.agent?.tiers ?? [], onShift: p.agent?.onShift ?? false };
                return (
                  <tr key={p.userId}>
                    <td>
                      {p.name}
                      <div className="muted">{p.email}</div>
                    </td>
                    <td>
                      <fieldset className="tier-choices">
                        <legend className="visually-hidden">Tiers of {p.name}</legend>
                        {tiers.map((q) => (
                          <label key={q.tier} className="check-item">
                            <input
                              type="checkbox"
                              checked={current.tiers.includes(q.tier)}
                              disabled={action.busy}
                              onChange={(e) =>
                                save(p.userId, {
                                  ...current,
                                  tiers: e.target.checked
                                    ? [...current.tiers, q.tier]
                                    : current.tiers.filter((t) => t !== q.tier),
                                })
                              }
                            />
                            {q.label}
                          </label>
                        ))}
                        {tiers.length === 0 && <span className="muted">The pack defines no tiers.</span>}
                      </fieldset>
                    </td>
                    <td>
                      <label className="switch">
                        <input
                          type="checkbox"
                          role="switch"
                          checked={current.onShift}
                          disabled={action.busy}
                          aria-label={`${p.name} on shift`}
                          onChange={(e) => save(p.userId, { ...current, onShift: e.target.checked })}
                        />
                        <span>{current.onShift ? 'On shift' : 'Off'}</span>
                      </label>
                    </td>
                    <td>{p.agent?.openTickets ?? 0}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AddressesCard({ workspace }: { readonly workspace: Workspace }) {
  const { me } = useSession();
  const addresses = useLoad(workspace.id, () => deskApi.addresses(workspace.id));
  const add = useAction();
  const remove = useAction();
  const [address, setAddress] = useState('');
  const [channel, setChannel] = useState('');
  return (
    <>
      <FormCard
        titleId="address-add-title"
        title="Add a support address"
        action={add}
        submitLabel="Add address"
        disabled={!address.trim()}
        onSubmit={async () => {
          await deskApi.addAddress(
            workspace.id,
            { address: address.trim(), ...(channel.trim() ? { channel: channel.trim() } : {}) },
            me.csrfToken,
          );
          setAddress('');
          setChannel('');
          addresses.reload();
        }}
      >
        <p className="form-lead muted">
          Mail sent to these addresses becomes tickets (or replies on their ticket).
        </p>
        <Field id="support-address" label="Address">
          <input
            id="support-address"
            type="email"
            value={address}
            placeholder="support@example.com"
            onChange={(e) => setAddress(e.target.value)}
          />
        </Field>
        <Field
          id="support-address-channel"
          label="Pack channel (optional)"
          hint="A customer channel of the pack; its email channel when left empty."
        >
          <input
            id="support-address-channel"
            value={channel}
            aria-describedby="support-address-channel-hint"
            onChange={(e) => setChannel(e.target.value)}
          />
        </Field>
      </FormCard>
      <section className="card" aria-labelledby="addresses-title">
        <h2 id="addresses-title">Support addresses</h2>
        <ErrorNotice error={addresses.error ?? remove.error} />
        {!addresses.data && !addresses.error && <p className="muted">Loading addresses…</p>}
        {addresses.data?.length === 0 && <p className="muted">No support addresses yet.</p>}
        {addresses.data && addresses.data.length > 0 && (
          <ul className="address-list">
            {addresses.data.map((a) => (
              <li key={a.address}>
                <code>{a.address}</code> <span className="muted">{a.channel}</span>
                {a.createdAt && <span className="muted"> · added {when(a.createdAt)}</span>}{' '}
                <ConfirmButton
                  label="Remove"
                  question={`Remove ${a.address}?`}
                  confirm="Yes, remove"
                  action={remove}
                  onConfirm={async () => {
                    await deskApi.removeAddress(workspace.id, a.address, me.csrfToken);
                    addresses.reload();
                  }}
                />
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
