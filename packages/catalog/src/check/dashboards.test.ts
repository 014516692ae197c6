import { describe, expect, it } from 'vitest';
import { dashboard, timeseries } from '../dashboards/build.ts';
import { seedDashboards } from '../dashboards/dashboards.ts';
import {
  dashboardConfigMaps,
  dashboardProvisioning,
  datasourceProvisioning,
  DEFAULT_GRAFANA,
} from '../compile/grafana.ts';
import { CONTRACT_METRICS, DECLARED_METRICS } from '../contract.ts';
import { seedCatalog } from '../seed/index.ts';
import {
  catalogLinks,
  checkDashboards,
  panelQueries,
  substituteVariables,
  usedVariables,
} from './dashboards.ts';

const catalog = seedCatalog();
const known = new Set([
  ...CONTRACT_METRICS,
  ...DECLARED_METRICS,
  ...catalog.recordingRules.map((r) => r.record),
]);

describe('dashboards', () => {
  it('the seed dashboards pass every check, and every alert’s runbook link has its dashboard', () => {
    const specs = seedDashboards();
    expect(checkDashboards(specs, known, catalogLinks(catalog.alerts))).toEqual([]);
    expect(specs.map((s) => s.uid)).toEqual(
      expect.arrayContaining([
        'klaxon-overview',
        'klaxon-kafka',
        'klaxon-bedrock',
        'klaxon-cost',
        'klaxon-incident-timeline',
        'klaxon-product',
      ]),
    );
    expect(new Set(specs.map((s) => s.folder))).toEqual(new Set(['Operations', 'ML', 'Product']));
    expect(panelQueries(specs).length).toBeGreaterThan(80);
  });

  it('lays every dashboard out on Grafana’s 24-column grid without overlapping panels', () => {
    for (const s of seedDashboards()) {
      const boxes = (s.dashboard.panels ?? []).map((p) => p.gridPos!);
      for (const [i, a] of boxes.entries()) {
        expect(a.x + a.w, s.uid).toBeLessThanOrEqual(24);
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${s.uid}: ${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`).toBe(false);
        }
      }
    }
  });

  it('names the dashboard, the panel and the fix for each kind of mistake', () => {
    const bad = dashboard({
      uid: 'klaxon-bad',
      title: 'Bad',
      folder: 'Operations',
      purpose: 'test',
      variables: { topic: 'label_values(kafka_topic_partitions, topic)' },
      items: [
        timeseries('typo', ['sum(kafka_consumergroup_lagg)']),
        timeseries('undefined variable', ['max(kafka_consumergroup_lag_sum{consumergroup=~"$group"})']),
        timeseries('syntax', ['sum(rate(kafka_brokers[5m])']),
        timeseries('fine', [
          `sum by (topic) (rate(kafka_topic_partition_current_offset{topic=~"$topic"}[$__rate_interval]))`,
        ]),
      ],
    });
    const problems = checkDashboards([bad], known, [
      { from: 'services[0].dashboard', uid: 'klaxon-nope' },
      { from: 'services[1].dashboard', uid: 'klaxon-bad', variables: ['topic', 'partition'] },
    ]);
    expect(problems).toEqual([
      {
        subject: 'dashboard klaxon-bad: panel "typo"',
        message: expect.stringContaining('metric kafka_consumergroup_lagg is not in the metrics contract'),
      },
      {
        subject: 'dashboard klaxon-bad: panel "undefined variable"',
        message: expect.stringContaining('uses variable $group, which the dashboard does not define'),
      },
      { subject: 'dashboard klaxon-bad: panel "syntax"', message: expect.stringContaining('invalid PromQL') },
      {
        subject: 'services[0].dashboard',
        message: expect.stringContaining('links to dashboard klaxon-nope, which does not exist'),
      },
      {
        subject: 'services[1].dashboard',
        message: expect.stringContaining(
          'passes var-partition to dashboard klaxon-bad, which has no variable partition',
        ),
      },
    ]);
  });

  it('substitutes Grafana variables so queries parse and run', () => {
    expect(usedVariables('a{x=~"$topic", y="${region}"}[$__rate_interval]')).toEqual([
      'topic',
      'region',
      '__rate_interval',
    ]);
    expect(substituteVariables('rate(a{x=~"$topic"}[$__rate_interval])', '1m')).toBe('rate(a{x=~".*"}[1m])');
    // label_replace's capture group is PromQL, not a variable.
    const renamed = 'label_replace(a{m=~"$model"}, "to", "$1", "m", "(.*)")';
    expect(usedVariables(renamed)).toEqual(['model']);
    expect(substituteVariables(renamed)).toBe('label_replace(a{m=~".*"}, "to", "$1", "m", "(.*)")');
  });

  it('provisions one folder per persona and labels ConfigMaps for the kube-prometheus-stack sidecar', () => {
    const specs = seedDashboards();
    const maps = dashboardConfigMaps(specs, DEFAULT_GRAFANA) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      data: Record<string, string>;
    }[];
    expect(maps).toHaveLength(specs.length);
    for (const m of maps) {
      expect(m.metadata.labels.grafana_dashboard).toBe('1');
      expect(['Operations', 'ML', 'Product']).toContain(m.metadata.annotations.grafana_folder);
      const [json] = Object.values(m.data);
      expect((JSON.parse(json!) as { uid: string }).uid).toMatch(/^klaxon-/);
    }
    const prov = dashboardProvisioning(DEFAULT_GRAFANA) as {
      providers: { folder: string; options: { path: string } }[];
    };
    expect(prov.providers.map((p) => p.folder)).toEqual(['Operations', 'ML', 'Product']);
  });

  it('links Prometheus exemplars to the provisioned Tempo, and the SDK-fed latency panels ask for them', () => {
    const { datasources } = datasourceProvisioning({ ...DEFAULT_GRAFANA, tempoUrl: 'http://t:3200' }) as {
      datasources: { uid: string; type: string; url: string; jsonData?: Record<string, unknown> }[];
    };
    const uids = new Set(datasources.map((d) => d.uid));
    expect(datasources.find((d) => d.type === 'tempo')).toMatchObject({ uid: 'tempo', url: 'http://t:3200' });
    const prometheus = datasources.find((d) => d.type === 'prometheus')!;
    const links = prometheus.jsonData!.exemplarTraceIdDestinations as {
      name: string;
      datasourceUid: string;
    }[];
    expect(links).toEqual([{ name: 'trace_id', datasourceUid: 'tempo' }]);
    for (const l of links) expect(uids).toContain(l.datasourceUid);
    const withExemplars = seedDashboards().flatMap((s) =>
      (s.dashboard.panels ?? []).flatMap((p) =>
        ((p as { targets?: { exemplar?: boolean }[] }).targets ?? []).some((t) => t.exemplar)
          ? [`${s.uid} / ${p.title}`]
          : [],
      ),
    );
    expect(withExemplars.sort()).toEqual([
      'klaxon-bedrock / GenAI operation p95',
      'klaxon-narrative / Generation p95 by story type',
    ]);
  });
});
