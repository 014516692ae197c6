/**
 * The engine: a list of modules, each an idempotent pass over the rows that are due, run one after the
 * other on a fixed cycle. Work lives in the database, never in timers, so a restart (even SIGKILL)
 * resumes where it stopped and several replicas can run the same loop: each module runs under a lock
 * named after it, and a replica that finds the lock taken skips that module for this cycle.
 */
import type { Transaction } from 'kysely';
import type { Clock } from '../clock/clock.ts';
import type { KlaxonDatabase } from '../db/database.ts';
import type { Database } from '../db/tables.ts';

export interface TickContext {
  /** The instant this cycle runs at; modules use it instead of reading a clock. */
  now: Date;
  /** The transaction that holds this module's lock. */
  trx: Transaction<Database>;
  /** Whether `FOR UPDATE SKIP LOCKED` is available (PostgreSQL). */
  rowLocks: boolean;
  /** Runs `fn` once this tick's transaction has committed (e.g. network I/O on rows it claimed). */
  afterCommit: (fn: () => void) => void;
}

/**
 * One background job.
 *
 * @example
 * // A module calls the store of the folder that owns its table (here, a sessions sweeper).
 * const sweeper: EngineModule = {
 *   name: 'sweeper',
 *   everyMs: 60_000,
 *   async tick({ trx, now }) {
 *     await deleteExpiredSessions(trx, now.getTime());
 *   },
 * };
 */
export interface EngineModule {
  readonly name: string;
  /** Must be safe to run twice and to run after a crash part-way through. */
  tick(ctx: TickContext): Promise<void>;
  /** Run at most this often (ms), however often the loop cycles; for work that is not urgent. */
  readonly everyMs?: number;
}

export interface EngineLoopOptions {
  store: KlaxonDatabase;
  clock: Clock;
  modules: readonly EngineModule[];
  intervalMs: number;
  onError?: (module: string, err: unknown) => void;
}

export interface CycleReport {
  ran: string[];
  skipped: string[];
  failed: string[];
}

export class EngineLoop {
  readonly #opts: EngineLoopOptions;
  #modules: readonly EngineModule[];
  #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #cycle: Promise<CycleReport> | null = null;
  #stopped = true;
  #again = false;
  readonly #lastRun = new Map<string, number>();

  constructor(opts: EngineLoopOptions) {
    this.#opts = opts;
    this.#modules = [...opts.modules];
    this.#intervalMs = opts.intervalMs;
  }

  /** The modules the next cycle runs. */
  get modules(): readonly EngineModule[] {
    return this.#modules;
  }

  /**
   * Replaces the modules (a config reload) and, when given, the interval. A cycle in progress finishes
   * with the modules it started with; the next one runs only the new list, so a tick never mixes two.
   */
  setModules(modules: readonly EngineModule[], intervalMs?: number): void {
    this.#modules = [...modules];
    if (intervalMs !== undefined) this.#intervalMs = intervalMs;
  }

  /** Runs every module once, now. Concurrent calls share one cycle. */
  runOnce(): Promise<CycleReport> {
    this.#cycle ??= this.#runCycle().finally(() => {
      this.#cycle = null;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.runOnce();
      }
    });
    return this.#cycle;
  }

  /**
   * Asks for a cycle as soon as possible (e.g. right after an incident opens), instead of at the next
   * interval. Cheap to call often: calls during a cycle fold into one more cycle.
   */
  poke(): void {
    if (this.#stopped) return;
    if (this.#cycle) {
      this.#again = true;
      return;
    }
    void this.runOnce();
  }

  /** Starts cycling every `intervalMs`; the first cycle runs at once (catching up on anything overdue). */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const loop = async () => {
      if (this.#stopped) return;
      await this.runOnce();
      if (!this.#stopped) this.#timer = setTimeout(() => void loop(), this.#intervalMs);
    };
    void loop();
  }

  /** Stops cycling and waits for a cycle in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#cycle) await this.#cycle;
  }

  async #runCycle(): Promise<CycleReport> {
    const { store, clock, onError } = this.#opts;
    // Read once: a setModules during this cycle applies from the next one.
    const modules = this.#modules;
    const report: CycleReport = { ran: [], skipped: [], failed: [] };
    for (const module of modules) {
      const started = clock.now().getTime();
      if (module.everyMs && started - (this.#lastRun.get(module.name) ?? -Infinity) < module.everyMs)
        continue;
      this.#lastRun.set(module.name, started);
      try {
        const committed: (() => void)[] = [];
        const result = await store.locker.tryWithLock(store.db, `engine:${module.name}`, (trx) =>
          module.tick({
            trx,
            now: clock.now(),
            rowLocks: store.locker.rowLocks,
            afterCommit: (fn) => committed.push(fn),
          }),
        );
        for (const fn of committed) fn();
        (result.ran ? report.ran : report.skipped).push(module.name);
      } catch (err) {
        // One failing module must not stop the others; it is retried next cycle.
        report.failed.push(module.name);
        onError?.(module.name, err);
      }
    }
    return report;
  }
}
