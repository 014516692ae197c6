/**
 * The last computed on-call figures, for `/metrics`: a scrape reads what is in memory and never waits for
 * the analytics queries, whose cost grows with history. When the figures are older than `refreshMs` by
 * the engine's clock, a scrape serves them and starts one computation in the background (after the
 * scrape's answer is out), so the next scrape sees fresh ones. Only the very first scrape of a process
 * waits, for the first computation. Nothing here must survive a restart: the figures are derived from
 * the durable rows and computed again.
 */
import type { Clock } from '../clock/clock.ts';
import type { Analytics } from './analytics.ts';

export interface AnalyticsCacheOptions {
  clock: Clock;
  /** How old (ms, by `clock`) the figures may get before a scrape starts a refresh. Default 60 s. */
  refreshMs?: number;
  /** Called when a background refresh fails; the previous figures stay. */
  onError?: (err: unknown) => void;
}

export class AnalyticsCache {
  readonly #compute: () => Promise<Analytics>;
  readonly #clock: Clock;
  readonly #refreshMs: number;
  readonly #onError: (err: unknown) => void;
  #value: Analytics | null = null;
  #computedAt = -Infinity;
  #pending: Promise<Analytics> | null = null;
  #scheduled = false;

  constructor(compute: () => Promise<Analytics>, opts: AnalyticsCacheOptions) {
    this.#compute = compute;
    this.#clock = opts.clock;
    this.#refreshMs = opts.refreshMs ?? 60_000;
    this.#onError = opts.onError ?? (() => {});
  }

  /** The figures for a scrape: the cached ones (refreshed in the background when stale), or the first. */
  async get(): Promise<Analytics> {
    if (this.#value === null) return this.#refresh();
    if (this.#clock.now().getTime() - this.#computedAt >= this.#refreshMs && !this.#scheduled) {
      // Every gauge of a scrape asks; one refresh serves them all.
      this.#scheduled = true;
      setImmediate(() => {
        this.#refresh()
          .catch(this.#onError)
          .finally(() => (this.#scheduled = false));
      });
    }
    return this.#value;
  }

  #refresh(): Promise<Analytics> {
    this.#pending ??= (async () => {
      const at = this.#clock.now().getTime();
      try {
        const value = await this.#compute();
        this.#value = value;
        this.#computedAt = at;
        return value;
      } finally {
        this.#pending = null;
      }
    })();
    return this.#pending;
  }
}
