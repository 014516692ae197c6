/**
 * A deployment environment (dev, staging, prod) as the catalog declares it: what the monitoring side runs
 * there and which tiers may page people there. `klaxon build --env <name>` applies one.
 */
import type { Tier } from './tiers.ts';

/** The tiers that can page, and what each may be lowered to in an environment. */
export type PagingTier = 'T1' | 'T2';

export interface Environment {
  name: string;
  /** externalLabels.cluster: which cluster a series or an alert came from (remote write, federation). */
  cluster: string;
  prometheus: {
    /** How long samples are kept (`15d`) … */
    retention: string;
    /** … and how much disk they may take (`40GB`), whichever comes first; below `storage`. */
    retentionSize: string;
    /** The size of each Prometheus replica's volume (a Kubernetes quantity). */
    storage: string;
    /** Identical Prometheus replicas (the operator adds a `prometheus_replica` label). */
    replicas: number;
    /** The default scrape interval (targets whose ServiceMonitor sets none), e.g. `30s`. */
    scrapeInterval: string;
    /** How often the rules are evaluated, e.g. `30s`. */
    evaluationInterval: string;
  };
  /** Alertmanager replicas, clustered with gossip: 3 tolerates the loss of one. */
  alertmanager: { replicas: number };
  /**
   * Tiers lowered in this environment before they leave Prometheus: `{ T1: 'T3', T2: 'T3' }` makes every
   * alert an advisory (Slack only, never a page), `{ T1: 'T2' }` turns calls into push notifications.
   * A tier may only be lowered. The alert keeps its original tier in the label `demoted_from`.
   */
  demote: Partial<Record<PagingTier, Tier>>;
}
