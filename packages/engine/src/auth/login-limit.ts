/**
 * The per-user-name half of the sign-in rate limit (the per-address half is @fastify/rate-limit on the
 * route): failed attempts against one name in fixed one-minute windows, from any address, in this
 * process. Unknown names are counted too, so a 429 does not tell whether a user exists; their table is
 * bounded so a spray of made-up names cannot grow it without end.
 */
import type { Clock } from '../clock/clock.ts';

const WINDOW_MS = 60_000;
/** Made-up names remembered at most; the oldest are forgotten first. */
const MAX_UNKNOWN = 10_000;

interface Window {
  start: number;
  count: number;
}

export class LoginAttempts {
  readonly #max: number;
  readonly #clock: Clock;
  /** Keyed by user id: as many entries as there are users. */
  readonly #users = new Map<string, Window>();
  /** Keyed by the lower-cased name that matched no user. */
  readonly #unknown = new Map<string, Window>();

  constructor(maxPerMinute: number, clock: Clock) {
    this.#max = maxPerMinute;
    this.#clock = clock;
  }

  /**
   * Counts an attempt against `name` (a user id, or `unknown` for a name that matched nobody). Returns the
   * ms until the name may try again when the limit is already reached (the attempt is not counted),
   * else null. Call `succeeded` when the attempt turns out right: only failures count.
   */
  attempt(name: string, known: boolean): number | null {
    const now = this.#clock.now().getTime();
    const table = known ? this.#users : this.#unknown;
    const key = known ? name : name.toLowerCase();
    let w = table.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      if (!w && !known) this.#makeRoom(now);
      w = { start: now, count: 0 };
      table.set(key, w);
    }
    if (w.count >= this.#max) return w.start + WINDOW_MS - now;
    w.count++;
    return null;
  }

  /** The attempt counted for `name` was a successful sign-in: it does not count. */
  succeeded(name: string): void {
    const w = this.#users.get(name);
    if (w && w.count > 0) w.count--;
  }

  #makeRoom(now: number): void {
    if (this.#unknown.size < MAX_UNKNOWN) return;
    for (const [k, w] of this.#unknown) if (now - w.start >= WINDOW_MS) this.#unknown.delete(k);
    while (this.#unknown.size >= MAX_UNKNOWN) {
      const oldest = this.#unknown.keys().next().value;
      if (oldest === undefined) break;
      this.#unknown.delete(oldest);
    }
  }
}
