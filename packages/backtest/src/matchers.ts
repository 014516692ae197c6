/**
 * Alertmanager's label matchers (`name="v"`, `!=`, `=~`, `!~`, quoted or not, OpenMetrics escapes) and the
 * legacy `match` / `match_re` maps, as the routing tree and the inhibition rules use them, parsed as
 * Alertmanager v0.25's pkg/labels/parse.go does. Regexes are anchored. A missing label matches as "".
 */
import { classicMatcher, splitMatchers } from '@klaxon/catalog';
import { BacktestInputError } from './time.ts';

export type Matcher = (labels: Record<string, string>) => boolean;

/** One parsed matcher: what the route key prints (`name="value"`, value escaped). */
export interface MatcherSpec {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const value = (labels: Record<string, string>, name: string) =>
  Object.hasOwn(labels, name) ? labels[name]! : '';

function anchored(re: string, where: string): RegExp {
  try {
    return new RegExp(`^(?:${re})$`, 'u');
  } catch {
    throw new BacktestInputError('bad_matcher', `${where}: "${re}" is not a regular expression`);
  }
}

/** One matcher string, e.g. `tier="T1"` or `alertname=~"KubePod.*"`, parsed as Alertmanager's classic parser does. */
export function parseMatcherSpec(text: string, where: string): MatcherSpec {
  const m = classicMatcher(text);
  if (typeof m !== 'string') return m;
  throw new BacktestInputError(
    'bad_matcher',
    m.startsWith('bad matcher format')
      ? `${where}: "${text}" is not a matcher; write it like tier="T1" or alertname=~"Kube.*"`
      : `${where}: "${text}" has an unescaped double quote in its value`,
  );
}

/** The predicate of a parsed matcher. */
export function toMatcher(s: MatcherSpec, where: string): Matcher {
  const { name, value: v } = s;
  switch (s.op) {
    case '=':
      return (l) => value(l, name) === v;
    case '!=':
      return (l) => value(l, name) !== v;
    case '=~': {
      const re = anchored(v, where);
      return (l) => re.test(value(l, name));
    }
    default: {
      const re = anchored(v, where);
      return (l) => !re.test(value(l, name));
    }
  }
}

/** One matcher string, e.g. `tier="T1"` or `alertname=~"KubePod.*"`. */
export function parseMatcher(text: string, where: string): Matcher {
  return toMatcher(parseMatcherSpec(text, where), where);
}

/** `match`, `match_re`, then `matchers` (strings) of one route or inhibition side, in Alertmanager's order. */
export function matcherSpecs(
  o: { matchers?: unknown; match?: unknown; match_re?: unknown },
  where: string,
): MatcherSpec[] {
  const out: MatcherSpec[] = [];
  const map = (x: unknown, op: MatcherSpec['op']) => {
    if (!x || typeof x !== 'object') return;
    for (const [name, v] of Object.entries(x as Record<string, unknown>))
      out.push({ name, op, value: String(v) });
  };
  map(o.match, '=');
  map(o.match_re, '=~');
  if (Array.isArray(o.matchers))
    for (const m of o.matchers as unknown[]) {
      if (typeof m !== 'string')
        throw new BacktestInputError('bad_matcher', `${where}: every matcher must be a string`);
      // A matcher string may hold several, comma-separated, in braces: {a="1", b="2"}.
      for (const part of splitMatchers(m)) out.push(parseMatcherSpec(part, where));
    }
  return out;
}

/** The predicates of `matcherSpecs`. */
export function matcherList(
  o: { matchers?: unknown; match?: unknown; match_re?: unknown },
  where: string,
): Matcher[] {
  return matcherSpecs(o, where).map((s) => toMatcher(s, where));
}

/** A matcher as Alertmanager prints it in a route key: `name="value"` with `\`, newline and `"` escaped. */
export function matcherString(s: MatcherSpec): string {
  const v = s.value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `${s.name}${s.op}"${v}"`;
}

export const allMatch = (ms: readonly Matcher[], labels: Record<string, string>) =>
  ms.every((m) => m(labels));
