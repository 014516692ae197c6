/** Option parsers shared by commands. */
import { InvalidArgumentError, Option } from 'commander';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a port; use a whole number from 0 to 65535.`);
  }
  return port;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `5m`, `1h` or a bare number of seconds, to milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * DURATION_UNITS[m[2] ?? 's']! : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new InvalidArgumentError(
      `"${value}" is not a duration; use a number with a unit, e.g. 500ms, 30s, 5m or 1h (a bare number is seconds).`,
    );
  }
  return Math.round(ms);
}

/** A whole number ≥ 1. */
export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 1.`);
  }
  return n;
}

/** `a,b, c` to `['a', 'b', 'c']`; empty items are an error. */
export function parseList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) {
    throw new InvalidArgumentError(
      `"${value}" has an empty item; separate values with single commas, e.g. a,b.`,
    );
  }
  return items;
}

/** An absolute http(s) URL, without a trailing slash. */
export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; use e.g. http://127.0.0.1:4566.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`"${value}" must start with http:// or https://.`);
  }
  return value.replace(/\/+$/, '');
}

/** `60000` as `60s`, `3600000` as `1h`: how a duration default reads in --help. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** A duration option whose default shows in --help as a duration, not milliseconds. */
export function durationOption(flags: string, description: string, defaultMs: number): Option {
  return new Option(flags, description)
    .argParser(parseDuration)
    .default(defaultMs, formatDuration(defaultMs));
}
