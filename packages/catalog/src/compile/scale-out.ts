/**
 * The global view, compiled: a global Prometheus that federates only the catalog's recording rules from
 * the local ones and evaluates the T1 rules that read nothing else, and kube-prometheus-stack values
 * that remote_write the same series (and ALERTS) to Thanos Receive or Mimir. Plain data; write.ts makes
 * the files.
 */
import { checkPromql } from '../check/promql.ts';
import type { AlertDefinition, Catalog } from '../model/alert.ts';
import type { Federation, RemoteWrite } from '../model/scale-out.ts';
import { mergeValues } from './environments.ts';
import { alertRule, type PromRuleGroup } from './rules.ts';

/** The global Prometheus's scrape job that pulls `/federate` from each local one. */
export const FEDERATION_JOB = 'federate';

/** The rule file beside the global config (`rule_files` resolves relative to the config file). */
export const GLOBAL_RULES_FILE = 'global.rules.yml';

/** The recorded series the global view reads, in catalog order, without repeats. */
export function federatedRecords(catalog: Pick<Catalog, 'recordingRules'>): string[] {
  return [...new Set(catalog.recordingRules.map((r) => r.record))];
}

/**
 * The alerts whose expressions read recorded series only (parsed with Prometheus's own grammar), so a
 * Prometheus that holds nothing but the recording rules evaluates them exactly as the local one does.
 */
export function recordedOnlyAlerts(catalog: Catalog): AlertDefinition[] {
  const records = new Set(federatedRecords(catalog));
  return catalog.alerts.filter((a) => {
    const q = checkPromql(a.expr);
    return q.errors.length === 0 && q.metrics.length > 0 && q.metrics.every((m) => records.has(m));
  });
}

/**
 * The global rule file: the T1 thresholds of the recorded-only alerts, as compiled for the local
 * Prometheus, plus `view: global` so routing can tell them from the locals' copies of the same alert.
 */
export function globalRuleGroups(
  catalog: Catalog,
  federation: Federation,
): (PromRuleGroup & { interval: string })[] {
  const rules = recordedOnlyAlerts(catalog).flatMap((a) =>
    a.thresholds
      .filter((t) => t.tier === 'T1')
      .map((t) => {
        const rule = alertRule(catalog, a, t);
        return { ...rule, labels: { ...rule.labels, view: 'global' } };
      }),
  );
  return [{ name: 'klaxon-global', interval: federation.interval, rules }];
}

/** `match[]` selectors: one per recorded series, nothing raw. */
export function federationMatchers(catalog: Pick<Catalog, 'recordingRules'>): string[] {
  return federatedRecords(catalog).map((r) => `{__name__="${r}"}`);
}

/** The global Prometheus's prometheus.yml: federate the recording rules, evaluate the global rules. */
export function globalPrometheusConfig(catalog: Catalog, federation: Federation): Record<string, unknown> {
  return {
    global: {
      scrape_interval: federation.interval,
      evaluation_interval: federation.interval,
      ...(federation.externalLabels ? { external_labels: federation.externalLabels } : {}),
    },
    rule_files: [GLOBAL_RULES_FILE],
    ...(federation.alertmanagers?.length
      ? { alerting: { alertmanagers: [{ static_configs: [{ targets: federation.alertmanagers }] }] } }
      : {}),
    scrape_configs: [
      {
        job_name: FEDERATION_JOB,
        scrape_interval: federation.interval,
        // The locals' labels (their external labels included) win over job/instance of this job.
        honor_labels: true,
        metrics_path: '/federate',
        params: { 'match[]': federationMatchers(catalog) },
        static_configs: [{ targets: federation.targets }],
      },
    ],
  };
}

/**
 * What the long-term store keeps of each local Prometheus: the recording rules (the global view's
 * input) and ALERTS (what fired where, for history and reports). ALERTS_FOR_STATE is only the local
 * Prometheus's own `for:` restore state, and raw series are what the local Prometheus is for.
 */
export function remoteWriteKeep(catalog: Pick<Catalog, 'recordingRules'>): string[] {
  return [...federatedRecords(catalog), 'ALERTS'];
}

/** The tenant header each store reads. */
function tenantHeaders(rw: RemoteWrite): Record<string, string> {
  if (rw.kind === 'mimir') return { 'X-Scope-OrgID': rw.tenant ?? 'anonymous' };
  return rw.tenant ? { 'THANOS-TENANT': rw.tenant } : {};
}

/** kube-prometheus-stack values: `prometheus.prometheusSpec.remoteWrite`, merged over the others. */
export function remoteWriteValues(
  catalog: Pick<Catalog, 'recordingRules'>,
  rw: RemoteWrite,
): Record<string, unknown> {
  const headers = tenantHeaders(rw);
  const keep = remoteWriteKeep(catalog).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return {
    prometheus: {
      prometheusSpec: {
        remoteWrite: [
          {
            name: `klaxon-${rw.kind}`,
            url: rw.url,
            ...(Object.keys(headers).length > 0 ? { headers } : {}),
            writeRelabelConfigs: [{ sourceLabels: ['__name__'], regex: keep.join('|'), action: 'keep' }],
          },
        ],
      },
    },
  };
}

/** The chart values with the catalog's remote_write, when it sets one. */
export function withRemoteWrite(catalog: Catalog, values: Record<string, unknown>): Record<string, unknown> {
  const rw = catalog.scaleOut?.remoteWrite;
  return rw ? mergeValues(values, remoteWriteValues(catalog, rw)) : values;
}
