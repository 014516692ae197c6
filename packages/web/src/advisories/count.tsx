/**
 * The unreviewed advisories of the signed-in person's teams, for the nav's badge: loaded on sign-in,
 * every minute, shortly after the live stream reports an incident (a T3 becomes an advisory on the
 * engine's next pass), and at once after the Advisories page acts.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { api } from '../api.ts';
import { useIncidentEvents } from '../app/stream.tsx';

let count: number | null = null;
const listeners = new Set<() => void>();
let inFlight = 0;

function set(value: number | null): void {
  if (value === count) return;
  count = value;
  for (const l of listeners) l();
}

/** What a list of all the person's advisories (no filter) just said: the badge follows it at once. */
export function setUnreviewed(value: number): void {
  inFlight++;
  set(value);
}

/** Asks the engine again; the newest answer wins when several overlap. */
export function refreshUnreviewed(): void {
  const mine = ++inFlight;
  api.advisories({ state: 'unreviewed', limit: 1 }).then(
    (page) => {
      if (mine === inFlight) set(page.unreviewed);
    },
    () => {
      // The badge is a hint: keep the last count (the page shows the error).
    },
  );
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useUnreviewed(): number | null {
  return useSyncExternalStore(subscribe, () => count);
}

const FIRST_MS = 1_500;
const POLL_MS = 60_000;
const AFTER_EVENT_MS = 3_000;

/** The nav badge: nothing while unknown or zero. */
export function UnreviewedBadge() {
  const n = useUnreviewed();
  useEffect(() => {
    // After the page's own data: the page a link opens renders from its one request, the badge follows.
    const first = setTimeout(refreshUnreviewed, FIRST_MS);
    const timer = setInterval(refreshUnreviewed, POLL_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, []);
  useIncidentEvents((incident) => {
    if (incident.tier === 'T3') setTimeout(refreshUnreviewed, AFTER_EVENT_MS);
  });
  if (!n) return null;
  return (
    <span
      className="nav-badge"
      data-testid="advisories-badge"
      aria-label={`${n} unreviewed`}
      title={`${n} unreviewed advisories`}
    >
      {n > 99 ? '99+' : n}
    </span>
  );
}
