/**
 * The current workspace requires MFA and this session signed in without it (the server answers every
 * workspace request with OPS_MFA_REQUIRED): say so, and lead to where it is fixed.
 */
import { type Me, type Workspace } from './api';
import { AppLink, SECURITY_PATH } from './controls';
import { useHeadingFocus } from './heading';

export function MfaRequiredPage({ me, workspace }: { readonly me: Me; readonly workspace: Workspace }) {
  const heading = useHeadingFocus(`mfa-required:${workspace.id}`, `MFA required · ${workspace.name}`);
  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Multi-factor authentication required
        </h1>
      </header>
      <section className="card prompt" role="alert" aria-labelledby="mfa-required-title">
        <h2 id="mfa-required-title">{workspace.name} requires a second factor</h2>
        {me.security.totp ? (
          <p>
            Everyone in {workspace.name} must sign in with a code from their authenticator app, and this
            session signed in without one. Sign out, then sign in again and enter the code when asked.
          </p>
        ) : (
          <p>
            Everyone in {workspace.name} must sign in with a code from an authenticator app. Set one up under
            Security: once you confirm its first code, this session counts as signed in with it.
          </p>
        )}
        {!me.security.totp && (
          <p>
            <AppLink to={SECURITY_PATH} className="button primary">
              Set up an authenticator app
            </AppLink>
          </p>
        )}
        {me.workspaces.length > 1 && (
          <p className="muted">Your other workspaces are in the workspace list above.</p>
        )}
      </section>
    </>
  );
}
