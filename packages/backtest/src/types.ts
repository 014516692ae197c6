/**
 * The backtest's plain data: what goes in (a compiled catalog, an engine config, a range) and the one
 * result object that `--json` prints, the text table and the HTML report render.
 */
import type { AlertmanagerConfig, PromRuleGroup } from '@klaxon/catalog';
import type { KlaxonConfig } from '@klaxon/engine';

export type Tier = 'T1' | 'T2' | 'T3';

/** A rule group as Prometheus loads it: `interval` absent means the global evaluation interval. */
export interface RuleGroupInput extends PromRuleGroup {
  interval?: string;
}

/** What Prometheus and Alertmanager would run: compiled from a catalog module or read from a build dir. */
export interface CompiledCatalog {
  /** Where it came from, for the report: "seed catalog", a file or a directory. */
  label: string;
  groups: RuleGroupInput[];
  alertmanager: AlertmanagerConfig;
}

export interface BacktestProgress {
  phase: 'rules' | 'alertmanager' | 'engine' | 'baseline';
  done: number;
  total: number;
  message: string;
}

export interface BacktestOptions {
  prometheusUrl: string;
  fromMs: number;
  toMs: number;
  catalog: CompiledCatalog;
  /** The engine config that decides tiers, schedules, escalation and notification rules. */
  engineConfig: KlaxonConfig;
  /** Where the engine config came from, for the report. */
  engineConfigLabel: string;
  baseline?: CompiledCatalog;
  /** Used for a group without `interval`. Default 30 s (kube-prometheus-stack's). */
  evaluationIntervalMs?: number;
  /** The person paged acknowledges this long after their first page; null: nobody ever acknowledges. Default 2 min. */
  ackAfterMs?: number | null;
  /** At most this many points per series per query_range (Prometheus refuses more than 11,000). Default 10,000. */
  maxPointsPerQuery?: number;
  /** Longest range accepted. Default 93 days. */
  maxRangeMs?: number;
  onProgress?: (p: BacktestProgress) => void;
}

/** One firing episode of one alert (rule labels + series labels), as Prometheus's state machine makes it. */
export interface Episode {
  labels: Record<string, string>;
  /** First evaluation at which the condition held (pending starts), ms. */
  activeAtMs: number;
  /** Evaluation at which it became firing, ms. */
  firingAtMs: number;
  /** Evaluation at which it resolved, ms; null: still firing at the end of the range. */
  resolvedAtMs: number | null;
}

export interface PageRecord {
  person: string;
  atMs: number;
  tier: Tier;
  /** Outside the person's working hours. */
  offHours: boolean;
  /** The channels this person was reached on for this incident (voice, sms, push). */
  channels: string[];
}

export interface IncidentRecord {
  id: number;
  alert: string;
  service: string;
  tier: Tier;
  openedAtMs: number;
  resolvedAtMs: number | null;
  /** In a maintenance window when it opened (opened, but paged nobody). */
  maintenance: boolean;
  /** When it re-opened (fired again within the re-open window); each starts the escalation over. */
  reopenedAtMs: number[];
  pages: PageRecord[];
}

export interface RuleCounts {
  /** Times the bare condition became true, per series, ignoring for:, tiers, grouping and inhibition. */
  naive: number;
  /** Firing episodes (pending → firing → resolved). */
  episodes: number;
  /** Engine incidents whose group is this alert. */
  incidents: number;
  /** People paged: one per person per incident and per (re-)opening, T1 and T2. */
  pages: number;
  pagesT1: number;
  pagesT2: number;
  /** T1 pages outside the person's working hours. */
  wakeups: number;
  /** Seconds firing, summed over episodes. */
  firingSeconds: number;
}

export interface RuleResult extends RuleCounts {
  alert: string;
  tier: Tier;
  group: string;
  expr: string;
  for: string | null;
  keepFiringFor: string | null;
  /** Why it was not evaluated (bad query, no data); counts are then zero and say nothing. */
  skipped: { code: string; message: string } | null;
  episodeList: Episode[];
  /** When each naive alarm happened (ms), for telling background noise from known events. */
  naiveTimes: number[];
}

export interface Totals extends RuleCounts {
  /** 1 − pages / naive; null when naive is 0. */
  noiseReduction: number | null;
  /**
   * 1 − wakeups / naive alarms off hours (every tier: when every alarm pages, each one off hours wakes
   * someone), off hours in the time zone most people in the config share; null when there were none.
   */
  wakeupReduction: number | null;
  rulesEvaluated: number;
  rulesSkipped: number;
}

export interface PersonResult {
  person: string;
  name: string;
  pages: number;
  wakeups: number;
  /** Pages inside working hours. */
  onHours: number;
  offHours: number;
}

export interface DayResult {
  /** YYYY-MM-DD (UTC). */
  day: string;
  t1: number;
  t2: number;
  wakeups: number;
}

export interface RuleDiff {
  alert: string;
  tier: Tier;
  /** null: the rule is not in that catalog. */
  baseline: RuleCounts | null;
  candidate: RuleCounts | null;
  /** candidate.pages − baseline.pages (a missing side counts 0). */
  pagesChange: number;
  wakeupsChange: number;
  incidentsChange: number;
}

export interface CatalogRun {
  catalog: string;
  rules: RuleResult[];
  totals: Totals;
  people: PersonResult[];
  days: DayResult[];
  incidents: IncidentRecord[];
}

export interface BacktestResult extends CatalogRun {
  from: string;
  to: string;
  prometheus: string;
  engineConfig: string;
  evaluationIntervalSeconds: number;
  ackAfterSeconds: number | null;
  /** Things the reader must know: skipped rules, gaps, assumptions. */
  warnings: string[];
  /** With --baseline: the baseline's run and the per-rule change, sorted by change in pages (largest first). */
  baseline: (CatalogRun & { diff: RuleDiff[] }) | null;
  /** Wall time of the run, seconds. */
  seconds: number;
}
