/**
 * Group commit for ingest. Requests that arrive while a transaction is being written wait for the next
 * one, so under load many alerts share one durable commit (one fsync on SQLite, one round of statements
 * on PostgreSQL). A request is answered only after the commit that holds its alerts. Across a config
 * reload each request is applied with the config it was submitted under (`withConfig`), and a batch never
 * mixes two configs.
 */
import type { Transaction } from 'kysely';
import { storableAlert, type IngestItem } from '../alerts/alert.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { Database } from '../db/tables.ts';
import { heartbeatIntegrations, type HeartbeatApplyConfig } from '../heartbeat/config.ts';
import { applyWithHeartbeats, type HeartbeatMatch } from '../heartbeat/store.ts';
import { applyBatch, type ApplyResult } from '../incidents/apply.ts';
import { applyOptions } from '../incidents/options.ts';

/** What a batch is applied with; one object per config, so a batch never mixes two configs. */
interface Settings {
  reopenWindowMs: number;
  config: HeartbeatApplyConfig | undefined;
  heartbeat: HeartbeatMatch | undefined;
}

function settingsFor(reopenWindowMs: number, config: HeartbeatApplyConfig | undefined): Settings {
  const hb = config?.heartbeat;
  const heartbeat =
    hb && config ? { alertname: hb.alertname, integrations: heartbeatIntegrations(hb, config) } : undefined;
  return { reopenWindowMs, config, heartbeat };
}

interface Pending {
  items: IngestItem[];
  settings: Settings;
  resolve: (results: ApplyResult[]) => void;
  reject: (err: unknown) => void;
}

export interface IngestQueueOptions {
  reopenWindowMs: number;
  /** Tier policies, maintenance windows and the heartbeat; without it nothing pages. */
  config?: HeartbeatApplyConfig;
  /**
   * Most alerts in one transaction. On SQLite a transaction holds the event loop (better-sqlite3 is
   * synchronous), so its default is smaller: in an alert storm the API and /readyz wait for at most one.
   */
  maxBatch?: number;
}

export type CommitListener = (items: readonly IngestItem[], results: readonly ApplyResult[]) => void;

/**
 * Runs inside each ingest transaction, after its alerts are applied, with the transaction's `now`
 * (e.g. fire step 0 of the escalations it started); what it returns runs once that transaction commits.
 */
export type ApplyHook = (
  trx: Transaction<Database>,
  results: readonly ApplyResult[],
  now: number,
) => Promise<(() => void) | undefined>;

const TRANSIENT_PG_CODES = new Set(['40001', '40P01', '23505']);

export class IngestQueue {
  readonly #store: KlaxonDatabase;
  readonly #clock: Clock;
  readonly #maxBatch: number;
  readonly #listeners: CommitListener[] = [];
  readonly #hooks: ApplyHook[] = [];
  /** The queue that batches and commits: this one, or the one `withConfig` was called on. */
  #root: IngestQueue = this;
  #settings: Settings;
  #pending: Pending[] = [];
  #running: Promise<void> | null = null;

  constructor(store: KlaxonDatabase, clock: Clock, opts: IngestQueueOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#maxBatch = opts.maxBatch ?? (store.dialect === 'sqlite' ? 200 : 1000);
    this.#settings = settingsFor(opts.reopenWindowMs, opts.config);
  }

  /**
   * Applies `config` to what is submitted from now on (a config reload); a batch already submitted keeps
   * the config it was submitted with.
   */
  setConfig(config: HeartbeatApplyConfig): void {
    this.#settings = settingsFor(config.incidents.reopenWindowMinutes * 60_000, config);
  }

  /**
   * A queue for one config generation's routes: it shares this queue's batches, commits and listeners,
   * and applies `config` to what is submitted through it, so a request is applied with the config it
   * was authenticated and validated with even when a reload lands while it waits.
   */
  withConfig(config: HeartbeatApplyConfig): IngestQueue {
    const view = new IngestQueue(this.#store, this.#clock, {
      reopenWindowMs: config.incidents.reopenWindowMinutes * 60_000,
      config,
      maxBatch: this.#maxBatch,
    });
    view.#root = this.#root;
    return view;
  }

  /** Durably applies `items`; resolves after the commit, with one result per item. */
  submit(raw: IngestItem[]): Promise<ApplyResult[]> {
    if (raw.length === 0) return Promise.resolve([]);
    const items = raw.map((item) => ({ ...item, alert: storableAlert(item.alert) }));
    const root = this.#root;
    return new Promise((resolve, reject) => {
      root.#pending.push({ items, settings: this.#settings, resolve, reject });
      root.#running ??= root.#run();
    });
  }

  /** Called after each commit with what it applied. */
  onCommit(listener: CommitListener): void {
    this.#root.#listeners.push(listener);
  }

  /** Called inside each transaction once its alerts are applied; see `ApplyHook`. */
  onApply(hook: ApplyHook): void {
    this.#root.#hooks.push(hook);
  }

  /** Resolves once everything submitted so far is committed or failed. */
  async drain(): Promise<void> {
    const root = this.#root;
    while (root.#running) await root.#running;
  }

  async #run(): Promise<void> {
    // Let the requests that are already parsed join this batch.
    await new Promise<void>((r) => setImmediate(r));
    try {
      for (let first = true; this.#pending.length > 0; first = false) {
        // Between transactions, let the event loop serve what waits (the API, /readyz, new requests,
        // which then join the next batch): on SQLite nothing else runs while a transaction does.
        if (!first) await new Promise<void>((r) => setImmediate(r));
        const batch = this.#take();
        try {
          await this.#commit(batch);
        } catch (err) {
          // One bad submission must not fail its neighbours: retry each alone.
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const p of batch) await this.#commit([p]).catch((e: unknown) => p.reject(e));
        }
      }
    } finally {
      this.#running = null;
    }
  }

  #take(): Pending[] {
    const batch: Pending[] = [];
    let count = 0;
    while (this.#pending.length > 0) {
      const next = this.#pending[0]!;
      if (batch.length > 0 && count + next.items.length > this.#maxBatch) break;
      if (batch.length > 0 && next.settings !== batch[0]!.settings) break;
      batch.push(this.#pending.shift()!);
      count += next.items.length;
    }
    return batch;
  }

  async #commit(batch: Pending[]): Promise<void> {
    const items = batch.flatMap((p) => p.items);
    const { config, reopenWindowMs, heartbeat } = batch[0]!.settings;
    const { results, committed } = await this.#withRetry(() =>
      this.#store.db.transaction().execute(async (trx) => {
        const now = this.#clock.now().getTime();
        const results = !config
          ? await applyBatch(trx, this.#store.locker, items, { now, reopenWindowMs })
          : await applyWithHeartbeats(
              trx,
              this.#store.locker,
              items,
              await applyOptions(trx, config, now),
              heartbeat,
            );
        const committed: (() => void)[] = [];
        for (const hook of this.#hooks) {
          const then = await hook(trx, results, now);
          if (then) committed.push(then);
        }
        return { results, committed };
      }),
    );
    for (const fn of committed) fn();
    let offset = 0;
    for (const p of batch) {
      p.resolve(results.slice(offset, offset + p.items.length));
      offset += p.items.length;
    }
    for (const listener of this.#listeners) listener(items, results);
  }

  async #withRetry<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 4 || !code || !TRANSIENT_PG_CODES.has(code)) throw err;
      }
    }
  }
}
