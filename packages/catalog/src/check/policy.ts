/**
 * The tier policy, enforced before anything reaches Prometheus: every alert has its labels, annotations
 * and runbook; names are unique; a T1 without `for:` says it is immediate; the PromQL parses; every metric
 * is in the contract (or declared); and no T3 route reaches a paging receiver.
 */
import type { AlertmanagerConfig, AmRoute } from '../compile/alertmanager.ts';
import { isPagingReceiver } from '../compile/alertmanager.ts';
import type { Catalog } from '../model/alert.ts';
import { checkEnvironments } from '../compile/environments.ts';
import { checkPromql } from './promql.ts';

export interface Problem {
  /** The alert (or route) the problem is about. */
  subject: string;
  message: string;
}

const NAME = /^[A-Z][A-Za-z0-9]*$/;

export function checkCatalog(catalog: Catalog, contract: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  // Recording rules are metrics too, for the alerts that read them.
  const known = new Set([...contract, ...catalog.recordingRules.map((r) => r.record)]);
  for (const r of catalog.recordingRules) {
    const q = checkPromql(r.expr);
    for (const e of q.errors) {
      problems.push({
        subject: `recording rule ${r.record}`,
        message: `invalid PromQL at line ${e.line}, column ${e.column} (near "${e.near}"); fix the expression`,
      });
    }
    for (const m of q.metrics) {
      if (!known.has(m)) {
        problems.push({
          subject: `recording rule ${r.record}`,
          message: `metric ${m} is not in the metrics contract nor declared; fix the name or declare it`,
        });
      }
    }
  }
  const seen = new Set<string>();
  for (const a of catalog.alerts) {
    const where = a.source ?? `packages/catalog/src/seed/${a.group}.ts`;
    const p = (message: string) =>
      problems.push({ subject: `${where}: alert ${a.name || '(unnamed)'}`, message });
    if (!NAME.test(a.name)) p('the name must be CamelCase, e.g. KafkaConsumerLag');
    if (seen.has(a.name)) p('duplicate alert name; every alert name must be unique');
    seen.add(a.name);
    for (const field of ['summary', 'description', 'team', 'service'] as const) {
      if (!a[field]?.trim()) p(`missing ${field}; add it to the definition`);
    }
    const rb = a.runbook as Partial<typeof a.runbook> | undefined;
    if (!rb || !rb.meaning?.trim() || !rb.impact?.trim() || !rb.diagnosis?.length || !rb.mitigation?.length) {
      p(
        'missing runbook: give runbook.meaning, runbook.impact, runbook.diagnosis[] and runbook.mitigation[]',
      );
    }
    if (/\$value/.test(a.summary + a.description))
      p('summary and description may use {{ $labels.* }} but not $value (it changes every evaluation)');
    if (a.thresholds.length === 0) p('no thresholds; give at least one { tier, op, value, for }');
    for (const t of a.thresholds) {
      if (t.tier === 'T1' && /^0[smh]?$/.test(t.for) && !a.immediate) {
        p(
          `the T1 threshold has no for:; give it one, or mark the alert immediate: true if it must fire on the first evaluation`,
        );
      }
    }
    const q = checkPromql(a.expr);
    for (const e of q.errors)
      p(`invalid PromQL at line ${e.line}, column ${e.column} (near "${e.near}"); fix the expression`);
    for (const m of q.metrics) {
      if (!known.has(m))
        p(
          `metric ${m} is not in the metrics contract (shared/reference/metrics.md) nor declared; fix the name or declare it`,
        );
    }
  }
  for (const message of checkEnvironments(catalog.environments ?? []))
    problems.push({ subject: 'environments', message });
  return problems;
}

function walk(route: AmRoute, visit: (r: AmRoute) => void): void {
  visit(route);
  for (const child of route.routes ?? []) walk(child, visit);
}

/** No route that matches T3 may send to a paging receiver. */
export function checkAlertmanagerPolicy(config: AlertmanagerConfig): Problem[] {
  const receivers = new Map(config.receivers.map((r) => [r.name, r]));
  const problems: Problem[] = [];
  walk(config.route, (r) => {
    const t3 = (r.matchers ?? []).some((m) => /^tier\s*=~?\s*"?[^"]*T3/.test(m));
    const receiver = r.receiver ? receivers.get(r.receiver) : undefined;
    if (t3 && receiver && isPagingReceiver(receiver)) {
      problems.push({
        subject: `route ${r.matchers?.join(',') ?? ''}`,
        message: `T3 is advisory and never pages, but this route sends it to receiver "${receiver.name}", which pages; route T3 to Slack or email`,
      });
    }
  });
  return problems;
}
