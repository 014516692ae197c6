/**
 * What every incident arrives with: a Grafana deep link scoped to the incident's time window, a logs
 * link (Grafana Explore over Loki) and a traces link (Grafana Explore over Tempo, the service's traces) for
 * the same window, the runbook, the Alertmanager silence link and the alert's own context. One function computes it for the API and for every message.
 */
import { httpUrl } from '../validation/url.ts';
import type { IncidentContextConfig } from './config.ts';
import type { AlertDto, IncidentDto } from './model.ts';

export interface IncidentContext {
  dashboardUrl: string | null;
  logsUrl: string | null;
  tracesUrl: string | null;
  runbookUrl: string | null;
  silenceUrl: string | null;
  incidentUrl: string | null;
  generatorUrl: string | null;
  /** ISO instants; `to` is "now" while the incident is open. */
  window: { from: string; to: string };
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: string | null;
}

const MIN = 60_000;
const RESERVED = new Set(['alertname', 'severity', 'tier', '__name__']);

function quote(v: string): string {
  return JSON.stringify(v);
}

/** The alert's own label `name` (never an inherited member such as `constructor`), or undefined. */
function own(labels: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(labels, name) ? labels[name] : undefined;
}

/** A LogQL stream selector from the alert's labels, e.g. `{namespace="prod",service="kafka"}`. */
export function logSelector(
  labels: Record<string, string>,
  names: readonly string[],
  serviceId: string,
): string {
  const parts = names.filter((n) => own(labels, n)).map((n) => `${n}=${quote(own(labels, n)!)}`);
  if (parts.length === 0) parts.push(`service=${quote(serviceId)}`);
  return `{${parts.join(',')}}`;
}

/**
 * The OpenTelemetry `service.name` whose traces the incident is about: the alert's `service_name` label (the
 * semconv metrics carry it), else the service's `traceService`, else the service id.
 */
function traceService(
  labels: Record<string, string>,
  service: Pick<IncidentContextConfig['services'][number], 'traceService'> | undefined,
  serviceId: string,
): string {
  return own(labels, 'service_name') || service?.traceService || serviceId;
}

/** A Grafana Explore URL with one pane over `datasource` for the window. */
function exploreUrl(
  grafana: string,
  query: Record<string, unknown>,
  fromMs: number,
  toMs: number | null,
): string {
  const panes = {
    klaxon: {
      datasource: (query.datasource as { uid: string }).uid,
      queries: [{ refId: 'A', ...query }],
      range: { from: String(fromMs), to: toMs === null ? 'now' : String(toMs) },
    },
  };
  return `${grafana}/explore?${new URLSearchParams({ schemaVersion: '1', orgId: '1', panes: JSON.stringify(panes) }).toString()}`;
}

export function incidentContext(
  config: IncidentContextConfig,
  incident: IncidentDto,
  alerts: readonly AlertDto[],
): IncidentContext {
  const links = config.links;
  const service = config.services.find((s) => s.id === incident.service);
  // The first alert that fired is the one the incident is about.
  const alert = [...alerts].sort((a, b) => a.id - b.id)[0];
  const labels = alert?.labels ?? {};
  const annotations = alert?.annotations ?? {};
  const started = Math.min(
    Date.parse(incident.createdAt),
    ...alerts.map((a) => (a.startsAt ? Date.parse(a.startsAt) : Infinity)),
  );
  const fromMs = started - links.windowBeforeMinutes * MIN;
  const toMs = incident.resolvedAt ? Date.parse(incident.resolvedAt) + links.windowAfterMinutes * MIN : null;
  const grafana = links.grafanaUrl?.replace(/\/$/, '');

  let dashboardUrl: string | null = null;
  if (grafana && service?.dashboard) {
    const params = new URLSearchParams({ from: String(fromMs), to: toMs === null ? 'now' : String(toMs) });
    for (const v of service.dashboard.variables) {
      const value = own(labels, v);
      if (value) params.append(`var-${v}`, value);
    }
    const panel = annotations.grafana_panel_id ?? annotations.panel_id ?? labels.panel_id;
    if (panel) params.set('viewPanel', panel);
    dashboardUrl = `${grafana}/d/${encodeURIComponent(service.dashboard.uid)}?${params.toString()}`;
  }

  let logsUrl: string | null = null;
  let tracesUrl: string | null = null;
  if (grafana) {
    const expr = logSelector(labels, service?.logSelector ?? links.logLabels, incident.service);
    logsUrl = exploreUrl(
      grafana,
      { expr, datasource: { type: 'loki', uid: links.lokiDatasource } },
      fromMs,
      toMs,
    );
    if (links.tempoDatasource) {
      const name = traceService(labels, service, incident.service);
      tracesUrl = exploreUrl(
        grafana,
        {
          datasource: { type: 'tempo', uid: links.tempoDatasource },
          queryType: 'traceql',
          query: `{resource.service.name=${quote(name)}}`,
          limit: 20,
        },
        fromMs,
        toMs,
      );
    }
  }

  let silenceUrl: string | null = null;
  const am = links.alertmanagerUrl?.replace(/\/$/, '');
  if (am && alert?.source === 'alertmanager') {
    const matchers = Object.entries(labels)
      .filter(([k]) => k === 'alertname' || !RESERVED.has(k))
      .map(([k, v]) => `${k}=${quote(v)}`)
      .join(',');
    silenceUrl = `${am}/#/silences/new?filter=${encodeURIComponent(`{${matchers}}`)}`;
  }

  const publicUrl = config.server.publicUrl?.replace(/\/$/, '');
  const value =
    annotations.value ?? (typeof alert?.details.valueString === 'string' ? alert.details.valueString : null);
  return {
    dashboardUrl,
    logsUrl,
    tracesUrl,
    // Annotations are the sender's text: only an http(s) one is offered as the runbook link.
    runbookUrl:
      httpUrl(own(annotations, 'runbook_url')) ??
      httpUrl(own(annotations, 'runbook')) ??
      service?.runbookUrl ??
      null,
    silenceUrl,
    incidentUrl: publicUrl ? `${publicUrl}/incidents/${incident.id}` : null,
    // Rows stored before links were checked may hold any scheme.
    generatorUrl: httpUrl(alert?.generatorUrl),
    window: {
      from: new Date(fromMs).toISOString(),
      to: toMs === null ? 'now' : new Date(toMs).toISOString(),
    },
    labels,
    annotations,
    value: value ?? null,
  };
}
