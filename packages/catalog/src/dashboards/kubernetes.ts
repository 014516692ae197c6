/**
 * Cluster-level causes (crash loops, node readiness, volumes, autoscalers) behind the service symptoms,
 * filtered by namespace so one team's pods can be isolated.
 */
import { dashboard, stat, timeseries, type DashboardSpec } from './build.ts';

export function kubernetesDashboard(): DashboardSpec {
  return dashboard({
    uid: 'klaxon-kubernetes',
    title: 'Kubernetes',
    folder: 'Operations',
    purpose: 'Crash loops, restarts, node readiness, volumes and autoscalers.',
    annotations: true,
    variables: { namespace: 'label_values(kube_pod_info, namespace)' },
    items: [
      stat(
        'Nodes not ready',
        'count(kube_node_status_condition{condition="Ready", status="true"} == 0) or vector(0)',
        { thresholds: [{ value: 1, color: 'red' }] },
      ),
      stat(
        'Containers crash-looping',
        'sum(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"})',
        { thresholds: [{ value: 1, color: 'red' }] },
      ),
      timeseries('Crash-looping containers', [
        {
          expr: 'max by (namespace, pod, container) (kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", namespace=~"$namespace"})',
          legend: '{{namespace}}/{{pod}}/{{container}}',
        },
      ]),
      timeseries('Restarts (1h)', [
        {
          expr: 'max by (namespace, pod) (increase(kube_pod_container_status_restarts_total{namespace=~"$namespace"}[1h]))',
          legend: '{{namespace}}/{{pod}}',
        },
      ]),
      timeseries(
        'Node ready',
        [
          {
            expr: 'max by (node) (kube_node_status_condition{condition="Ready", status="true"})',
            legend: '{{node}}',
          },
        ],
        { min: 0, max: 1 },
      ),
      timeseries(
        'Nodes unschedulable',
        [{ expr: 'max by (node) (kube_node_spec_unschedulable)', legend: '{{node}}' }],
        { min: 0, max: 1 },
      ),
      timeseries(
        'Volume used',
        [
          {
            expr: 'max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{namespace=~"$namespace"} / kubelet_volume_stats_capacity_bytes{namespace=~"$namespace"})',
            legend: '{{namespace}}/{{persistentvolumeclaim}}',
          },
        ],
        {
          unit: 'percentunit',
          thresholds: [
            { value: 0.8, color: 'orange' },
            { value: 0.95, color: 'red' },
          ],
        },
      ),
      timeseries('Autoscalers: current, min, max', [
        {
          expr: 'max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{namespace=~"$namespace"})',
          legend: 'current {{horizontalpodautoscaler}}',
        },
        {
          expr: 'max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{namespace=~"$namespace"})',
          legend: 'max {{horizontalpodautoscaler}}',
        },
        {
          expr: 'max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_min_replicas{namespace=~"$namespace"})',
          legend: 'min {{horizontalpodautoscaler}}',
        },
      ]),
    ],
  });
}
