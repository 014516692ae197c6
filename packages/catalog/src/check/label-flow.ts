/**
 * Where a PromQL expression groups by, writes or keeps an unbounded label (the contract's "Label
 * bounds"). It follows the labels through the expression as Prometheus computes them: a selector carries
 * its metric's unbounded labels (contract mirror), `by (…)` keeps only the labels named, `without (…)`
 * and `ignoring (…)` drop theirs, `on (…)` keeps its own, `group_left/right (…)` copy theirs from the
 * other side, `label_replace`/`label_join`/`count_values` write one. Whatever is left at the top is kept.
 */
import {
  binaryParts,
  children,
  groupingLabels,
  parseTree,
  selectorMetric,
  unwrap,
  type SyntaxNode,
} from './promql-ast.ts';

export interface LabelUse {
  label: string;
  /** How the expression uses it, for the message: "groups by", "keeps (from …)", … */
  how: string;
}

export interface LabelBounds {
  /** Labels no rule or dashboard may group by or keep. */
  unbounded: ReadonlySet<string>;
  /** The unbounded labels each metric's series carry. */
  labelsOf: ReadonlyMap<string, readonly string[]>;
}

/** Aggregations that keep their input's labels and only pick series (`by` chooses the groups). */
const PICKERS = new Set(['Topk', 'Bottomk', 'LimitK', 'LimitRatio']);

const unquote = (node: SyntaxNode | undefined, text: string) =>
  node?.name === 'StringLiteral' ? text.slice(node.from + 1, node.to - 1) : undefined;

/**
 * A `topk`/`bottomk`/`limitk` with a number for k around the whole query: at most k series at a time,
 * which is what a dashboard's "top N" table shows.
 */
export function isBoundedPick(expr: string): boolean {
  const top = parseTree(expr);
  const node = top?.firstChild ? unwrap(top.firstChild) : undefined;
  if (node?.name !== 'AggregateExpr') return false;
  const op = node.firstChild?.firstChild?.name ?? '';
  const body = children(node).find((c) => c.name === 'FunctionCallBody');
  return ['Topk', 'Bottomk', 'LimitK'].includes(op) && body?.firstChild?.name === 'NumberDurationLiteral';
}

/** Every use of an unbounded label in `expr` (empty when it does not parse: the policy check says so). */
export function unboundedLabelUses(expr: string, bounds: LabelBounds): LabelUse[] {
  const top = parseTree(expr);
  if (!top) return [];
  const uses: LabelUse[] = [];
  const use = (labels: Iterable<string>, how: (label: string) => string) => {
    for (const label of labels) if (bounds.unbounded.has(label)) uses.push({ label, how: how(label) });
  };
  /** The unbounded labels the node's result carries, each with the metric it came from. */
  const carried = (node: SyntaxNode): Map<string, string> => {
    const union = (nodes: SyntaxNode[]) => new Map(nodes.flatMap((c) => [...carried(c)]));
    switch (node.name) {
      case 'VectorSelector': {
        const metric = selectorMetric(node, expr) ?? '';
        return new Map((bounds.labelsOf.get(metric) ?? []).map((l) => [l, metric]));
      }
      case 'AggregateExpr': {
        const op = node.firstChild?.firstChild?.name ?? '';
        const mod = children(node).find((c) => c.name === 'AggregateModifier');
        const args = children(children(node).find((c) => c.name === 'FunctionCallBody')!);
        const input = carried(args[args.length - 1]!);
        const labels = groupingLabels(mod?.lastChild ?? undefined, expr);
        const by = mod?.firstChild?.name === 'By';
        if (by) use(labels, (l) => `groups by ${l} (${expr.slice(mod.from, mod.to)})`);
        if (op === 'CountValues') {
          const target = unquote(args[0], expr);
          if (target) use([target], (l) => `writes ${l} with count_values("${l}", …), one series per value`);
        }
        if (PICKERS.has(op)) return input;
        if (by) return new Map([...input].filter(([l]) => labels.includes(l)));
        return new Map([...input].filter(([l]) => mod !== undefined && !labels.includes(l)));
      }
      case 'FunctionCall': {
        const fn = node.firstChild?.firstChild?.name ?? '';
        const args = children(children(node).find((c) => c.name === 'FunctionCallBody')!);
        if (fn === 'LabelReplace' || fn === 'LabelJoin') {
          const target = unquote(args[1], expr);
          if (target)
            use(
              [target],
              (l) => `writes ${l} with ${fn === 'LabelReplace' ? 'label_replace' : 'label_join'}`,
            );
          return carried(args[0]!);
        }
        if (['Absent', 'AbsentOverTime', 'Scalar', 'Vector', 'Time'].includes(fn)) return new Map();
        return union(args);
      }
      case 'BinaryExpr': {
        const p = binaryParts(node, expr);
        const [lhs, rhs] = [carried(p.lhs), carried(p.rhs)];
        const group = p.group;
        if (group) {
          const clause = `group_${group.side} (${group.labels.join(', ')})`;
          use(group.labels, (l) => `copies ${l} onto the result (${clause})`);
          return group.side === 'left' ? lhs : rhs;
        }
        if (p.op === 'And' || p.op === 'Unless') return lhs;
        const both = new Map([...rhs, ...lhs]);
        if (p.op === 'Or' || !p.matching) return both;
        const names = p.matching.labels;
        const keep =
          p.matching.kind === 'on' ? (l: string) => names.includes(l) : (l: string) => !names.includes(l);
        return new Map([...both].filter(([l]) => keep(l)));
      }
      default:
        return union(children(node));
    }
  };
  const kept = carried(top);
  // A label already reported where it is grouped by or written is not reported again as kept.
  for (const [label, from] of kept)
    if (!uses.some((u) => u.label === label))
      uses.push({ label, how: `keeps ${label}: the result carries it from ${from}, one series per value` });
  return uses.filter((u, i) => uses.findIndex((v) => v.label === u.label && v.how === u.how) === i);
}
