/**
 * @klaxon/demo: the whole system on one machine — real Prometheus and Alertmanager, the engine and the
 * simulated platform — and the scenario runner the demo and the game-day tests share.
 */
export {
  startStack,
  prepareHistory,
  DEFAULT_SEED,
  DEMO_SIGN_INS,
  type Stack,
  type StackOptions,
  type History,
} from './stack.ts';
export { DEMO_TIME_FACTOR, compressEngineConfig, intervalSeconds } from './profile.ts';
export {
  runScenario,
  describeFailures,
  detectionFloorMs,
  ROLES,
  type ScenarioPlan,
  type ScenarioResult,
  type Check,
  type AlertMatch,
  type PageMatch,
  type Role,
} from './runner.ts';
export { Observer, type FeedEvent, type FeedKind } from './observe.ts';
export { reportDeployment, type Deployment, type ScenarioAction } from './actions.ts';
export { gameDayMarkdown, summarize, median, type GameDaySummary } from './report.ts';
export {
  requireBinaries,
  findBinary,
  MissingBinaryError,
  liveProcesses,
  killAll,
  freePort,
  waitFor,
  sleep,
  BINARIES,
} from './processes.ts';
export { backfill, seriesBlocks, type BackfillOptions, type HistorySource } from './backfill.ts';
export { startPrometheus, prometheusConfig, type RunningService } from './monitoring.ts';
export { loadPlans, toPlan, PlanError } from './scenarios.ts';
export { backtestStack, stackCatalog, alertsSeries, type ObservedEpisode } from './backtest.ts';
