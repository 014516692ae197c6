/**
 * Small builders over the Grafana Foundation SDK, so each dashboard reads as a list of what it shows:
 * a Prometheus datasource variable, label variables taken from alert labels, time-series and stat panels,
 * rows, and annotations. Everything built here is plain JSON in the end.
 */
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import {
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
} from '@grafana/grafana-foundation-sdk/common';
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardLinkBuilder,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * The provisioned datasource UIDs (grafana/provisioning/datasources.yml). Fixed, so links can name them:
 * Prometheus exemplars open their `trace_id` in `tempo`, and the engine's "traces" link goes there too.
 */
export const DATASOURCES = {
  prometheus: 'prometheus',
  loki: 'loki',
  alertmanager: 'alertmanager',
  tempo: 'tempo',
} as const;

/** Tags the engine puts on the annotations it pushes to Grafana (see docs/deployments.md). */
export const ANNOTATION_TAG = {
  all: 'klaxon',
  deployment: 'deployment',
  incident: 'incident',
} as const;

export type Folder = 'Operations' | 'ML' | 'Product';

export interface DashboardSpec {
  uid: string;
  title: string;
  folder: Folder;
  /** One sentence: who lands here and why. */
  purpose: string;
  /** Alert labels a deep link passes as `var-<label>`. */
  variables: string[];
  dashboard: Dashboard;
}

const PROM = { type: 'prometheus', uid: '${datasource}' };

export interface Query {
  expr: string;
  legend?: string;
  /** Also fetch the series' exemplars (trace ids), shown as points linked to Tempo. */
  exemplar?: boolean;
}

const q = (query: Query | string, i: number) => {
  const { expr, legend, exemplar } = typeof query === 'string' ? { expr: query } : query;
  let b = new DataqueryBuilder().expr(expr).refId(String.fromCharCode(65 + i));
  if (legend) b = b.legendFormat(legend);
  return exemplar ? b.exemplar(true) : b;
};

export interface PanelOpts {
  unit?: string;
  description?: string;
  min?: number;
  max?: number;
  /** Threshold lines drawn on the graph, e.g. the alert's T2 and T1 values. */
  thresholds?: { value: number; color: string }[];
  width?: number;
}

/** Green below the first step; Grafana's base step has no value (null in the JSON model). */
const thresholds = (steps: { value: number; color: string }[]) =>
  new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: 'green' }, ...steps]);

/** Grafana's built-in annotation query by tags (the `-- Grafana --` datasource). */
const byTags = (tags: string[]): Builder<Dataquery> => ({
  build: () => ({ type: 'tags', tags, matchAny: false, limit: 200 }) as unknown as Dataquery,
});

export function timeseries(title: string, queries: (Query | string)[], o: PanelOpts = {}): TimeseriesPanel {
  let p = new TimeseriesPanel()
    .title(title)
    .datasource(PROM)
    .unit(o.unit ?? 'short')
    .lineWidth(1)
    .fillOpacity(10)
    .span(o.width ?? 12)
    .height(8);
  if (o.description) p = p.description(o.description);
  if (o.min !== undefined) p = p.min(o.min);
  if (o.max !== undefined) p = p.max(o.max);
  if (o.thresholds) {
    p = p
      .thresholds(thresholds(o.thresholds))
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  queries.forEach((query, i) => (p = p.withTarget(q(query, i))));
  return p;
}

export function stat(title: string, query: Query | string, o: PanelOpts = {}): StatPanel {
  let p = new StatPanel()
    .title(title)
    .datasource(PROM)
    .unit(o.unit ?? 'short')
    .span(o.width ?? 6)
    .height(4)
    .withTarget(q(query, 0));
  if (o.description) p = p.description(o.description);
  if (o.thresholds) p = p.thresholds(thresholds(o.thresholds));
  return p;
}

export type Item = TimeseriesPanel | StatPanel | { row: string };

export interface DashboardInput {
  uid: string;
  title: string;
  folder: Folder;
  purpose: string;
  tags?: string[];
  /** Label variables: name → the `label_values(...)` query that lists its values. */
  variables?: Record<string, string>;
  items: Item[];
  /** Overlay deployments and incidents that Klaxon pushed to Grafana, and alert firings. */
  annotations?: boolean;
  /** More annotations from Prometheus: a name and the expression whose series mark the events. */
  overlays?: { name: string; expr: string; title: string; color: string }[];
  timeFrom?: string;
}

/** Links every dashboard carries: to its folder's siblings, keeping time range and variables. */
const LINK = new DashboardLinkBuilder('Klaxon dashboards')
  .type('dashboards' as never)
  .tags(['klaxon'])
  .asDropdown(true)
  .includeVars(true)
  .keepTime(true);

export function annotationQueries(): AnnotationQueryBuilder[] {
  const grafana = { type: 'grafana', uid: '-- Grafana --' };
  return [
    new AnnotationQueryBuilder()
      .name('Deployments')
      .datasource(grafana)
      .enable(true)
      .iconColor('blue')
      .target(byTags([ANNOTATION_TAG.all, ANNOTATION_TAG.deployment])),
    new AnnotationQueryBuilder()
      .name('Incidents')
      .datasource(grafana)
      .enable(true)
      .iconColor('red')
      .target(byTags([ANNOTATION_TAG.all, ANNOTATION_TAG.incident])),
    new AnnotationQueryBuilder()
      .name('Alert firings')
      .datasource(PROM)
      .enable(true)
      .iconColor('orange')
      .expr('ALERTS{alertstate="firing", alertname!="Watchdog", tier=~"T1|T2"}')
      .step('60s')
      .titleFormat('{{alertname}} [{{tier}}]')
      .tagKeys('tier,service'),
  ];
}

export function dashboard(d: DashboardInput): DashboardSpec {
  let b = new DashboardBuilder(d.title)
    .uid(d.uid)
    .tags(['klaxon', d.folder.toLowerCase(), ...(d.tags ?? [])])
    .description(d.purpose)
    .refresh('30s')
    .time({ from: d.timeFrom ?? 'now-6h', to: 'now' })
    .timezone('browser')
    .link(LINK)
    .withVariable(
      new DatasourceVariableBuilder('datasource')
        .label('Prometheus')
        .type('prometheus')
        .current({ text: 'Prometheus', value: DATASOURCES.prometheus }),
    );
  for (const [name, query] of Object.entries(d.variables ?? {})) {
    b = b.withVariable(
      new QueryVariableBuilder(name)
        .label(name)
        .datasource(PROM)
        .query({ query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
        .definition(query)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .includeAll(true)
        .multi(true)
        .allValue('.*')
        .current({ text: 'All', value: '$__all' }),
    );
  }
  if (d.annotations) for (const a of annotationQueries()) b = b.annotation(a);
  for (const o of d.overlays ?? [])
    b = b.annotation(
      new AnnotationQueryBuilder()
        .name(o.name)
        .datasource(PROM)
        .enable(true)
        .iconColor(o.color)
        .expr(o.expr)
        .step('60s')
        .titleFormat(o.title),
    );
  for (const item of d.items) b = 'row' in item ? b.withRow(new RowBuilder(item.row)) : b.withPanel(item);
  return {
    uid: d.uid,
    title: d.title,
    folder: d.folder,
    purpose: d.purpose,
    variables: Object.keys(d.variables ?? {}),
    dashboard: b.build(),
  };
}
