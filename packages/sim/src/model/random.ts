/**
 * Deterministic randomness: every "random" number is a hash of (seed, key, tick), so the same seed and
 * the same times give the same values whatever order things are asked in.
 */

/** FNV-1a over a string, 32 bits. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One round of splitmix32-style mixing. */
function mix(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A uniform number in [0, 1) for (seed, key, n). */
export function unit(seed: number, key: string, n = 0): number {
  const h = mix(mix(hashString(key) ^ mix(seed | 0)) ^ mix(Math.floor(n) | 0) ^ Math.floor(n / 4294967296));
  return h / 4294967296;
}

/** Several independent uniforms for one (seed, key, n). */
export function units(seed: number, key: string, n: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => unit(seed, `${key}#${i}`, n));
}

/** Symmetric jitter in [-amp, amp], constant within each wall second. */
export function jitter(seed: number, key: string, tMs: number, amp: number): number {
  return (unit(seed, key, Math.floor(tMs / 1000)) * 2 - 1) * amp;
}

/** The longest a blip lasts: the demo profile's shortest `for:` on a blip-capable rule is 10 s. */
export const BLIP_MAX_MS = 4000;
const BLIP_WINDOW_MS = 60_000;
const BLIP_CHANCE = 0.7;

/**
 * A transient excursion ("blip"): in each minute, with probability 0.7, one 2–4 s window at a hashed
 * offset. Windows start 2 s after and end 2 s before their minute, so two blips never touch.
 * Returns a uniform for the blip's size while one is under way, else null.
 */
export function blipAt(seed: number, key: string, tMs: number): number | null {
  const w = Math.floor(tMs / BLIP_WINDOW_MS);
  const [chance, offset, length, size] = units(seed, `${key}#blip`, w, 4) as [number, number, number, number];
  if (chance >= BLIP_CHANCE) return null;
  const start = w * BLIP_WINDOW_MS + 2000 + offset * (BLIP_WINDOW_MS - 4000 - BLIP_MAX_MS);
  const end = start + 2000 + length * (BLIP_MAX_MS - 2000);
  return tMs >= start && tMs < end ? size : null;
}
