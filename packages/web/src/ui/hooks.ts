/** Small hooks every page uses: the ticking clock for relative times, and loading API data. */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { messageOf } from '../api.ts';

let nowValue = new Date();
const nowListeners = new Set<() => void>();
let nowTimer: ReturnType<typeof setInterval> | null = null;

function subscribeNow(listener: () => void): () => void {
  nowListeners.add(listener);
  if (!nowTimer) {
    nowTimer = setInterval(() => {
      nowValue = new Date();
      for (const l of nowListeners) l();
    }, 15_000);
  }
  return () => {
    nowListeners.delete(listener);
    if (nowListeners.size === 0 && nowTimer) {
      clearInterval(nowTimer);
      nowTimer = null;
    }
  };
}

/** The current time, refreshed every 15 s (one shared timer) so "3 min ago" stays true. */
export function useNow(): Date {
  return useSyncExternalStore(subscribeNow, () => nowValue);
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `key` changes and on `reload()`; keeps the previous data while reloading so the page
 * does not flash.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let live = true;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(messageOf(err));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/**
 * One request a button or form sends: which one is in flight (`busy`), and the API's sentence when it
 * failed. `run` clears the last error, and calls `onDone` (or `onFailed`) when the request settles.
 */
export function useAction<K extends string = 'submit'>() {
  const [busy, setBusy] = useState<K | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    <T>(key: K, request: () => Promise<T>, onDone: (value: T) => void, onFailed?: () => void) => {
      setBusy(key);
      setError(null);
      request().then(
        (value) => {
          setBusy(null);
          onDone(value);
        },
        (err: unknown) => {
          setBusy(null);
          setError(messageOf(err));
          onFailed?.();
        },
      );
    },
    [],
  );
  return { busy, error, setError, run };
}
