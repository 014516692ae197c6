/**
 * Grafana outputs for the dashboards: the JSON models, provisioning files (datasources for Prometheus,
 * Loki, Alertmanager and Tempo, Prometheus's exemplars linked to Tempo by trace id; a dashboard provider
 * per persona folder), and ConfigMaps the kube-prometheus-stack
 * Grafana sidecar picks up (label `grafana_dashboard: "1"`, folder from the `grafana_folder` annotation).
 */
import type { DashboardSpec, Folder } from '../dashboards/build.ts';
import { DATASOURCES } from '../dashboards/build.ts';

export interface GrafanaOptions {
  prometheusUrl: string;
  lokiUrl: string;
  alertmanagerUrl: string;
  /** Tempo's query API (HTTP port 3200), where exemplars' trace ids open. */
  tempoUrl: string;
  namespace: string;
  /** Where the provisioned dashboards' JSON lives inside the Grafana container. */
  dashboardsPath: string;
}

export const DEFAULT_GRAFANA: GrafanaOptions = {
  prometheusUrl: 'http://prometheus:9090',
  lokiUrl: 'http://loki:3100',
  alertmanagerUrl: 'http://alertmanager:9093',
  tempoUrl: 'http://tempo:3200',
  namespace: 'monitoring',
  dashboardsPath: '/var/lib/grafana/dashboards/klaxon',
};

export function datasourceProvisioning(o: GrafanaOptions): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: DATASOURCES.prometheus,
        type: 'prometheus',
        access: 'proxy',
        url: o.prometheusUrl,
        isDefault: true,
        jsonData: {
          timeInterval: '30s',
          // The SDK's histogram exemplars carry `trace_id`: each opens its trace in Tempo.
          exemplarTraceIdDestinations: [{ name: 'trace_id', datasourceUid: DATASOURCES.tempo }],
        },
      },
      { name: 'Loki', uid: DATASOURCES.loki, type: 'loki', access: 'proxy', url: o.lokiUrl },
      {
        name: 'Alertmanager',
        uid: DATASOURCES.alertmanager,
        type: 'alertmanager',
        access: 'proxy',
        url: o.alertmanagerUrl,
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
      { name: 'Tempo', uid: DATASOURCES.tempo, type: 'tempo', access: 'proxy', url: o.tempoUrl },
    ],
  };
}

export const FOLDERS: readonly Folder[] = ['Operations', 'ML', 'Product'];

export function dashboardProvisioning(o: GrafanaOptions): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: FOLDERS.map((folder) => ({
      name: `klaxon-${folder.toLowerCase()}`,
      folder,
      type: 'file',
      disableDeletion: false,
      allowUiUpdates: false,
      updateIntervalSeconds: 30,
      options: { path: `${o.dashboardsPath}/${folder.toLowerCase()}` },
    })),
  };
}

export function dashboardConfigMaps(
  specs: readonly DashboardSpec[],
  o: GrafanaOptions,
): Record<string, unknown>[] {
  return specs.map((s) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `grafana-dashboard-${s.uid}`,
      namespace: o.namespace,
      labels: { grafana_dashboard: '1', 'app.kubernetes.io/part-of': 'klaxon' },
      annotations: { grafana_folder: s.folder },
    },
    data: { [`${s.uid}.json`]: JSON.stringify(s.dashboard, null, 2) },
  }));
}
