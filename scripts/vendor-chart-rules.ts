/**
 * Vendors kube-prometheus-stack's default alerting rules and its default values.yaml at a pinned chart
 * version, from a git snapshot of prometheus-community/helm-charts, so the catalog can compute the merged
 * rule set (ours plus the chart's) without Helm or a network:
 *
 *   npx tsx scripts/vendor-chart-rules.ts <helm-charts git dir> [commit, default HEAD]
 *
 * Writes packages/catalog/src/vendor/kube-prometheus-stack.gen.ts (per rule group: the values key that
 * gates it, whether it renders with the default values, and each alert's name, severity, `for` and expr)
 * and packages/catalog/test-data/kube-prometheus-stack-<version>/values.yaml with a README naming the
 * source. Re-run it with a newer snapshot to move the pin; the tests then show what changed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

const CHART = 'charts/kube-prometheus-stack';
const RULES_DIR = `${CHART}/templates/prometheus/rules-1.14`;
const REPO = 'https://github.com/prometheus-community/helm-charts';
const ROOT = resolve(import.meta.dirname, '..');

interface Alert {
  alert: string;
  severity: string;
  for?: string;
  expr: string;
}
interface Group {
  valuesKey: string;
  name: string;
  file: string;
  requires: string[];
  enabledByDefault: boolean;
  alerts: Alert[];
}

const [gitDir, commitArg] = process.argv.slice(2);
if (!gitDir) {
  console.error('usage: npx tsx scripts/vendor-chart-rules.ts <helm-charts git dir> [commit]');
  process.exit(2);
}
const git = (...args: string[]) =>
  execFileSync('git', ['-C', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const commit = git('rev-parse', commitArg ?? 'HEAD').trim();
const show = (path: string) => git('show', `${commit}:${path}`);

const chart = parse(show(`${CHART}/Chart.yaml`)) as { name: string; version: string; appVersion: string };
const valuesText = show(`${CHART}/values.yaml`);
const values = parse(valuesText) as Record<string, unknown>;

function valueAt(path: string): unknown {
  let v: unknown = values;
  for (const k of path.split('.'))
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** The chart's default for a scalar value; throws when it is not one. */
function scalarAt(path: string): string {
  const v = valueAt(path);
  if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`values.yaml: ${path} is not a scalar`);
  return String(v);
}

/** Template variables of the rule expressions, resolved as the chart does for the release "kube-prometheus-stack" in "monitoring". */
const VARIABLES: Record<string, string> = {
  kubeStateMetricsJob: 'kube-state-metrics',
  kubeApiserverJob: 'apiserver',
  kubeletJob: 'kubelet',
  kubeSchedulerJob: 'kube-scheduler',
  kubeProxyJob: 'kube-proxy',
  kubeControllerManagerJob: 'kube-controller-manager',
  prometheusJob: 'kube-prometheus-stack-prometheus',
  alertmanagerJob: 'kube-prometheus-stack-alertmanager',
  operatorJob: 'kube-prometheus-stack-operator',
  namespace: 'monitoring',
  namespaceOperator: scalarAt('defaultRules.appNamespacesOperator'),
  targetNamespace: scalarAt('defaultRules.appNamespacesTarget'),
};

function cleanExpr(text: string, where: string): string {
  const out = text
    .replaceAll('{{ range $.Values.defaultRules.additionalAggregationLabels }}{{ . }},{{ end }}', '')
    .replace(/\{\{ \$?\.Values\.([\w.]+) \}\}/g, (_m, path: string) => scalarAt(path))
    .replace(/\{\{ \$(\w+) \}\}/g, (m, name: string) => {
      if (!Object.hasOwn(VARIABLES, name)) throw new Error(`${where}: unknown template variable ${m}`);
      return VARIABLES[name]!;
    })
    .replaceAll('{{`{{`}}', '{{')
    .replaceAll('{{`}}`}}', '}}');
  if (out.includes('{{')) throw new Error(`${where}: templating left in the expr: ${out}`);
  return out;
}

/** `{{ dig "Name" "for" "15m" .Values.customRules }}` → 15m (the chart's default); a literal stays. */
function digDefault(raw: string): string {
  const m = /\{\{ dig "[^"]+" "[^"]+" "([^"]*)" \.Values\.customRules \}\}/.exec(raw);
  return (m ? m[1]! : raw).replace(/^"(.*)"$/, '$1');
}

