/**
 * Reading PromQL syntax trees (Prometheus's lezer grammar) for the checks that look at structure: the
 * parts of a binary operation and its vector matching, grouping labels, and the metrics a node reads.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

export type { SyntaxNode };

/** The parsed expression, or undefined when it does not parse (the policy check reports that). */
export function parseTree(expr: string): SyntaxNode | undefined {
  const tree = parser.parse(expr);
  let broken = false;
  tree.iterate({
    enter(n) {
      if (n.type.isError) broken = true;
      return !broken;
    },
  });
  return broken ? undefined : tree.topNode;
}

export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
  return out;
}

/** Every node under `node` (itself included), depth first. */
export function descendants(node: SyntaxNode): SyntaxNode[] {
  return [node, ...children(node).flatMap(descendants)];
}

/** The label names of a `GroupingLabels` node, e.g. `(namespace, pod)`. */
export function groupingLabels(node: SyntaxNode | undefined, text: string): string[] {
  if (!node) return [];
  return children(node)
    .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
    .map((c) => text.slice(c.from, c.to).replace(/^"(.*)"$/, '$1'));
}

export interface BinaryParts {
  lhs: SyntaxNode;
  /** The operator's node name: Or, And, Unless, Mul, Div, Gtr, … */
  op: string;
  /** `on (…)` or `ignoring (…)`, when given. */
  matching?: { kind: 'on' | 'ignoring'; labels: string[] };
  /** `group_left (…)` or `group_right (…)`, when given: the labels copied from the "one" side. */
  group?: { side: 'left' | 'right'; labels: string[] };
  rhs: SyntaxNode;
}

export function binaryParts(node: SyntaxNode, text: string): BinaryParts {
  const cs = children(node);
  const clause = cs.find((c) => c.name === 'MatchingModifierClause');
  const parts: BinaryParts = { lhs: cs[0]!, op: cs[1]!.name, rhs: cs[cs.length - 1]! };
  if (clause) {
    const cc = children(clause);
    const lists = cc.filter((c) => c.name === 'GroupingLabels');
    parts.matching = {
      kind: cc[0]!.name === 'On' ? 'on' : 'ignoring',
      labels: groupingLabels(lists[0], text),
    };
    const g = cc.find((c) => c.name === 'GroupLeft' || c.name === 'GroupRight');
    if (g)
      parts.group = {
        side: g.name === 'GroupLeft' ? 'left' : 'right',
        labels: groupingLabels(lists[1], text),
      };
  }
  return parts;
}

/** The metric a selector names: its identifier, or a `__name__="…"` matcher. */
export function selectorMetric(selector: SyntaxNode, text: string): string | undefined {
  const id = children(selector).find((c) => c.name === 'Identifier');
  if (id) return text.slice(id.from, id.to);
  for (const m of descendants(selector)) {
    if (m.name !== 'UnquotedLabelMatcher') continue;
    const [name, op, value] = children(m);
    if (name && text.slice(name.from, name.to) === '__name__' && op && text.slice(op.from, op.to) === '=')
      return value ? text.slice(value.from + 1, value.to - 1) : undefined;
  }
  return undefined;
}

/** The metrics every selector under `node` reads. */
export function metricsUnder(node: SyntaxNode, text: string): string[] {
  return descendants(node)
    .filter((n) => n.name === 'VectorSelector')
    .flatMap((n) => selectorMetric(n, text) ?? []);
}

/** The node without the parentheses around it: `((x))` → `x`. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.name === 'ParenExpr' && n.firstChild) n = n.firstChild;
  return n;
}
