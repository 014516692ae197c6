/**
 * Time as a dependency. Domain code asks a Clock for the moment instead of reading the system time,
 * so tests can fast-forward and replicas agree on what "due" means.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The real wall clock. The only place the engine reads system time. */
export const systemClock: Clock = {
  now: () => new Date(),
};

/**
 * A clock that only moves when told to.
 *
 * @example
 * const clock = new FakeClock('2026-03-28T02:00:00Z');
 * clock.advance(5 * 60_000); // five minutes later
 */
export class FakeClock implements Clock {
  #ms: number;

  constructor(start: Date | string | number) {
    this.#ms = new Date(start).getTime();
    if (Number.isNaN(this.#ms)) throw new Error(`FakeClock: invalid start time ${String(start)}`);
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('FakeClock: time only moves forward');
    this.#ms += ms;
  }

  /** Jumps to an instant at or after the current one. */
  set(to: Date | string | number): void {
    const ms = new Date(to).getTime();
    if (ms < this.#ms) throw new Error('FakeClock: time only moves forward');
    this.#ms = ms;
  }
}
