/**
 * One EventSource per signed-in tab on /api/v1/stream, shared by the pages: each `incident` event goes to
 * every subscriber. The browser retries by itself after a dropped connection; when it gives up (the server
 * answered an error) we open a new one with backoff.
 */
import { createContext, use, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { Incident } from '../api.ts';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';
type Listener = (incident: Incident) => void;

interface StreamValue {
  status: StreamStatus;
  /** How many times the stream has come back after a drop: changes made meanwhile were not streamed. */
  reconnects: number;
  subscribe: (listener: Listener) => () => void;
}

const StreamContext = createContext<StreamValue | null>(null);

export function StreamProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [reconnects, setReconnects] = useState(0);
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let delay = 1000;
    let stopped = false;
    let opened = false;

    const open = () => {
      source = new EventSource('/api/v1/stream', { withCredentials: true });
      source.onopen = () => {
        delay = 1000;
        setStatus('live');
        if (opened) setReconnects((n) => n + 1);
        opened = true;
      };
      source.addEventListener('incident', (e: MessageEvent<string>) => {
        let incident: Incident;
        try {
          incident = JSON.parse(e.data) as Incident;
        } catch {
          return;
        }
        for (const l of listeners.current) l(incident);
      });
      source.onerror = () => {
        setStatus('reconnecting');
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          source.close();
          retry = setTimeout(open, delay);
          delay = Math.min(delay * 2, 30_000);
        }
      };
    };
    open();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      source?.close();
    };
  }, []);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo<StreamValue>(
    () => ({ status, reconnects, subscribe }),
    [status, reconnects, subscribe],
  );
  return <StreamContext value={value}>{children}</StreamContext>;
}

function useStream(): StreamValue {
  const value = use(StreamContext);
  if (!value) throw new Error('useStream outside StreamProvider');
  return value;
}

export function useStreamStatus(): StreamStatus {
  return useStream().status;
}

/** Calls `onIncident` for every incident event while mounted (always the latest callback). */
/** Changes after each reconnection: pages reload what they show when it changes. */
export function useReconnects(): number {
  return useStream().reconnects;
}

export function useIncidentEvents(onIncident: Listener): void {
  const { subscribe } = useStream();
  const ref = useRef(onIncident);
  useEffect(() => {
    ref.current = onIncident;
  });
  useEffect(() => subscribe((i) => ref.current(i)), [subscribe]);
}

const LABEL: Record<StreamStatus, string> = {
  live: 'live',
  connecting: 'connecting',
  reconnecting: 'reconnecting',
};

export function LiveStatus() {
  const status = useStreamStatus();
  return (
    <span
      className={`live-status live-${status}`}
      data-testid="live-status"
      role="status"
      title={status === 'live' ? 'Updates arrive as they happen' : 'Live updates paused; retrying'}
    >
      <span className="dot" aria-hidden="true" />
      {LABEL[status]}
    </span>
  );
}
