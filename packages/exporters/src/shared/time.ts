/**
 * Time as a dependency. Exporters ask a `Time` for the moment and for timers instead of the globals, so
 * tests step through an hour of refreshes without sleeping. The shape of `now()` matches the engine's
 * `Clock`, so the engine's `FakeClock` works wherever only a clock is needed.
 */

/** The current instant. */
export interface Clock {
  now(): Date;
}

/** A pending timer; `cancel()` is idempotent. */
export interface ScheduledTask {
  cancel(): void;
}

/** Runs a callback once after a delay. */
export interface Scheduler {
  schedule(delayMs: number, task: () => void): ScheduledTask;
}

/** A clock and a scheduler that agree with each other. */
export interface Time extends Clock, Scheduler {}

/** The real wall clock and `setTimeout`. The only place the exporters read system time. */
export const systemTime: Time = {
  now: () => new Date(),
  schedule(delayMs, task) {
    const handle = setTimeout(task, delayMs);
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * Time that moves only when told to: `advance(ms)` runs every task that falls due, in order.
 *
 * @example
 * const time = new ManualTime('2026-03-28T02:00:00Z');
 * time.schedule(60_000, () => console.log('a minute later'));
 * time.advance(60_000); // prints
 */
export class ManualTime implements Time {
  #ms: number;
  #seq = 0;
  #tasks: { at: number; seq: number; run: () => void }[] = [];

  constructor(start: Date | string | number) {
    this.#ms = new Date(start).getTime();
    if (Number.isNaN(this.#ms)) throw new Error(`ManualTime: invalid start time ${String(start)}`);
  }

  now(): Date {
    return new Date(this.#ms);
  }

  schedule(delayMs: number, task: () => void): ScheduledTask {
    const entry = { at: this.#ms + Math.max(0, delayMs), seq: this.#seq++, run: task };
    this.#tasks.push(entry);
    return { cancel: () => void (this.#tasks = this.#tasks.filter((t) => t !== entry)) };
  }

  /** How many tasks are waiting. */
  get pending(): number {
    return this.#tasks.length;
  }

  /** Moves time forward by `ms`, running each task as its moment passes (tasks may schedule more). */
  advance(ms: number): void {
    if (ms < 0) throw new Error('ManualTime: time only moves forward');
    const end = this.#ms + ms;
    for (;;) {
      const next = this.#tasks.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.#tasks = this.#tasks.filter((t) => t !== next);
      this.#ms = next.at;
      next.run();
    }
    this.#ms = end;
  }
}

/**
 * Calls `tick` now and then every `intervalMs` until stopped. The next tick is scheduled before this
 * one's work runs, so a slow tick never delays the cadence; callers guard against overlap themselves.
 */
export function every(scheduler: Scheduler, intervalMs: number, tick: () => void): { stop(): void } {
  let stopped = false;
  let pending: ScheduledTask | undefined;
  const run = () => {
    if (stopped) return;
    pending = scheduler.schedule(intervalMs, run);
    tick();
  };
  run();
  return {
    stop() {
      stopped = true;
      pending?.cancel();
    },
  };
}
