/**
 * Where the rules and the routing come from: the seed catalog, a catalog module (a .ts file, as
 * `klaxon build --catalog` takes), or a directory that `klaxon build` wrote (prometheus/*.rules.yml and
 * alertmanager/alertmanager.yml). Also the alerting rules as the backtest evaluates them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  compileAlertmanager,
  compileRuleGroups,
  loadCatalog,
  type AlertmanagerConfig,
  type Catalog,
} from '@klaxon/catalog';
import { tierOf } from '@klaxon/engine';
import { BacktestInputError, durationOf } from './time.ts';
import type { CompiledCatalog, RuleGroupInput, Tier } from './types.ts';

export function compileCatalog(catalog: Catalog, label: string): CompiledCatalog {
  return {
    label,
    groups: compileRuleGroups(catalog),
    alertmanager: compileAlertmanager(catalog, { target: 'klaxon', klaxonKey: 'backtest' }),
  };
}

function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BacktestInputError(
      'bad_catalog',
      `${file}: not readable YAML (${(err as Error).message.split('\n')[0]}); rebuild it with klaxon build`,
    );
  }
}

/** A directory written by `klaxon build`. */
export function readBuildDir(dir: string): CompiledCatalog {
  const rulesDir = join(dir, 'prometheus');
  const amFile = join(dir, 'alertmanager', 'alertmanager.yml');
  if (!existsSync(rulesDir) || !existsSync(amFile))
    throw new BacktestInputError(
      'bad_catalog',
      `${dir}: not a klaxon build directory (it needs prometheus/*.rules.yml and alertmanager/alertmanager.yml); run klaxon build --out ${dir} first, or pass a catalog .ts file`,
    );
  const groups: RuleGroupInput[] = [];
  for (const f of readdirSync(rulesDir)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    const doc = readYaml(join(rulesDir, f)) as { groups?: unknown };
    if (!doc || !Array.isArray(doc.groups))
      throw new BacktestInputError(
        'bad_catalog',
        `${join(rulesDir, f)}: no "groups:" list; is it a rule file?`,
      );
    groups.push(...(doc.groups as RuleGroupInput[]));
  }
  const am = readYaml(amFile) as AlertmanagerConfig | null;
  if (!am || typeof am !== 'object' || !am.route)
    throw new BacktestInputError('bad_catalog', `${amFile}: no "route:"; is it an Alertmanager config?`);
  return { label: dir, groups, alertmanager: am };
}

/** `--catalog` / `--baseline`: absent → the seed; a directory → a build; a file → a catalog module. */
export async function loadCompiled(arg: string | undefined): Promise<CompiledCatalog> {
  if (!arg) return compileCatalog(await loadCatalog(), 'seed catalog');
  if (existsSync(arg) && statSync(arg).isDirectory()) return readBuildDir(arg);
  try {
    return compileCatalog(await loadCatalog(arg), arg);
  } catch (err) {
    throw new BacktestInputError('bad_catalog', (err as Error).message);
  }
}

export interface RuleSpec {
  alert: string;
  tier: Tier;
  group: string;
  expr: string;
  for: string | null;
  keepFiringFor: string | null;
  forMs: number;
  keepFiringForMs: number;
  intervalMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Every alerting rule, with its group's evaluation interval (`defaultIntervalMs` when the group has none). */
export function alertingRules(c: CompiledCatalog, defaultIntervalMs: number): RuleSpec[] {
  const out: RuleSpec[] = [];
  for (const [gi, g] of c.groups.entries()) {
    const where = `${c.label}: groups[${gi}] (${g.name})`;
    const intervalMs = g.interval ? durationOf(g.interval, `${where}.interval`) : defaultIntervalMs;
    for (const r of g.rules) {
      if (!r.alert) continue;
      const raw = r as typeof r & { keep_firing_for?: string };
      const labels = { ...(r.labels ?? {}) };
      out.push({
        alert: r.alert,
        tier: tierOf(labels, 'T2'),
        group: g.name,
        expr: r.expr,
        for: r.for ?? null,
        keepFiringFor: raw.keep_firing_for ?? null,
        forMs: r.for ? durationOf(r.for, `${where} ${r.alert}.for`) : 0,
        keepFiringForMs: raw.keep_firing_for
          ? durationOf(raw.keep_firing_for, `${where} ${r.alert}.keep_firing_for`)
          : 0,
        intervalMs,
        labels,
        annotations: { ...(r.annotations ?? {}) },
      });
    }
  }
  return out;
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
  'atan2',
  'start',
  'end',
]);

/** The metric names a PromQL expression selects (best effort: `{__name__=~…}` selectors are not named). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()/g)) {
    const n = m[1]!;
    if (!KEYWORDS.has(n.toLowerCase())) names.add(n);
  }
  return [...names];
}
