/**
 * The authenticator app (TOTP) of one's account: set it up by typing the key (or opening the otpauth://
 * link on the phone) and confirming a code; the recovery codes are shown once; renew them or turn it off.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { accountApi, type TotpSetup } from './account-api';
import { TextField } from './AuthCard';
import { ErrorNotice } from './controls';
import { useAction, useSession } from './session';

type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'setting-up'; readonly setup: TotpSetup }
  | { readonly kind: 'codes'; readonly codes: readonly string[] };

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP": easier to type; apps ignore the spaces. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret;

export function TotpSettings() {
  const { me, refresh } = useSession();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [code, setCode] = useState('');
  const action = useAction();
  const csrf = me.csrfToken;

  const start = () =>
    void action.run(async () => {
      setState({ kind: 'setting-up', setup: await accountApi.startTotp(csrf) });
      setCode('');
    });

  /** Runs a request that needs the current code; the code is cleared either way (each works once). */
  const withCode = (request: (code: string) => Promise<readonly string[] | undefined>) =>
    void action
      .run(async () => {
        const codes = await request(code.replace(/\s+/g, ''));
        setState(codes ? { kind: 'codes', codes } : { kind: 'idle' });
        await refresh();
      })
      .then(() => setCode(''));

  const confirm = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    withCode(async (c) => (await accountApi.confirmTotp(c, csrf)).recoveryCodes);
  };

  const codeField = (
    <TextField
      id="totp-code"
      label="Code from your app"
      inputMode="numeric"
      autoComplete="one-time-code"
      required
      minLength={6}
      maxLength={32}
      spellCheck={false}
      value={code}
      onValue={setCode}
    />
  );

  return (
    <section className="card" aria-labelledby="totp-title">
      <h2 id="totp-title">Authenticator app</h2>
      <ErrorNotice error={action.error} />
      {state.kind === 'codes' ? (
        <RecoveryCodes codes={state.codes} onDone={() => setState({ kind: 'idle' })} />
      ) : state.kind === 'setting-up' ? (
        <form onSubmit={confirm} aria-busy={action.busy} className="form-narrow">
          <ol className="steps">
            <li>
              <p>In your authenticator app, add an account and type this key:</p>
              <p>
                <code className="secret" id="totp-secret">
                  {grouped(state.setup.secret)}
                </code>
              </p>
              <p className="muted">
                Or, on the phone with the app, open this link:{' '}
                <a href={state.setup.uri} className="uri">
                  {state.setup.uri}
                </a>
              </p>
            </li>
            <li>
              <p>Enter the 6-digit code the app shows.</p>
              {codeField}
            </li>
          </ol>
          <div className="actions">
            <button type="submit" className="button primary" disabled={action.busy}>
              Turn on
            </button>
            <button type="button" className="button" onClick={() => setState({ kind: 'idle' })}>
              Cancel
            </button>
          </div>
        </form>
      ) : me.security.totp ? (
        <Enabled codeField={codeField} busy={action.busy} withCode={withCode} />
      ) : (
        <>
          <p>
            Sign in with a code from an app such as Google Authenticator, Microsoft Authenticator or 1Password
            as well as your password. Some workspaces require it.
          </p>
          <button type="button" className="button primary" disabled={action.busy} onClick={start}>
            Set up an authenticator app
          </button>
        </>
      )}
    </section>
  );
}

function Enabled({
  codeField,
  busy,
  withCode,
}: {
  readonly codeField: ReactNode;
  readonly busy: boolean;
  readonly withCode: (request: (code: string) => Promise<readonly string[] | undefined>) => void;
}) {
  const { me } = useSession();
  const csrf = me.csrfToken;
  const requiring = me.workspaces.filter((w) => w.requireMfa).map((w) => w.name);
  const left = me.security.recoveryCodesLeft;
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-busy={busy} className="form-narrow">
      <p>
        <span className="badge on">On</span> You sign in with a code from your authenticator app.{' '}
        {left === 1 ? '1 recovery code is left.' : `${left} recovery codes are left.`}
      </p>
      <p className="muted">To get new recovery codes or turn the app off, enter a current code from it.</p>
      {codeField}
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => withCode(async (c) => (await accountApi.renewRecoveryCodes(c, csrf)).recoveryCodes)}
        >
          New recovery codes
        </button>
        {requiring.length === 0 && (
          <button
            type="button"
            className="button danger"
            disabled={busy}
            onClick={() => withCode((c) => accountApi.disableTotp(c, csrf))}
          >
            Turn off
          </button>
        )}
      </div>
      {requiring.length > 0 && (
        <p className="muted">It cannot be turned off: {requiring.join(', ')} requires it.</p>
      )}
    </form>
  );
}

function RecoveryCodes({
  codes,
  onDone,
}: {
  readonly codes: readonly string[];
  readonly onDone: () => void;
}) {
  return (
    <div className="shown-once">
      <p>
        <strong>Save your recovery codes.</strong> If you lose your phone, each of these signs you in once in
        place of a code from the app. They are shown only now.
      </p>
      <ol className="codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <button type="button" className="button primary" onClick={onDone}>
        I have saved them
      </button>
    </div>
  );
}
