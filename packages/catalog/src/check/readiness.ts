/**
 * Checks `klaxon check` runs over the files `klaxon build` wrote, where no real tool can run here:
 * the Alloy config against the Alloy grammar, and the Prometheus 3 readiness lint over every PromQL
 * rule file (a YAML file with `groups`, Loki's aside), the dashboards, alertmanager.yml, the
 * kube-prometheus-stack values, the ServiceMonitors and every Prometheus config (a YAML file with
 * scrape_configs, alerting or remote_write) in the build.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { AlertmanagerConfig } from '../compile/alertmanager.ts';
import type { PromRuleGroup } from '../compile/rules.ts';
import type { Catalog } from '../model/alert.ts';
import { alloyErrors } from './alloy.ts';
import type { Problem } from './policy.ts';
import { prometheus3Findings, prometheus3Problems, type BuildOutputs } from './prometheus3-config.ts';

/** Folders of a build that hold no Prometheus config (promtool tests, dashboards, runbooks). */
const NOT_CONFIG = new Set(['tests', 'grafana', 'runbooks']);
/** A build's config files are small; a bigger one is not ours to lint. */
const MAX_FILE = 2_000_000;

function yamlFiles(dir: string, depth = 0): string[] {
  if (!existsSync(dir) || depth > 3) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory())
      return depth === 0 && NOT_CONFIG.has(name) ? [] : yamlFiles(full, depth + 1);
    return /\.ya?ml$/.test(name) && statSync(full).size <= MAX_FILE ? [full] : [];
  });
}

/** Loki's rules are LogQL, not PromQL. */
const NOT_PROMQL = new Set(['loki']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A block-style YAML document with a top-level key scan() looks for. */
const TOP_LEVEL_KEY = /^["']?(scrape_configs|alerting|remote_write|groups)["']?\s*:/m;

/** The Prometheus configs and PromQL rule files of a build, by path inside it. */
function scan(outDir: string): Pick<BuildOutputs, 'prometheusConfigs' | 'ruleFiles'> {
  const configs: Record<string, Json> = {};
  const rules: NonNullable<BuildOutputs['ruleFiles']> = {};
  for (const file of yamlFiles(outDir)) {
    const text = readFileSync(file, 'utf8');
    // Parsing is most of check's own time: skip files (CRDs, values) without such a top-level key.
    if (!TOP_LEVEL_KEY.test(text) && !text.trimStart().startsWith('{')) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      continue; // multi-document Kubernetes files: neither a Prometheus config nor a rule file
    }
    const path = relative(outDir, file);
    if (!isObject(doc)) continue;
    if (['scrape_configs', 'alerting', 'remote_write'].some((k) => k in doc)) configs[path] = doc;
    if (Array.isArray(doc.groups) && !NOT_PROMQL.has(path.split(sep)[0]!))
      rules[path] = { groups: doc.groups as PromRuleGroup[] };
  }
  // Rules next to a Prometheus config are evaluated by it, over what it scrapes.
  for (const [path, r] of Object.entries(rules)) {
    const config = Object.entries(configs).find(([c]) => dirname(c) === dirname(path))?.[1];
    const interval = isObject(config?.global) ? config.global.scrape_interval : undefined;
    if (typeof interval === 'string') r.scrapeInterval = interval;
  }
  return { prometheusConfigs: configs, ruleFiles: rules };
}

export function checkBuildOutputs(catalog: Catalog, outDir: string): Problem[] {
  const problems: Problem[] = [];
  const alloy = join(outDir, 'alloy', 'config.alloy');
  for (const e of alloyErrors(readFileSync(alloy, 'utf8')))
    problems.push({
      subject: `${relative(outDir, alloy)}:${e.line}:${e.column}`,
      message: `Alloy syntax: ${e.message}`,
    });
  const read = (path: string) => parse(readFileSync(join(outDir, path), 'utf8')) as unknown;
  const monitors = join(outDir, 'kubernetes', 'servicemonitors.yml');
  const findings = prometheus3Findings(catalog, {
    alertmanager: read('alertmanager/alertmanager.yml') as AlertmanagerConfig,
    values: read('helm/kube-prometheus-stack.values.yaml'),
    serviceMonitors: existsSync(monitors)
      ? parseAllDocuments(readFileSync(monitors, 'utf8')).map((d) => d.toJS() as unknown)
      : [],
    ...scan(outDir),
  });
  return [...problems, ...prometheus3Problems(findings)];
}
