/**
 * `klaxon check` for joins on info series: a rule that copies labels from an info series
 * (`* on (…) group_left (node) kube_pod_info`) must still produce its result when that series is missing,
 * by falling back to the un-joined expression: `(<joined>) or on (<un-joined labels>) (<un-joined>)`.
 * Without the `on (…)` the fallback's series (no joined labels) never match the joined ones and every
 * alert would fire twice. An alert with such a join declares `infoJoin`, so `klaxon test` proves it both ways.
 */
import type { AlertDefinition, Catalog } from '../model/alert.ts';
import type { Problem } from './policy.ts';
import {
  binaryParts,
  descendants,
  metricsUnder,
  parseTree,
  type BinaryParts,
  type SyntaxNode,
} from './promql-ast.ts';

export interface InfoJoin {
  /** The info series the join reads on its "one" side. */
  metric: string;
  /** The labels `group_left (…)`/`group_right (…)` copies from it. */
  labels: string[];
  /** Why the join has no good fallback; undefined when it has one. */
  problem?: string;
}

const isInfo = (metric: string, declared: string | undefined) =>
  metric.endsWith('_info') || metric === declared;

const within = (inner: SyntaxNode, outer: SyntaxNode) => inner.from >= outer.from && inner.to <= outer.to;

/** What is wrong with this `or` as the join's fallback (undefined: nothing). */
function fallbackProblem(or: BinaryParts, join: InfoJoin, many: string[], text: string): string | undefined {
  const reads = metricsUnder(or.rhs, text);
  if (reads.includes(join.metric)) return `its fallback after \`or\` reads ${join.metric} too`;
  if (!reads.some((m) => many.includes(m)))
    return `the expression after \`or\` is not the un-joined one (it reads none of ${many.join(', ')})`;
  const joined = `(${join.labels.join(', ')})`;
  if (!or.matching)
    return `its \`or\` has no on (…): the fallback's series lack ${joined}, never match the joined ones, and both are returned (every alert twice)`;
  if (or.matching.kind === 'on' && or.matching.labels.some((l) => join.labels.includes(l)))
    return `its \`or on (${or.matching.labels.join(', ')})\` names joined labels ${joined}, which the fallback lacks, so both fire`;
  if (or.matching.kind === 'ignoring' && !join.labels.every((l) => or.matching!.labels.includes(l)))
    return `its \`or ignoring (${or.matching.labels.join(', ')})\` must ignore every joined label ${joined}`;
  return undefined;
}

/** The joins on info series in `expr`, each with what is wrong with its fallback (if anything). */
export function infoJoins(expr: string, declared?: string): InfoJoin[] {
  const top = parseTree(expr);
  if (!top) return [];
  const found: InfoJoin[] = [];
  for (const node of descendants(top)) {
    if (node.name !== 'BinaryExpr') continue;
    const parts = binaryParts(node, expr);
    if (!parts.group) continue;
    const [one, many] = parts.group.side === 'left' ? [parts.rhs, parts.lhs] : [parts.lhs, parts.rhs];
    const metric = metricsUnder(one, expr).find((m) => isInfo(m, declared));
    if (!metric) continue;
    const join: InfoJoin = { metric, labels: parts.group.labels };
    const manyMetrics = metricsUnder(many, expr);
    // Every enclosing `or` with the join on its left; one good fallback is enough.
    const verdicts: (string | undefined)[] = [];
    for (let p = node.parent; p; p = p.parent) {
      if (p.name !== 'BinaryExpr') continue;
      const or = binaryParts(p, expr);
      if (or.op === 'Or' && within(node, or.lhs)) verdicts.push(fallbackProblem(or, join, manyMetrics, expr));
    }
    if (verdicts.length === 0)
      join.problem = `it has no fallback: while ${metric} is missing the result is empty`;
    else if (!verdicts.includes(undefined)) join.problem = verdicts[0];
    found.push(join);
  }
  return found;
}

/** Where an alert came from, for messages: its file, or the seed module of its group. */
const sourceOf = (a: AlertDefinition) => a.source ?? `packages/catalog/src/seed/${a.group}.ts`;

const fix = (join: InfoJoin, keep: string) =>
  `append \` or on (${keep}) <the expression without the join>\` so it still fires without ${join.metric}, minus (${join.labels.join(', ')})`;

export function checkInfoJoins(catalog: Pick<Catalog, 'alerts' | 'recordingRules'>): Problem[] {
  const problems: Problem[] = [];
  for (const r of catalog.recordingRules)
    for (const j of infoJoins(r.expr))
      if (j.problem)
        problems.push({
          subject: `recording rule ${r.record} (group ${r.group})`,
          message: `joins the info series ${j.metric} for (${j.labels.join(', ')}), but ${j.problem}; ${fix(j, '<the result labels without them>')}`,
        });
  for (const a of catalog.alerts) {
    const subject = `${sourceOf(a)}: alert ${a.name}`;
    const joins = infoJoins(a.expr, a.infoJoin?.metric);
    for (const j of joins) {
      const keep = Object.keys(a.outputLabels).filter((l) => !j.labels.includes(l));
      if (j.problem)
        problems.push({
          subject,
          message: `joins the info series ${j.metric} for (${j.labels.join(', ')}), but ${j.problem}; ${fix(j, keep.join(', '))}`,
        });
      if (!a.infoJoin)
        problems.push({
          subject,
          message: `joins the info series ${j.metric}; declare infoJoin: { metric: '${j.metric}', labels: [${j.labels.map((l) => `'${l}'`).join(', ')}] } so klaxon test proves it fires without it`,
        });
    }
    const declared = a.infoJoin;
    if (!declared) continue;
    const mine = joins.find((j) => j.metric === declared.metric);
    if (!mine)
      problems.push({
        subject,
        message: `declares infoJoin on ${declared.metric}, but its expression has no group_left/group_right join on it; fix the expression or remove infoJoin`,
      });
    else if ([...mine.labels].sort().join() !== [...declared.labels].sort().join())
      problems.push({
        subject,
        message: `infoJoin.labels (${declared.labels.join(', ')}) differ from the labels the join copies (${mine.labels.join(', ')}); make them the same`,
      });
  }
  return problems;
}
