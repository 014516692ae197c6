/**
 * The global view's settings, as plain data: which local Prometheus servers a global Prometheus federates
 * (the recording rules only), and an optional remote_write to a long-term store (Thanos Receive or
 * Grafana Mimir). `compile/scale-out.ts` turns them into a Prometheus config, a rule file and chart values.
 */

export interface Federation {
  /**
   * The local Prometheus servers the global one pulls from, as `host:port`, e.g. the operator's
   * `prometheus-operated.monitoring.svc:9090` of each cluster.
   */
  targets: string[];
  /** How often the global Prometheus federates and evaluates its rules, e.g. "30s". */
  interval: string;
  /** The global Prometheus's own external labels (the locals' come along with their series). */
  externalLabels?: Record<string, string>;
  /** `host:port` of the Alertmanagers the global rules notify; none: the global view only records. */
  alertmanagers?: string[];
}

export interface RemoteWrite {
  /** The push endpoint: Thanos Receive's `/api/v1/receive` or Mimir's `/api/v1/push`. */
  url: string;
  kind: 'thanos-receive' | 'mimir';
  /** The tenant: Mimir's `X-Scope-OrgID` header; Thanos Receive's `THANOS-TENANT` header. */
  tenant?: string;
}

export interface ScaleOut {
  federation?: Federation;
  /** Off unless set: each local Prometheus also ships the global view's series to a long-term store. */
  remoteWrite?: RemoteWrite;
}
