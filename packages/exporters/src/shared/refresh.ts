/**
 * Refresh bookkeeping for exporters that cache: when each source last refreshed successfully and how
 * often it failed, as metrics, so a stale cache is itself alertable.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from './time.ts';

export const REFRESH_TIMESTAMP = 'klaxon_exporter_refresh_timestamp_seconds';
export const REFRESH_ERRORS = 'klaxon_exporter_refresh_errors_total';

export class RefreshStatus {
  readonly #timestamp: Gauge<'exporter' | 'source'>;
  readonly #errors: Counter<'exporter' | 'source'>;

  constructor(
    registry: Registry,
    private readonly exporter: string,
    sources: readonly string[],
    private readonly clock: Clock,
  ) {
    this.#timestamp = new Gauge({
      name: REFRESH_TIMESTAMP,
      help: 'Unix time of the last successful refresh of each source.',
      labelNames: ['exporter', 'source'],
      registers: [registry],
    });
    this.#errors = new Counter({
      name: REFRESH_ERRORS,
      help: 'Refreshes of each source that failed (the previous values are kept).',
      labelNames: ['exporter', 'source'],
      registers: [registry],
    });
    for (const source of sources) this.#errors.inc({ exporter, source }, 0);
  }

  succeeded(source: string): void {
    this.#timestamp.set({ exporter: this.exporter, source }, this.clock.now().getTime() / 1000);
  }

  failed(source: string): void {
    this.#errors.inc({ exporter: this.exporter, source });
  }
}

/** Runs `work` unless the previous run is still going; then returns `undefined` and does nothing. */
export class SingleFlight {
  #running: Promise<unknown> | undefined;

  get busy(): boolean {
    return this.#running !== undefined;
  }

  run<T>(work: () => Promise<T>): Promise<T> | undefined {
    if (this.#running) return undefined;
    const p = work().finally(() => {
      this.#running = undefined;
    });
    this.#running = p.catch(() => undefined);
    return p;
  }

  /** Resolves when nothing is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
