/** kube-state-metrics (pods, nodes, autoscalers) and the kubelet's volume stats. */
import { unit } from '../model/random.ts';
import { family, series, type BuildContext, type Family } from '../model/series.ts';
import { HPAS, NODES, PODS, PVCS } from '../model/topology.ts';
import { constant, DAY_MS } from '../model/wave.ts';

/** About one restart every three days when healthy; one every 30 s while crash-looping. */
const BASE_RESTARTS_PER_SEC = 1000 / (3 * DAY_MS);
const CRASHLOOP_RESTARTS_PER_SEC = 1 / 30;

export function kubeStateMetrics(ctx: BuildContext): Family[] {
  const restartWave = constant(BASE_RESTARTS_PER_SEC);
  const pods = PODS.map((p) => {
    const crash = ctx.knob('k8s.crashloop', { namespace: p.namespace, pod: p.pod, container: p.container });
    const restarts = ctx.counter({
      wave: restartWave,
      k: 1,
      deps: [crash],
      rate: (t) => BASE_RESTARTS_PER_SEC + (crash.at(t) >= 0.5 ? CRASHLOOP_RESTARTS_PER_SEC : 0),
      start: Math.floor(unit(ctx.seed, `restarts:${p.pod}`) * 4),
      integer: true,
    });
    return { p, crash, restarts };
  });
  const condition = (status: 'true' | 'false' | 'unknown') =>
    NODES.map((node) =>
      series({ node, condition: 'Ready', status }, () => {
        const ready = ctx.knob('k8s.node_ready', { node }).at() >= 0.5;
        return status === 'true' ? (ready ? 1 : 0) : status === 'false' ? (ready ? 0 : 1) : 0;
      }),
    );
  const hpa = (f: (h: (typeof HPAS)[number]) => number) =>
    HPAS.map((h) =>
      series({ namespace: h.namespace, horizontalpodautoscaler: h.horizontalpodautoscaler }, () => f(h)),
    );
  return [
    family(
      'kube_pod_info',
      'gauge',
      'Information about pod.',
      PODS.map((p) => series({ namespace: p.namespace, pod: p.pod, node: p.node }, () => 1)),
    ),
    family(
      'kube_pod_container_status_waiting_reason',
      'gauge',
      'Describes the reason the container is currently in waiting state.',
      pods.map(({ p, crash }) =>
        series(
          { namespace: p.namespace, pod: p.pod, container: p.container, reason: 'CrashLoopBackOff' },
          () => (crash.at() >= 0.5 ? 1 : 0),
        ),
      ),
    ),
    family(
      'kube_pod_container_status_restarts_total',
      'counter',
      'The number of container restarts per container.',
      pods.map(({ p, restarts }) =>
        series({ namespace: p.namespace, pod: p.pod, container: p.container }, restarts),
      ),
    ),
    family('kube_node_status_condition', 'gauge', 'The condition of a cluster node.', [
      ...condition('true'),
      ...condition('false'),
      ...condition('unknown'),
    ]),
    family(
      'kube_node_spec_unschedulable',
      'gauge',
      'Whether a node can schedule new pods.',
      NODES.map((node) =>
        series({ node }, () => (ctx.knob('k8s.node_unschedulable', { node }).at() >= 0.5 ? 1 : 0)),
      ),
    ),
    family(
      'kube_horizontalpodautoscaler_status_current_replicas',
      'gauge',
      'Current number of replicas of pods managed by this autoscaler.',
      hpa((h) =>
        Math.max(
          0,
          Math.round(
            ctx
              .knob('k8s.hpa_replicas', {
                namespace: h.namespace,
                horizontalpodautoscaler: h.horizontalpodautoscaler,
              })
              .at(),
          ),
        ),
      ),
    ),
    family(
      'kube_horizontalpodautoscaler_spec_max_replicas',
      'gauge',
      'Upper limit for the number of pods that can be set by the autoscaler.',
      hpa((h) => h.max),
    ),
    family(
      'kube_horizontalpodautoscaler_spec_min_replicas',
      'gauge',
      'Lower limit for the number of pods that can be set by the autoscaler.',
      hpa((h) => h.min),
    ),
  ];
}

export function kubelet(ctx: BuildContext): Family[] {
  const vol = (f: (capacity: number, used: number) => number) =>
    PVCS.map((p) => {
      const labels = { namespace: p.namespace, persistentvolumeclaim: p.persistentvolumeclaim };
      const capacity = p.capacityGiB * 1024 ** 3;
      return series(labels, () => {
        const ratio = Math.min(1, Math.max(0, ctx.knob('k8s.pvc_used_ratio', labels).at()));
        return f(capacity, Math.round((capacity * ratio) / 4096) * 4096);
      });
    });
  return [
    family(
      'kubelet_volume_stats_used_bytes',
      'gauge',
      'Number of used bytes in the volume',
      vol((_c, u) => u),
    ),
    family(
      'kubelet_volume_stats_capacity_bytes',
      'gauge',
      'Capacity in bytes of the volume',
      vol((c) => c),
    ),
    family(
      'kubelet_volume_stats_available_bytes',
      'gauge',
      'Number of available bytes in the volume',
      vol((c, u) => c - u),
    ),
  ];
}
