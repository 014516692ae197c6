/**
 * Who is signed in: probed once with GET /api/v1/auth/session, set by the login page, cleared on sign-out
 * or on any 401 (the API client reports those here, and RequireSession sends the browser to /login).
 */
import { createContext, use, useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, loginPath, setUnauthorizedHandler } from '../api.ts';
import type { Me, Role } from '../api.ts';
import { Loading } from '../ui/components.tsx';

type SessionState = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; user: Me };

interface SessionValue {
  state: SessionState;
  signedIn: (user: Me) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    setUnauthorizedHandler(() => setState({ status: 'anonymous' }));
    api.session().then(
      (s) => setState({ status: 'signed-in', user: s.user }),
      () => setState({ status: 'anonymous' }),
    );
  }, []);

  const signedIn = useCallback((user: Me) => setState({ status: 'signed-in', user }), []);
  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setState({ status: 'anonymous' });
    }
  }, []);

  const value = useMemo(() => ({ state, signedIn, signOut }), [state, signedIn, signOut]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): SessionValue {
  const value = use(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user; only for pages under RequireSession. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe without a session');
  return state.user;
}

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

/** Whether the signed-in user may do what needs `role` (responder: act on incidents, overrides, maintenance). */
export function useCan(role: Role): boolean {
  return RANK[useMe().role] >= RANK[role];
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <Loading what="your session" />;
  if (state.status === 'anonymous')
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  return children;
}
