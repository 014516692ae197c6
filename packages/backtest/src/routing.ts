/**
 * Alertmanager's routing tree and inhibition rules over plain config data: which routes (and so which
 * receiver, grouping and timing) an alert takes, honouring `continue` and inheritance, and whether a
 * firing source alert mutes a target.
 */
import { allMatch, matcherList, matcherSpecs, matcherString, toMatcher, type Matcher } from './matchers.ts';
import { durationOf } from './time.ts';

export interface RouteNode {
  /** Alertmanager's route key: the matchers from the root, e.g. `{}/{tier="T1"}`. */
  key: string;
  receiver: string;
  groupBy: string[] | 'all';
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  continue: boolean;
  matchers: Matcher[];
  children: RouteNode[];
}

interface RawRoute {
  receiver?: string;
  matchers?: unknown;
  match?: unknown;
  match_re?: unknown;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: RawRoute[];
}

/** Alertmanager's matcher order (labels.Matchers.Less): by name, then value, then type. */
const OP_ORDER = new Map([
  ['=', 0],
  ['!=', 1],
  ['=~', 2],
  ['!~', 3],
]);

/**
 * Builds the tree with Alertmanager's defaults (group_wait 30s, group_interval 5m, repeat_interval 4h) and
 * inheritance: an absent or empty `group_by` inherits the parent's (config.go only sets GroupBy for a
 * non-empty list), `...` groups by every label.
 */
export function buildRoutes(root: RawRoute): RouteNode {
  const build = (r: RawRoute, parent: RouteNode | null, where: string): RouteNode => {
    const specs = parent ? matcherSpecs(r, where) : [];
    specs.sort(
      (a, b) =>
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
        (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) ||
        OP_ORDER.get(a.op)! - OP_ORDER.get(b.op)!,
    );
    const own = `{${specs.map(matcherString).join(',')}}`;
    const groupBy = r.group_by ?? [];
    const node: RouteNode = {
      key: parent ? `${parent.key}/${own}` : own,
      receiver: r.receiver || parent?.receiver || '',
      groupBy: groupBy.includes('...') ? 'all' : groupBy.length > 0 ? [...groupBy] : (parent?.groupBy ?? []),
      groupWaitMs: r.group_wait
        ? durationOf(r.group_wait, `${where}.group_wait`)
        : (parent?.groupWaitMs ?? 30_000),
      groupIntervalMs: r.group_interval
        ? durationOf(r.group_interval, `${where}.group_interval`)
        : (parent?.groupIntervalMs ?? 300_000),
      repeatIntervalMs: r.repeat_interval
        ? durationOf(r.repeat_interval, `${where}.repeat_interval`)
        : (parent?.repeatIntervalMs ?? 4 * 3_600_000),
      continue: r.continue === true,
      matchers: specs.map((m) => toMatcher(m, where)),
      children: [],
    };
    node.children = (r.routes ?? []).map((c, i) => build(c, node, `${where}.routes[${i}]`));
    return node;
  };
  return build(root, null, 'route');
}

/** The routes an alert ends on: Alertmanager's depth-first match, stopping at a match without `continue`. */
export function matchRoutes(node: RouteNode, labels: Record<string, string>): RouteNode[] {
  if (!allMatch(node.matchers, labels)) return [];
  const out: RouteNode[] = [];
  for (const child of node.children) {
    const m = matchRoutes(child, labels);
    out.push(...m);
    if (m.length > 0 && !child.continue) break;
  }
  return out.length > 0 ? out : [node];
}

/** The group labels of an alert on a route (Alertmanager drops empty label values). */
export function groupLabels(route: RouteNode, labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const names = route.groupBy === 'all' ? Object.keys(labels) : route.groupBy;
  for (const n of [...names].sort()) if (Object.hasOwn(labels, n) && labels[n] !== '') out[n] = labels[n]!;
  return out;
}

/** model.LabelSet.String(): `{a="1", b="2"}`, the `name=%q` strings sorted. */
export const labelsString = (l: Record<string, string>) =>
  `{${Object.keys(l)
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .sort()
    .join(', ')}}`;

export interface InhibitRule {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
}

interface RawInhibit {
  source_matchers?: unknown;
  target_matchers?: unknown;
  source_match?: unknown;
  source_match_re?: unknown;
  target_match?: unknown;
  target_match_re?: unknown;
  equal?: string[];
}

export function buildInhibitRules(raw: readonly RawInhibit[] | undefined): InhibitRule[] {
  return (raw ?? []).map((r, i) => ({
    source: matcherList(
      { matchers: r.source_matchers, match: r.source_match, match_re: r.source_match_re },
      `inhibit_rules[${i}].source`,
    ),
    target: matcherList(
      { matchers: r.target_matchers, match: r.target_match, match_re: r.target_match_re },
      `inhibit_rules[${i}].target`,
    ),
    equal: r.equal ?? [],
  }));
}

const get = (l: Record<string, string>, k: string) => (Object.hasOwn(l, k) ? l[k]! : '');

/**
 * Whether a firing source alert mutes `target` (inhibit.go Mutes/hasEqual): equal labels compare as ""
 * when missing; when the target matches the source side too, sources that also match the target side
 * (the target itself among them) are disregarded.
 */
export function inhibited(
  rules: readonly InhibitRule[],
  target: { id: string; labels: Record<string, string> },
  firing: readonly { id: string; labels: Record<string, string> }[],
): boolean {
  for (const r of rules) {
    if (!allMatch(r.target, target.labels)) continue;
    const twoSided = allMatch(r.source, target.labels);
    for (const s of firing) {
      if (!allMatch(r.source, s.labels)) continue;
      if (twoSided && allMatch(r.target, s.labels)) continue;
      if (r.equal.every((k) => get(s.labels, k) === get(target.labels, k))) return true;
    }
  }
  return false;
}