function parseFile(file: string): Group[] {
  const lines = show(file).split('\n');
  const gate = lines.find((l) => l.startsWith('{{- if and (semverCompare'));
  if (!gate) throw new Error(`${file}: no gate line`);
  const valuesKey = /\.Values\.defaultRules\.rules\.(\w+)/.exec(gate)?.[1];
  if (!valuesKey) throw new Error(`${file}: no defaultRules.rules key in ${gate}`);
  const requires = [...gate.matchAll(/ \.Values\.(\w+)\.enabled/g)].map((m) => `${m[1]}.enabled`);
  const enabledByDefault =
    valueAt('defaultRules.create') === true &&
    valueAt(`defaultRules.rules.${valuesKey}`) === true &&
    requires.every((p) => valueAt(p) === true);
  const groups: Group[] = [];
  let alert: Partial<Alert> | undefined;
  const flush = () => {
    if (!alert) return;
    const where = `${file} ${alert.alert}`;
    if (alert.expr === undefined || alert.severity === undefined)
      throw new Error(`${where}: no expr or severity`);
    groups.at(-1)!.alerts.push(alert as Alert);
    alert = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const group = /^ {2}- name: (.+)$/.exec(line);
    if (group) {
      flush();
      groups.push({ valuesKey, name: group[1]!.trim(), file, requires, enabledByDefault, alerts: [] });
      continue;
    }
    if (/^ {4}- (record|alert): /.test(line)) flush();
    const name = /^ {4}- alert: (\w+)$/.exec(line);
    if (name) alert = { alert: name[1]! };
    if (!alert) continue;
    const expr = /^ {6}expr: (.*)$/.exec(line);
    if (expr) {
      let text = expr[1]!;
      if (text === '|-' || text === '|') {
        const body: string[] = [];
        while (i + 1 < lines.length && /^ {8}|^\s*$/.test(lines[i + 1]!)) body.push(lines[++i]!.slice(8));
        text = body.join('\n').trimEnd();
      }
      alert.expr = cleanExpr(text, `${file} ${alert.alert}`);
    }
    const dur = /^ {6}for: (.+)$/.exec(line);
    if (dur) alert.for = digDefault(dur[1]!.trim());
    const severity = /^ {8}severity: (.+)$/.exec(line);
    if (severity) alert.severity = digDefault(severity[1]!.trim());
  }
  flush();
  return groups;
}

const files = git('ls-tree', '--name-only', commit, `${RULES_DIR}/`)
  .split('\n')
  .filter((f) => f.endsWith('.yaml'));
const groups = files.flatMap(parseFile).filter((g) => g.alerts.length > 0);

const source = {
  chart: chart.name,
  version: chart.version,
  appVersion: chart.appVersion,
  repo: REPO,
  commit,
  rules: RULES_DIR,
  values: `${CHART}/values.yaml`,
};
const header = `/**
 * GENERATED by scripts/vendor-chart-rules.ts. DO NOT EDIT: re-run the script on a newer snapshot instead.
 *
 * The default alerting rules of the Helm chart ${chart.name} ${chart.version} (operator ${chart.appVersion}),
 * from ${REPO} at commit ${commit},
 * ${RULES_DIR}/*.yaml, rendered with the chart's default values (release "kube-prometheus-stack" in
 * "monitoring"): ${groups.length} groups, ${groups.reduce((n, g) => n + g.alerts.length, 0)} alerting rules. Recording rules are left out.
 */
import type { ChartRuleGroup, ChartSource } from '../model/chart.ts';
`;
const body = `
export const KUBE_PROMETHEUS_STACK_SOURCE: ChartSource = ${JSON.stringify(source, null, 2)};

export const KUBE_PROMETHEUS_STACK_RULES: readonly ChartRuleGroup[] = ${JSON.stringify(groups, null, 2)};
`;
const outTs = join(ROOT, 'packages/catalog/src/vendor/kube-prometheus-stack.gen.ts');
mkdirSync(join(ROOT, 'packages/catalog/src/vendor'), { recursive: true });
writeFileSync(outTs, await format(header + body, { ...(await resolveConfig(outTs)), filepath: outTs }));

const dataDir = join(ROOT, `packages/catalog/test-data/kube-prometheus-stack-${chart.version}`);
mkdirSync(dataDir, { recursive: true });
writeFileSync(join(dataDir, 'values.yaml'), valuesText);
writeFileSync(
  join(dataDir, 'README.md'),
  `# kube-prometheus-stack ${chart.version} default values

\`values.yaml\` is the chart's default values file, unchanged: ${REPO}/blob/${commit}/${CHART}/values.yaml
(chart ${chart.name} ${chart.version}, operator ${chart.appVersion}). The values validation test checks that every key
path Klaxon generates exists here. Written by \`scripts/vendor-chart-rules.ts\` with the rules in
\`src/vendor/kube-prometheus-stack.gen.ts\`; do not edit, re-run the script.
`,
);
console.log(`${chart.name} ${chart.version} @ ${commit.slice(0, 12)}: ${groups.length} groups → ${outTs}`);
