/** Prometheus durations, only the units the catalog uses. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(d: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`"${d}" is not a duration like 30s, 5m, 2h or 1d`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

export function minutes(ms: number): string {
  return `${Math.ceil(ms / 60_000)}m`;
}

/** The shortest Prometheus duration for `ms`: "10s", "2m", "333ms". */
export function formatDuration(ms: number): string {
  const whole = Math.round(ms);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (whole >= size && whole % size === 0) return `${whole / size}${unit}`;
  }
  return `${whole}ms`;
}
