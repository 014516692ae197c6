/** LogQL parsing with Grafana's lezer grammar: syntax errors with their position. */
import { parser } from '@grafana/lezer-logql';

export function logqlErrors(expr: string): { offset: number; near: string }[] {
  const errors: { offset: number; near: string }[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError)
        errors.push({ offset: node.from, near: expr.slice(Math.max(0, node.from - 10), node.from + 10) });
    },
  });
  return errors;
}
