/** The month plan's random draws: one deterministic stream per (seed, purpose), from the model's hash. */
import { unit } from '../model/random.ts';

export class Rng {
  private n = 0;
  constructor(
    private readonly seed: number,
    private readonly key: string,
  ) {}

  /** Uniform in [0, 1). */
  next(): number {
    return unit(this.seed, `month#${this.key}`, this.n++);
  }

  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('pick from an empty list');
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** The list in a random order (Fisher–Yates). */
  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
