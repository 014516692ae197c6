/**
 * `klaxon check` for dashboards: every panel and variable query parses as PromQL, reads only metrics of
 * the contract (or a recording rule, or one Prometheus and the engine write themselves), uses only
 * variables the dashboard defines, and every deep-link target exists with the variables the link passes.
 */
import type { DashboardSpec } from '../dashboards/build.ts';
import type { Problem } from './policy.ts';
import { checkPromql } from './promql.ts';

/** Grafana's own variables, which every dashboard has. */
const BUILTIN = new Set(['__rate_interval', '__interval', '__range', '__range_s', '__interval_ms', '__all']);
/** Series Prometheus and the engine write themselves. */
const OWN = /^(ALERTS|ALERTS_FOR_STATE|up|klaxon_[a-z0-9_]+)$/;

export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

interface PanelJson {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: PanelJson[];
}

/** Every Prometheus query of every panel (rows included). */
export function panelQueries(specs: readonly DashboardSpec[]): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const s of specs) {
    const visit = (p: PanelJson) => {
      for (const t of p.targets ?? [])
        if (t.expr) out.push({ dashboard: s.uid, panel: p.title ?? '(untitled)', expr: t.expr });
      for (const c of p.panels ?? []) visit(c);
    };
    for (const p of (s.dashboard.panels ?? []) as PanelJson[]) visit(p);
  }
  return out;
}

/**
 * A Grafana variable reference: `${name}`, `${name:format}`, `$name` or `[[name]]`. A `$` and digits is
 * not one: it is a capture group in `label_replace`'s replacement (`"$1"`), which Grafana leaves as it is.
 */
const VARIABLE = /\$\{(\w+)(?::\w+)?\}|\$([A-Za-z_]\w*)|\[\[(\w+)\]\]/g;

/** The variables an expression uses: `$name`, `${name}`, `[[name]]`. */
export function usedVariables(expr: string): string[] {
  return [...expr.matchAll(VARIABLE)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

/** The expression with Grafana's variables replaced by values PromQL accepts, for parsing and running. */
export function substituteVariables(expr: string, rangeInterval = '5m'): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, rangeInterval).replace(VARIABLE, '.*');
}

export interface DeepLink {
  /** Where the link is defined, for messages. */
  from: string;
  uid: string;
  variables?: string[];
}

export function checkDashboards(
  specs: readonly DashboardSpec[],
  known: ReadonlySet<string>,
  links: readonly DeepLink[] = [],
): Problem[] {
  const problems: Problem[] = [];
  const byUid = new Map<string, DashboardSpec>();
  for (const s of specs) {
    if (byUid.has(s.uid))
      problems.push({
        subject: `dashboard ${s.uid}`,
        message: 'duplicate UID; every dashboard needs its own',
      });
    if (s.uid.length > 40)
      problems.push({
        subject: `dashboard ${s.uid}`,
        message: 'Grafana UIDs are at most 40 characters; shorten it',
      });
    byUid.set(s.uid, s);
  }
  const check = (subject: string, expr: string, defined: ReadonlySet<string>) => {
    for (const v of usedVariables(expr))
      if (!BUILTIN.has(v) && !defined.has(v))
        problems.push({
          subject,
          message: `uses variable $${v}, which the dashboard does not define; add it or fix the name`,
        });
    const q = checkPromql(substituteVariables(expr));
    for (const e of q.errors)
      problems.push({
        subject,
        message: `invalid PromQL at line ${e.line}, column ${e.column} (near "${e.near}"); fix the query`,
      });
    for (const m of q.metrics)
      if (!known.has(m) && !OWN.test(m))
        problems.push({
          subject,
          message: `metric ${m} is not in the metrics contract nor a recording rule; fix the name`,
        });
  };
  for (const s of specs) {
    const vars = (s.dashboard.templating?.list ?? []) as { name?: string; query?: unknown }[];
    const defined = new Set(vars.map((v) => v.name ?? ''));
    for (const v of vars) {
      const query =
        typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
      const m = query ? /^label_values\((.*),\s*\w+\)$/.exec(query) : null;
      if (m) check(`dashboard ${s.uid}: variable ${v.name}`, m[1]!, defined);
    }
  }
  for (const s of specs)
    for (const a of (s.dashboard.annotations?.list ?? []) as { name?: string; expr?: string }[])
      if (a.expr) check(`dashboard ${s.uid}: annotation "${a.name ?? ''}"`, a.expr, new Set());
  for (const q of panelQueries(specs)) {
    const s = byUid.get(q.dashboard)!;
    const defined = new Set(
      ((s.dashboard.templating?.list ?? []) as { name?: string }[]).map((v) => v.name ?? ''),
    );
    check(`dashboard ${q.dashboard}: panel "${q.panel}"`, q.expr, defined);
  }
  for (const l of links) {
    const target = byUid.get(l.uid);
    if (!target) {
      problems.push({
        subject: l.from,
        message: `links to dashboard ${l.uid}, which does not exist; use one of ${[...byUid.keys()].join(', ')}`,
      });
      continue;
    }
    for (const v of l.variables ?? [])
      if (!target.variables.includes(v))
        problems.push({
          subject: l.from,
          message: `passes var-${v} to dashboard ${l.uid}, which has no variable ${v}; it has ${target.variables.join(', ') || 'none'}`,
        });
  }
  return problems;
}

/** The deep links the catalog itself makes: each alert's runbook opens `klaxon-<service>`. */
export function catalogLinks(alerts: readonly { name: string; service: string }[]): DeepLink[] {
  return alerts.map((a) => ({ from: `alert ${a.name} (runbook link)`, uid: `klaxon-${a.service}` }));
}
