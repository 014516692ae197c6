/** Kubernetes (EKS), from kube-state-metrics and the kubelet, as the kubernetes-mixin reads them. */
import type { AlertDefinition } from '../model/alert.ts';
import { counter, gauge, input } from '../model/inputs.ts';
import { selectorLabels, type Selectors } from '../model/selectors.ts';

export function kubernetesAlerts(s: Selectors): AlertDefinition[] {
  const ksm = selectorLabels(s.kubeStateMetrics);
  const kl = selectorLabels(s.kubelet);
  const base = { group: 'kubernetes', service: 'kubernetes', team: 'platform' };
  const pod = { namespace: 'game', pod: 'matchmaker-7d9f', container: 'matchmaker' };
  const crashLooping = `kube_pod_container_status_waiting_reason{${s.kubeStateMetrics},reason="CrashLoopBackOff"}`;
  return [
    {
      ...base,
      name: 'KubePodCrashLooping',
      summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is crash looping',
      description:
        'Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} is in CrashLoopBackOff.',
      // The node label (from kube_pod_info) lets KubeNodeNotReady inhibit this alert for pods on that node.
      // Without kube_pod_info the `or` keeps the T1: it fires without the node label (and the inhibition).
      expr: `max by (namespace, pod, container, node) (${crashLooping} * on (namespace, pod) group_left (node) kube_pod_info{${s.kubeStateMetrics}}) or on (namespace, pod, container) max by (namespace, pod, container) (${crashLooping})`,
      infoJoin: { metric: 'kube_pod_info', labels: ['node'] },
      thresholds: [{ tier: 'T1', op: '==', value: 1, for: '0m' }],
      immediate: true,
      testValues: { firing: 1, quiet: 0 },
      outputLabels: { ...pod, node: 'ip-10-0-1-23' },
      input: (v) =>
        input(
          gauge(
            `kube_pod_container_status_waiting_reason{${ksm},reason="CrashLoopBackOff",namespace="game",pod="matchmaker-7d9f",container="matchmaker"}`,
            v,
          ),
          gauge(`kube_pod_info{${ksm},namespace="game",pod="matchmaker-7d9f",node="ip-10-0-1-23"}`, 1),
        ),
      metrics: ['kube_pod_container_status_waiting_reason', 'kube_pod_info'],
      runbook: {
        meaning: 'The container keeps exiting and Kubernetes is backing off restarts.',
        impact: 'The pod serves nothing; with all replicas looping the service is down.',
        diagnosis: ['kubectl logs --previous; kubectl describe pod for the exit code and OOMKilled.'],
        mitigation: ['Roll back the deploy; raise memory limits if OOMKilled.'],
      },
    },
    {
      ...base,
      name: 'KubeNodeNotReady',
      summary: 'Node {{ $labels.node }} is not ready',
      description: 'Kubelet on {{ $labels.node }} reports NotReady; its pods are being evicted.',
      expr: `max by (node) (kube_node_status_condition{${s.kubeStateMetrics},condition="Ready",status="true"})`,
      thresholds: [{ tier: 'T1', op: '==', value: 0, for: '0m' }],
      immediate: true,
      testValues: { firing: 0, quiet: 1 },
      outputLabels: { node: 'ip-10-0-1-23' },
      input: (v) =>
        input(
          gauge(`kube_node_status_condition{${ksm},condition="Ready",status="true",node="ip-10-0-1-23"}`, v),
        ),
      metrics: ['kube_node_status_condition'],
      runbook: {
        meaning: 'The node\u2019s Ready condition is not true.',
        impact: 'Pods on it stop and reschedule elsewhere; capacity drops.',
        diagnosis: [
          'kubectl describe node: kubelet, disk, memory or network pressure?',
          'EC2 instance status checks.',
        ],
        mitigation: ['Cordon and drain; replace the instance through the node group.'],
      },
    },
    {
      ...base,
      name: 'KubePersistentVolumeFilling',
      summary: 'Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is filling up',
      description:
        'PVC {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is above 80% (T2) or 95% (T1) used.',
      expr: `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${s.kubelet}} / kubelet_volume_stats_capacity_bytes{${s.kubelet}})`,
      thresholds: [
        { tier: 'T1', op: '>', value: 0.95, for: '5m' },
        { tier: 'T2', op: '>', value: 0.8, for: '10m' },
      ],
      outputLabels: { namespace: 'streaming', persistentvolumeclaim: 'data-kafka-0' },
      input: (v) => {
        const l = `${kl},namespace="streaming",persistentvolumeclaim="data-kafka-0"`;
        return input(
          gauge(`kubelet_volume_stats_capacity_bytes{${l}}`, 1e11),
          gauge(`kubelet_volume_stats_used_bytes{${l}}`, Math.round(1e11 * v)),
        );
      },
      metrics: ['kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes'],
      runbook: {
        meaning: 'Used / capacity of the volume.',
        impact: 'The workload fails writes when it fills.',
        diagnosis: ['What grows on it? Logs, data, temp files?'],
        mitigation: ['Expand the PVC (allowVolumeExpansion) or clean up.'],
      },
    },
    {
      ...base,
      name: 'KubeHpaMaxedOut',
      summary:
        'HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has been at its maximum for 15 minutes',
      description: 'The autoscaler cannot add replicas: this is the scaling ceiling.',
      expr: `max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{${s.kubeStateMetrics}} - kube_horizontalpodautoscaler_spec_max_replicas{${s.kubeStateMetrics}})`,
      thresholds: [{ tier: 'T2', op: '>=', value: 0, for: '15m' }],
      testValues: { firing: 0, quiet: -1 },
      outputLabels: { namespace: 'game', horizontalpodautoscaler: 'game-api' },
      input: (v) => {
        const l = `${ksm},namespace="game",horizontalpodautoscaler="game-api"`;
        return input(
          gauge(`kube_horizontalpodautoscaler_spec_max_replicas{${l}}`, 20),
          gauge(`kube_horizontalpodautoscaler_status_current_replicas{${l}}`, 20 + v),
        );
      },
      metrics: [
        'kube_horizontalpodautoscaler_status_current_replicas',
        'kube_horizontalpodautoscaler_spec_max_replicas',
      ],
      runbook: {
        meaning: 'Current replicas equal the HPA maximum for 15 minutes.',
        impact: 'More load will degrade latency instead of scaling out.',
        diagnosis: ['Is the load real (traffic) or a regression (CPU per request)?'],
        mitigation: ['Raise maxReplicas if the cluster has room; fix the regression otherwise.'],
      },
    },
    {
      ...base,
      name: 'KubePodRestartingOften',
      summary: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} restarted more than 3 times in an hour',
      description: 'Container {{ $labels.container }} restarts often but is not (yet) crash looping.',
      expr: `max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${s.kubeStateMetrics}}[1h]))`,
      thresholds: [{ tier: 'T3', op: '>', value: 3, for: '15m' }],
      // increase() over 1h needs an hour of samples; extrapolation blurs the exact threshold.
      warmupMinutes: 60,
      testValues: { firing: 6, quiet: 1 },
      outputLabels: pod,
      input: (v) =>
        input(
          counter(
            `kube_pod_container_status_restarts_total{${ksm},namespace="game",pod="matchmaker-7d9f",container="matchmaker"}`,
            v / 60,
          ),
        ),
      metrics: ['kube_pod_container_status_restarts_total'],
      runbook: {
        meaning: 'Restarts in the last hour above 3.',
        impact: 'Flaky pods; often the prelude to a crash loop.',
        diagnosis: ['Exit codes and previous logs.'],
        mitigation: ['Fix the cause; check liveness probe timeouts.'],
      },
    },
    {
      ...base,
      name: 'KubeNodeUnschedulable',
      summary: 'Node {{ $labels.node }} has been cordoned for 2 hours',
      description: 'A cordoned node is capacity nobody uses.',
      expr: `max by (node) (kube_node_spec_unschedulable{${s.kubeStateMetrics}})`,
      thresholds: [{ tier: 'T3', op: '==', value: 1, for: '2h' }],
      testValues: { firing: 1, quiet: 0 },
      outputLabels: { node: 'ip-10-0-1-23' },
      input: (v) => input(gauge(`kube_node_spec_unschedulable{${ksm},node="ip-10-0-1-23"}`, v)),
      metrics: ['kube_node_spec_unschedulable'],
      runbook: {
        meaning: 'The node is marked unschedulable.',
        impact: 'Wasted capacity, or a drain that never finished.',
        diagnosis: ['Who cordoned it and why (kubectl describe node, audit log)?'],
        mitigation: ['Uncordon or remove the node.'],
      },
    },
  ];
}
