/**
 * The engine: a list of modules, each an idempotent pass over the rows that are due, run one after the
 * other. Work lives in the database, never in timers, so a restart (even SIGKILL) resumes where it
 * stopped and several replicas can run the same loop: each module runs under a lock named after it, and
 * a replica that finds the lock taken skips that module for this cycle. After each cycle the loop reads
 * the earliest due row of the modules that can tell (`nextDueAt`) and sleeps until then, or for the
 * regular interval if that comes first: the timer only wakes the loop, the rows stay the truth, and
 * every replica reads the same rows, so a step another replica scheduled also fires on time.
 */
import type { Kysely, Transaction } from 'kysely';
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
  /**
   * The earliest instant (ms) at which this module has work, read from its rows; null when none. The
   * loop wakes then instead of at its next interval. Without it the module runs on the interval.
   */
  nextDueAt?(db: Kysely<Database>): Promise<number | null>;
}

/** How the loop sleeps; a test passes a fake to see what it armed, without waiting in real time. */
export interface LoopTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** How long to wait before looking again at a due row that a cycle left due. */
const STUCK_RETRY_MS = 20;

const realTimers: LoopTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface EngineLoopOptions {
  store: KlaxonDatabase;
  clock: Clock;
  modules: readonly EngineModule[];
  /** The longest the loop sleeps between cycles (the safety net when no module says when it is due). */
  intervalMs: number;
  onError?: (module: string, err: unknown) => void;
  timers?: LoopTimers;
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
  readonly #timers: LoopTimers;
  #timer: unknown = null;
  /** The earliest `wakeBy` asked for while no timer was armed, or null. */
  #requested: number | null = null;
  /** The earliest due instant the last arm found already past, or null. */
  #pastDue: number | null = null;
  /** When the armed timer fires (ms on the clock), or null. */
  #wakeAt: number | null = null;
  #cycle: Promise<CycleReport> | null = null;
  #stopped = true;
  #again = false;
  readonly #lastRun = new Map<string, number>();

  constructor(opts: EngineLoopOptions) {
    this.#opts = opts;
    this.#modules = [...opts.modules];
    this.#intervalMs = opts.intervalMs;
    this.#timers = opts.timers ?? realTimers;
  }

  /** When the loop will next cycle on its own (ms on the clock), or null when it is not armed. */
  get wakeAt(): number | null {
    return this.#wakeAt;
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

  /** Runs every module once, now; once started, then arms the next wake. Concurrent calls share one cycle. */
  runOnce(): Promise<CycleReport> {
    this.#cycle ??= this.#runCycle()
      .then(async (report) => {
        if (!this.#stopped && !this.#again) await this.#arm(report);
        return report;
      })
      .finally(() => {
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

  /**
   * Asks for a cycle at `at` (ms on the clock) when that is before the planned one: this process just
   * scheduled work (an ingest transaction fired a step and set the next one's due time).
   */
  wakeBy(at: number): void {
    if (this.#stopped) return;
    if (this.#timer === null) {
      // A cycle is running and arms when it ends; it takes this into account.
      this.#requested = Math.min(this.#requested ?? Infinity, at);
      return;
    }
    if (this.#wakeAt !== null && this.#wakeAt <= at) return;
    this.#set(at);
  }

  /**
   * Starts cycling: at the earliest due row, and at least every `intervalMs`. The first cycle runs at
   * once (catching up on anything overdue).
   */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    if (this.#cycle) this.#again = true;
    else void this.runOnce();
  }

  /** Stops cycling and waits for a cycle in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#disarm();
    if (this.#cycle) await this.#cycle;
    this.#disarm();
  }

  #disarm(): void {
    if (this.#timer !== null) this.#timers.clear(this.#timer);
    this.#timer = null;
    this.#wakeAt = null;
  }

  /**
   * Sleeps until the earliest instant a module that just ran (or was not due to run) has work, or for
   * the interval. A module skipped for another replica's lock, or failing, waits for the interval: that
   * replica is on it, and a failure must not spin.
   */
  async #arm(report: CycleReport): Promise<void> {
    const { store, clock, onError } = this.#opts;
    const now = clock.now().getTime();
    let at = now + this.#intervalMs;
    const quiet = new Set([...report.skipped, ...report.failed]);
    for (const module of this.#modules) {
      if (!module.nextDueAt || quiet.has(module.name)) continue;
      let due: number | null;
      try {
        due = await module.nextDueAt(store.db);
      } catch (err) {
        onError?.(module.name, err);
        continue;
      }
      if (due === null) continue;
      if (module.everyMs) due = Math.max(due, (this.#lastRun.get(module.name) ?? -Infinity) + module.everyMs);
      at = Math.min(at, due);
    }
    if (this.#stopped) return;
    at = Math.min(at, this.#requested ?? Infinity);
    this.#requested = null;
    this.#disarm();
    let delay = Math.max(0, at - clock.now().getTime());
    // Still due after a cycle: go again at once, but back off when the same row stays due (locked by a
    // transaction elsewhere, say) rather than spin on it.
    if (delay === 0 && at === this.#pastDue) delay = STUCK_RETRY_MS;
    this.#pastDue = at <= now ? at : null;
    this.#set(at, delay);
  }

  #set(at: number, delay = Math.max(0, at - this.#opts.clock.now().getTime())): void {
    if (this.#timer !== null) this.#timers.clear(this.#timer);
    this.#wakeAt = at;
    this.#timer = this.#timers.set(() => {
      this.#timer = null;
      this.#wakeAt = null;
      void this.runOnce();
    }, delay);
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
