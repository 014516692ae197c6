/** The frame around every signed-in page: brand, navigation, who is signed in, sign-out. */
import { NavLink, Outlet, useNavigate } from 'react-router';
import { UnreviewedBadge } from '../advisories/count.tsx';
import { useMe, useSession } from './session.tsx';
import { StreamProvider } from './stream.tsx';

const NAV = [
  { to: '/', label: 'Incidents', id: 'incidents', end: true },
  { to: '/advisories', label: 'Advisories', id: 'advisories', end: false },
  { to: '/oncall', label: 'On call', id: 'oncall', end: false },
  { to: '/schedules', label: 'Schedules', id: 'schedules', end: false },
  { to: '/policies', label: 'Policies', id: 'policies', end: false },
  { to: '/services', label: 'Services', id: 'services', end: false },
  { to: '/analytics', label: 'Analytics', id: 'analytics', end: false },
  { to: '/devices', label: 'Notifications', id: 'devices', end: false },
] as const;

export function Shell() {
  const me = useMe();
  const { signOut } = useSession();
  const navigate = useNavigate();

  const onSignOut = () => {
    void signOut().then(() => navigate('/login', { replace: true }));
  };

  return (
    <StreamProvider>
      <header className="topbar">
        <div className="topbar-row">
          <NavLink to="/" className="brand" aria-label="Klaxon home">
            <span className="brand-mark" aria-hidden="true">
              ◉
            </span>
            Klaxon
          </NavLink>
          <div className="whoami">
            <span className="whoami-name" data-testid="current-user" title={me.id}>
              {me.name}
            </span>
            <span className={`role role-${me.role}`}>{me.role}</span>
            <button type="button" className="link-button" data-testid="sign-out" onClick={onSignOut}>
              Sign out
            </button>
          </div>
        </div>
        <nav className="nav" aria-label="Main">
          {NAV.map((n) => (
            <NavLink key={n.id} to={n.to} end={n.end} data-testid={`nav-${n.id}`}>
              {n.label}
              {n.id === 'advisories' ? <UnreviewedBadge /> : null}
            </NavLink>
          ))}
        </nav>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </StreamProvider>
  );
}
