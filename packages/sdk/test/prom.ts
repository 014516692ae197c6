/** Test helper: a registry's exposition as `name{labels sorted}` → value, so assertions do not depend on order. */
import type { Registry } from 'prom-client';

export function seriesKey(name: string, labels: Record<string, string>): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(',');
  return body ? `${name}{${body}}` : name;
}

export async function samples(registry: Registry): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await registry.metrics()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsed line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out[seriesKey(m[1]!, labels)] = Number(m[3]);
  }
  return out;
}

/** The samples whose name starts with `prefix`. */
export function only(all: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)));
}
