/**
 * The seed's scale-out settings: a global Prometheus federating the in-cluster one (remote_write stays
 * off until a store is named), and the series budget `klaxon cardinality` holds a Prometheus to.
 */
import type { CardinalityBudget } from '../model/cardinality.ts';
import type { ScaleOut } from '../model/scale-out.ts';

export const SEED_SCALE_OUT: ScaleOut = {
  federation: {
    // kube-prometheus-stack's Prometheus, through the operator's governing Service.
    targets: ['prometheus-operated.monitoring.svc:9090'],
    interval: '30s',
    externalLabels: { prometheus: 'global' },
  },
};

/**
 * Budgets for a platform of this size: a histogram's buckets are its biggest metric, pod names its
 * biggest label. The labels the contract calls unbounded ("Label bounds") get none at all.
 */
export const SEED_CARDINALITY: CardinalityBudget = {
  seriesPerMetric: 10_000,
  valuesPerLabel: 1_000,
  perLabel: { user_id: 0, player_id: 0, session_id: 0, request_id: 0, trace_id: 0, prompt: 0 },
  totalSeries: 1_000_000,
};
