/** Kubernetes knobs: crash loops, node readiness and scheduling, volumes, autoscalers. */
import { blendDiurnal, sawtooth } from '../model/curves.ts';
import { knobKey, type KnobDef } from '../model/knob.ts';
import type { Labels } from '../model/labels.ts';
import { jitter, unit } from '../model/random.ts';
import { HPAS, NODES, PODS, PVCS, REGIONS } from '../model/topology.ts';
import { DAY_MS, evalWave } from '../model/wave.ts';

const global = blendDiurnal(REGIONS);
const hpaOf = (l: Labels) => HPAS.find((h) => h.horizontalpodautoscaler === l.horizontalpodautoscaler)!;
const pvcOf = (l: Labels) => PVCS.find((p) => p.persistentvolumeclaim === l.persistentvolumeclaim)!;

export const kubeKnobs: KnobDef[] = [
  {
    name: 'k8s.crashloop',
    labels: ['namespace', 'pod', 'container'],
    unit: '0/1',
    help: 'The container waits in CrashLoopBackOff (kube_pod_container_status_waiting_reason); while 1 it restarts every 30 s.',
    baseDoc: '0 (restarts: about one every 3 days)',
    instances: PODS.map((p) => ({ namespace: p.namespace, pod: p.pod, container: p.container })),
    base: () => 0,
    alerts: [{ alertname: 'KubePodCrashLooping', tier: 'T1', op: '>=', value: 1 }],
  },
  {
    name: 'k8s.node_ready',
    labels: ['node'],
    unit: '0/1',
    help: 'Node Ready condition: 1 exposes status="true", 0 status="false".',
    baseDoc: '1',
    instances: NODES.map((node) => ({ node })),
    base: () => 1,
    alerts: [{ alertname: 'KubeNodeNotReady', tier: 'T1', op: '<', value: 1 }],
  },
  {
    name: 'k8s.node_unschedulable',
    labels: ['node'],
    unit: '0/1',
    help: 'Node cordoned (kube_node_spec_unschedulable).',
    baseDoc: '0',
    instances: NODES.map((node) => ({ node })),
    base: () => 0,
    alerts: [{ alertname: 'KubeNodeUnschedulable', tier: 'T3', op: '>=', value: 1 }],
  },
  {
    name: 'k8s.pvc_used_ratio',
    labels: ['namespace', 'persistentvolumeclaim'],
    unit: 'ratio',
    help: 'Used / capacity of the volume (kubelet_volume_stats_*).',
    baseDoc: 'slow climb within 0.30–0.60 (per volume) over 8 days, then clean-up',
    instances: PVCS.map((p) => ({ namespace: p.namespace, persistentvolumeclaim: p.persistentvolumeclaim })),
    base: (l, t, seed) => {
      const p = pvcOf(l);
      const key = knobKey('k8s.pvc_used_ratio', l);
      return sawtooth(p.lo, p.hi, 8 * DAY_MS, unit(seed, key), t) + jitter(seed, key, t, 0.001);
    },
    alerts: [
      { alertname: 'KubePersistentVolumeFilling', tier: 'T1', op: '>', value: 0.95 },
      { alertname: 'KubePersistentVolumeFilling', tier: 'T2', op: '>', value: 0.8 },
    ],
  },
  {
    name: 'k8s.hpa_replicas',
    labels: ['namespace', 'horizontalpodautoscaler'],
    unit: 'replicas',
    help: 'HPA current replicas (spec min and max are fixed); at max the HPA is maxed out.',
    baseDoc: 'game-api ~5 (2–12), game-backend ~4 (2–10), narrative-worker ~3 (2–8), diurnal',
    instances: HPAS.map((h) => ({
      namespace: h.namespace,
      horizontalpodautoscaler: h.horizontalpodautoscaler,
    })),
    base: (l, t, seed) => {
      const h = hpaOf(l);
      const v = h.typical * evalWave(global, t) + jitter(seed, knobKey('k8s.hpa_replicas', l), t, 0.3);
      return Math.min(h.max - 2, Math.max(h.min, Math.round(v)));
    },
    alerts: [{ alertname: 'KubeHpaMaxedOut', tier: 'T2', op: '>=', value: (l) => hpaOf(l).max }],
  },
];
