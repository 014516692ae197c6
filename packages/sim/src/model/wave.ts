/**
 * Smooth signals as sums of cosines, `c + Σ a·cos(2π·f·t + φ)` over absolute time in ms. Their integral
 * has a closed form, so counters driven by them are exact at any time whatever the step: a history at
 * 2-minute steps and a live run at 1-second steps agree to the last digit.
 */

export interface Term {
  /** Amplitude, in the signal's unit. */
  a: number;
  /** Cycles per millisecond. */
  f: number;
  /** Phase, radians. */
  p: number;
}

export interface Wave {
  c: number;
  terms: readonly Term[];
}

export const DAY_MS = 86_400_000;
const TAU = 2 * Math.PI;

export const constant = (c: number): Wave => ({ c, terms: [] });

export function scale(w: Wave, k: number): Wave {
  return { c: w.c * k, terms: w.terms.map((t) => ({ ...t, a: t.a * k })) };
}

/** Merges terms of one frequency (a·cos(x+p) + b·cos(x+q) is one cosine), keeping waves short. */
function normalise(c: number, terms: Term[]): Wave {
  const byF = new Map<number, { x: number; y: number }>();
  for (const t of terms) {
    if (t.f === 0) {
      c += t.a * Math.cos(t.p);
      continue;
    }
    const acc = byF.get(t.f) ?? { x: 0, y: 0 };
    acc.x += t.a * Math.cos(t.p);
    acc.y += t.a * Math.sin(t.p);
    byF.set(t.f, acc);
  }
  const out: Term[] = [];
  for (const [f, { x, y }] of byF) {
    const a = Math.hypot(x, y);
    if (a > 1e-12) out.push({ a, f, p: Math.atan2(y, x) });
  }
  return { c, terms: out };
}

export function add(...ws: Wave[]): Wave {
  return normalise(
    ws.reduce((s, w) => s + w.c, 0),
    ws.flatMap((w) => [...w.terms]),
  );
}

/** Product of two waves: cos x·cos y = ½cos(x−y) + ½cos(x+y). */
export function mul(u: Wave, v: Wave): Wave {
  const terms: Term[] = [];
  for (const t of u.terms) terms.push({ ...t, a: t.a * v.c });
  for (const t of v.terms) terms.push({ ...t, a: t.a * u.c });
  for (const s of u.terms)
    for (const t of v.terms) {
      const a = (s.a * t.a) / 2;
      const fd = s.f - t.f;
      terms.push(fd >= 0 ? { a, f: fd, p: s.p - t.p } : { a, f: -fd, p: t.p - s.p });
      terms.push({ a, f: s.f + t.f, p: s.p + t.p });
    }
  return normalise(u.c * v.c, terms);
}

/** Phase in radians, reduced before multiplying so large epoch times keep their precision. */
function angle(t: Term, tMs: number): number {
  const cycles = tMs * t.f;
  return TAU * (cycles - Math.floor(cycles)) + t.p;
}

export function evalWave(w: Wave, tMs: number): number {
  let v = w.c;
  for (const t of w.terms) v += t.a * Math.cos(angle(t, tMs));
  return v;
}

/** ∫ w dt from fromMs to toMs, with t in seconds (a rate per second integrates to a count). */
export function integrate(w: Wave, fromMs: number, toMs: number): number {
  let v = (w.c * (toMs - fromMs)) / 1000;
  for (const t of w.terms) {
    const k = t.a / (TAU * t.f * 1000);
    v += k * (Math.sin(angle(t, toMs)) - Math.sin(angle(t, fromMs)));
  }
  return v;
}
