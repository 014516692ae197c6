/**
 * Grafana outputs for the dashboards: the JSON models, provisioning files (datasources for Prometheus,
 * Loki and Alertmanager; a dashboard provider per persona folder), and ConfigMaps the kube-prometheus-stack
 * Grafana sidecar picks up (label `grafana_dashboard: "1"`, folder from the `grafana_folder` annotation).
 */
import type { DashboardSpec, Folder } from '../dashboards/build.ts';
import { DATASOURCES } from '../dashboards/build.ts';

export interface GrafanaOptions {
  prometheusUrl: string;
  lokiUrl: string;
  alertmanagerUrl: string;
  namespace: string;
  /** Where the provisioned dashboards' JSON lives inside the Grafana container. */
  dashboardsPath: string;
}

export const DEFAULT_GRAFANA: GrafanaOptions = {
  prometheusUrl: 'http://prometheus:9090',
  lokiUrl: 'http://loki:3100',
  alertmanagerUrl: 'http://alertmanager:9093',
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
        jsonData: { timeInterval: '30s' },
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
