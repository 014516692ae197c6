/**
 * The catalog's series budget, as plain data: `klaxon cardinality` compares a running Prometheus's head
 * block with it and names every metric and label over it.
 */

export interface CardinalityBudget {
  /** Series any one metric name may have (histogram buckets count per `_bucket` series). */
  seriesPerMetric: number;
  /** Distinct values any one label name may have across all series. */
  valuesPerLabel: number;
  /** Budgets for named metrics, above or below `seriesPerMetric`. */
  perMetric?: Record<string, number>;
  /** Budgets for named labels, above or below `valuesPerLabel`. */
  perLabel?: Record<string, number>;
  /** Series in the head block altogether. */
  totalSeries?: number;
}
