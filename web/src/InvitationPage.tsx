/**
 * An invitation link (`/invitations/<token>`): what it offers, then joining. Signed out, the person
 * creates an account with it or signs in first; signed in, one button joins the workspace.
 */
import { useEffect, useState } from 'react';
import { api, describeError, type InvitationOffer, type Me } from './api';
import { AuthCard } from './AuthCard';
import { DEFAULT_PATH } from './areas';
import { AppLink } from './controls';
import { navigate } from './router';
import { SignInForm } from './SignIn';
import { SignUpForm } from './SignUp';

interface Props {
  readonly token: string;
  /** Who is signed in, or null. */
  readonly me: Me | null;
  /** Who is signed in now: after signing in here, or after joining (the new workspace is current). */
  readonly onMe: (me: Me) => void;
  readonly onSignOut: () => void;
}

export function InvitationPage({ token, me, onMe, onSignOut }: Props) {
  const [offer, setOffer] = useState<InvitationOffer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Invitation · Opsbook';
    let live = true;
    api.invitation(token).then(
      (found) => live && setOffer(found),
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [token]);

  const joined = (next: Me) => {
    onMe(next);
    navigate(DEFAULT_PATH, { replace: true });
  };

  if (error && !offer) {
    return (
      <AuthCard title="Invitation">
        <div className="alert" role="alert">
          {error}
        </div>
        <p>
          <AppLink to={DEFAULT_PATH}>Go to Opsbook</AppLink>
        </p>
      </AuthCard>
    );
  }
  if (!offer) {
    return (
      <div className="loading" role="status">
        Loading the invitation…
      </div>
    );
  }
  const lead = (
    <>
      You are invited to join <strong>{offer.workspaceName}</strong> as <strong>{offer.role}</strong>. The
      invitation is for {offer.email} and works until {new Date(offer.expiresAt).toLocaleString()}.
    </>
  );
  return (
    <AuthCard title={`Join ${offer.workspaceName}`} lead={lead}>
      {me ? (
        <Accept token={token} me={me} offer={offer} onJoined={joined} onSignOut={onSignOut} />
      ) : (
        <SignedOut token={token} offer={offer} onJoined={joined} onSignedIn={onMe} />
      )}
    </AuthCard>
  );
}

function Accept({
  token,
  me,
  offer,
  onJoined,
  onSignOut,
}: {
  readonly token: string;
  readonly me: Me;
  readonly offer: InvitationOffer;
  readonly onJoined: (me: Me) => void;
  readonly onSignOut: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const accept = () => {
    setBusy(true);
    setError(null);
    api.acceptInvitation(token, me.csrfToken).then(onJoined, (err: unknown) => {
      setError(describeError(err));
      setBusy(false);
    });
  };
  const other = me.user.email.toLowerCase() !== offer.email.toLowerCase();
  return (
    <>
      {error && (
        <div className="alert" role="alert">
          {error}
        </div>
      )}
      {other && (
        <p className="notice">
          You are signed in as {me.user.email}. Sign out, then open the link again to join as {offer.email}.
        </p>
      )}
      <div className="actions">
        {!other && (
          <button type="button" className="button primary" disabled={busy} onClick={accept}>
            Join {offer.workspaceName}
          </button>
        )}
        {other && (
          <button type="button" className="button" onClick={onSignOut}>
            Sign out
          </button>
        )}
        <AppLink to={DEFAULT_PATH} className="button">
          Not now
        </AppLink>
      </div>
    </>
  );
}

/** Signing up joins at once; signing in leads back to this page signed in, to join with one button. */
function SignedOut({
  token,
  offer,
  onJoined,
  onSignedIn,
}: {
  readonly token: string;
  readonly offer: InvitationOffer;
  readonly onJoined: (me: Me) => void;
  readonly onSignedIn: (me: Me) => void;
}) {
  const [mode, setMode] = useState<'sign-up' | 'sign-in'>('sign-up');
  return (
    <>
      {mode === 'sign-up' ? (
        <>
          <SignUpForm onSignedIn={onJoined} invitation={{ token, email: offer.email }} />
          <p className="signin-footer">
            Have an account already?{' '}
            <button type="button" className="link-button" onClick={() => setMode('sign-in')}>
              Sign in to join
            </button>
          </p>
        </>
      ) : (
        <>
          <SignInForm onSignedIn={onSignedIn} email={offer.email} />
          <p className="signin-footer">
            New to Opsbook?{' '}
            <button type="button" className="link-button" onClick={() => setMode('sign-up')}>
              Create an account
            </button>
          </p>
        </>
      )}
    </>
  );
}
