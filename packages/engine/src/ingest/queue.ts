/**
 * Group commit for ingest. Requests that arrive while a transaction is being written wait for the next
 * one, so under load many alerts share one durable commit (one fsync on SQLite, one round of statements
 * on PostgreSQL). A request is answered only after the commit that holds its alerts. Across a config
 * reload each request is applied with the config it was submitted under (`withConfig`), and a batch never
 * mixes two configs.
 *
 * On PostgreSQL several ingest transactions run at once (`concurrency`): each statement is a network round
 * trip, so one transaction at a time leaves the database and the event loop waiting on each other. Alerts
 * of one group or one dedup key still apply in the order they were submitted: a submission that shares a
 * key with a transaction in flight, or with an earlier submission still waiting, waits for it.
 */
import type { Transaction } from 'kysely';
import { storableAlert, type IngestItem } from '../alerts/alert.ts';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { Database } from '../db/tables.ts';
import { heartbeatIntegrations, type HeartbeatApplyConfig } from '../heartbeat/config.ts';
import { applyWithHeartbeats, type HeartbeatMatch } from '../heartbeat/store.ts';
import { applyBatch, type ApplyResult } from '../incidents/apply.ts';
import { alertKeyOf, groupRefOf, legacyAlertKeyOf, legacyGroupRefOf } from '../incidents/keys.ts';
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
  /** The group and alert keys it touches; empty when one transaction runs at a time. */
  keys: readonly string[];
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
  /** Ingest transactions in flight at once: 1 on SQLite (one connection), 4 on PostgreSQL by default. */
  concurrency?: number;
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

/** How many waiting submissions one batch looks through for ones free of the keys in flight. */
const SCAN_LIMIT = 256;

/** The keys `applyBatch` locks for `items`: what orders two submissions. */
function keysOf(items: readonly IngestItem[]): string[] {
  const keys = new Set<string>();
  for (const i of items) {
    keys.add(`g:${groupRefOf(i)}`).add(`g:${legacyGroupRefOf(i)}`);
    keys.add(`a:${alertKeyOf(i)}`).add(`a:${legacyAlertKeyOf(i)}`);
  }
  return [...keys];
}

export class IngestQueue {
  readonly #store: KlaxonDatabase;
  readonly #clock: Clock;
  readonly #maxBatch: number;
  readonly #concurrency: number;
  readonly #listeners: CommitListener[] = [];
  readonly #hooks: ApplyHook[] = [];
  /** The queue that batches and commits: this one, or the one `withConfig` was called on. */
  #root: IngestQueue = this;
  #settings: Settings;
  #pending: Pending[] = [];
  /** Transactions in flight, and how many of them hold each key. */
  #inFlight = 0;
  readonly #held = new Map<string, number>();
  #scheduled = false;
  #idle: (() => void)[] = [];

  constructor(store: KlaxonDatabase, clock: Clock, opts: IngestQueueOptions) {
    this.#store = store;
    this.#clock = clock;
    this.#maxBatch = opts.maxBatch ?? (store.dialect === 'sqlite' ? 200 : 1000);
    this.#concurrency = store.dialect === 'sqlite' ? 1 : Math.max(1, opts.concurrency ?? 4);
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
      concurrency: this.#concurrency,
    });
    view.#root = this.#root;
    return view;
  }

  /** Durably applies `items`; resolves after the commit, with one result per item. */
  submit(raw: IngestItem[]): Promise<ApplyResult[]> {
    if (raw.length === 0) return Promise.resolve([]);
    const items = raw.map((item) => ({ ...item, alert: storableAlert(item.alert) }));
    const root = this.#root;
    const keys = root.#concurrency > 1 ? keysOf(items) : [];
    return new Promise((resolve, reject) => {
      root.#pending.push({ items, settings: this.#settings, keys, resolve, reject });
      root.#schedule();
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
    if (root.#pending.length === 0 && root.#inFlight === 0) return;
    await new Promise<void>((r) => root.#idle.push(r));
  }

  /**
   * Starts batches on the next turn of the event loop, so the requests that are already parsed join them,
   * and between transactions what waits (the API, /readyz, new requests) is served: on SQLite nothing else
   * runs while a transaction does.
   */
  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#concurrency || this.#pending.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#inFlight < this.#concurrency) {
        const batch = this.#take();
        if (batch.length === 0) break;
        this.#start(batch);
      }
      this.#settle();
    });
  }

  #start(batch: Pending[]): void {
    this.#inFlight++;
    for (const p of batch) for (const k of p.keys) this.#held.set(k, (this.#held.get(k) ?? 0) + 1);
    void this.#process(batch).finally(() => {
      this.#inFlight--;
      for (const p of batch)
        for (const k of p.keys) {
          const n = this.#held.get(k)! - 1;
          if (n === 0) this.#held.delete(k);
          else this.#held.set(k, n);
        }
      this.#schedule();
      this.#settle();
    });
  }

  #settle(): void {
    if (this.#pending.length > 0 || this.#inFlight > 0) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const r of idle) r();
  }

  async #process(batch: Pending[]): Promise<void> {
    try {
      await this.#commit(batch);
    } catch (err) {
      // One bad submission must not fail its neighbours: retry each alone.
      if (batch.length === 1) batch[0]!.reject(err);
      else for (const p of batch) await this.#commit([p]).catch((e: unknown) => p.reject(e));
    }
  }

  /**
   * The next batch: waiting submissions in order, up to `maxBatch` alerts of one config. With keys, one
   * that shares a key with a transaction in flight, or with a submission passed over before it, stays to
   * keep its key's order; without keys (one transaction at a time) the batch ends at the first that does
   * not fit.
   */
  #take(): Pending[] {
    const batch: Pending[] = [];
    const passed = new Set<string>();
    const rest: Pending[] = [];
    let count = 0;
    let i = 0;
    for (; i < this.#pending.length && i < SCAN_LIMIT; i++) {
      const next = this.#pending[i]!;
      const fits =
        batch.length === 0 ||
        (count + next.items.length <= this.#maxBatch && next.settings === batch[0]!.settings);
      if (!fits && next.keys.length === 0) break;
      if (fits && !next.keys.some((k) => this.#held.has(k) || passed.has(k))) {
        batch.push(next);
        count += next.items.length;
        if (count >= this.#maxBatch) {
          i++;
          break;
        }
      } else {
        rest.push(next);
        for (const k of next.keys) passed.add(k);
      }
    }
    this.#pending = [...rest, ...this.#pending.slice(i)];
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
