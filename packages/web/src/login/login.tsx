/** Sign in with a password, or through the organisation's identity provider when one is configured. */
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { api, messageOf, safeReturnTo } from '../api.ts';
import type { Providers } from '../api.ts';
import { useSession } from '../app/session.tsx';
import { ErrorBanner } from '../ui/components.tsx';

const CALLBACK_ERRORS: Record<string, string> = {
  oidc_failed: 'Single sign-on did not complete. Try again, or sign in with a password.',
  email_unverified:
    'Your sign-on provider did not confirm your email address, so Klaxon cannot tell who you are. Verify it with the provider, or ask an admin.',
  unknown_user: 'Your identity provider account has no matching Klaxon user (by email). Ask an admin.',
};

export function LoginPage() {
  const { state, signedIn } = useSession();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const callbackError = params.get('error');
  const [providers, setProviders] = useState<Providers | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(
    callbackError ? (CALLBACK_ERRORS[callbackError] ?? `Sign-in failed (${callbackError}).`) : null,
  );

  useEffect(() => {
    api.providers().then(setProviders, () => setProviders({ password: true, oidc: null }));
  }, []);

  if (state.status === 'signed-in') return <Navigate to={returnTo} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    api.login(username.trim(), password).then(
      (s) => signedIn(s.user),
      (err: unknown) => {
        setError(messageOf(err));
        setBusy(false);
      },
    );
  };

  const passwordEnabled = providers?.password ?? true;

  return (
    <main className="login">
      <div className="login-card">
        <h1 className="brand login-brand">
          <span className="brand-mark" aria-hidden="true">
            ◉
          </span>
          Klaxon
        </h1>
        <p className="muted">Sign in to see and respond to incidents.</p>
        <ErrorBanner message={error} testId="login-error" />
        {passwordEnabled ? (
          <form onSubmit={onSubmit} className="stack">
            <label>
              Username or email
              <input
                data-testid="login-username"
                name="username"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </label>
            <label>
              Password
              <input
                data-testid="login-password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <button type="submit" className="primary big" data-testid="login-submit" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        ) : null}
        {providers?.oidc ? (
          <a
            className="button big oidc"
            data-testid="login-oidc"
            href={`/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`}
          >
            Sign in with {providers.oidc.name}
          </a>
        ) : null}
      </div>
    </main>
  );
}
