/**
 * Times and durations on the command line and in rule files: RFC 3339 or relative times (`-30d`, `now`),
 * and Prometheus durations (`30s`, `1h30m`).
 */

export class BacktestInputError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'BacktestInputError';
    this.code = code;
  }
}

const UNIT_MS = new Map<string, number>([
  ['ms', 1],
  ['s', 1000],
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
  ['w', 7 * 86_400_000],
  ['y', 365 * 86_400_000],
]);

/** A Prometheus duration (`30s`, `5m`, `1h30m`, `0s`) in ms, or null when it is not one. */
export function parseDurationMs(text: string): number | null {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * UNIT_MS.get(m[2]!)!;
  return total;
}

/** Like parseDurationMs, but a bad duration is an input error naming where it came from. */
export function durationOf(text: string, where: string): number {
  const ms = parseDurationMs(text);
  if (ms === null)
    throw new BacktestInputError(
      'bad_duration',
      `${where}: "${text}" is not a duration; write it like 30s, 5m or 1h30m`,
    );
  return ms;
}

/**
 * `now`, a relative time (`-30d`, `-12h`, `-90m`) from `nowMs`, or an RFC 3339 time with a zone
 * (`2026-11-01T00:00:00Z`).
 */
export function parseTime(text: string, nowMs: number, option: string): number {
  const t = text.trim();
  if (t === 'now') return nowMs;
  const rel = /^-(.+)$/.exec(t);
  if (rel) {
    const ms = parseDurationMs(rel[1]!);
    if (ms !== null) return nowMs - ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  throw new BacktestInputError(
    'bad_time',
    `${option} "${text}" is not a time: use RFC 3339 with a zone (2026-11-01T00:00:00Z), a relative time (-30d, -12h) or now`,
  );
}
