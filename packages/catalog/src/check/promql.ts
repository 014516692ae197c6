/** PromQL parsing with Prometheus's own lezer grammar: syntax errors with their position, and the metrics read. */
import { parser } from '@prometheus-io/lezer-promql';

export interface PromqlCheck {
  errors: { offset: number; line: number; column: number; near: string }[];
  metrics: string[];
}

export function checkPromql(expr: string): PromqlCheck {
  const tree = parser.parse(expr);
  const errors: PromqlCheck['errors'] = [];
  const metrics = new Set<string>();
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        const before = expr.slice(0, node.from).split('\n');
        errors.push({
          offset: node.from,
          line: before.length,
          column: (before[before.length - 1]?.length ?? 0) + 1,
          near: expr.slice(Math.max(0, node.from - 10), node.from + 10),
        });
      }
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        metrics.add(expr.slice(node.from, node.to));
    },
  });
  return { errors, metrics: [...metrics] };
}
