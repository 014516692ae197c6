/** @klaxon/backtest: what a catalog would have paged over Prometheus history, and the noise figure. */
export type * from './types.ts';
export { runBacktest } from './backtest.ts';
export { compileCatalog, loadCompiled, readBuildDir, metricNames } from './catalog.ts';
export { parseTime, parseDurationMs, BacktestInputError } from './time.ts';
export { renderHtml } from './html.ts';
export { renderText } from './text.ts';
