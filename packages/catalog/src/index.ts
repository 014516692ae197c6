/**
 * @klaxon/catalog: the three-tier model and the alert rules as typed code, compiled for Prometheus.
 */
export { TIER_POLICIES, type Tier, type TierPolicy } from './model/tiers.ts';
export { holds } from './model/alert.ts';
export type {
  AlertDefinition,
  Catalog,
  Threshold,
  Comparison,
  Runbook,
  RecordingRule,
  TestInput,
} from './model/alert.ts';
export { gauge, counter, ratio, histogram, input } from './model/inputs.ts';
export { DEFAULT_SELECTORS, selectorLabels, type Selectors } from './model/selectors.ts';
export { seedCatalog, type SeedOptions } from './seed/index.ts';
export {
  compileRuleGroups,
  alertRule,
  runbookUrl,
  type PromRule,
  type PromRuleGroup,
} from './compile/rules.ts';
export { compileTests, alertTests, probeValues, type PromTestFile } from './compile/tests.ts';
export { writeCatalog, GENERATED_HEADER, type BuildResult, type BuildOptions } from './compile/write.ts';
export {
  compileAlertmanager,
  routeExpectations,
  isPagingReceiver,
  type AlertmanagerConfig,
  type AlertmanagerOptions,
} from './compile/alertmanager.ts';
export { runbookMarkdown } from './compile/runbooks.ts';
export {
  chartAlertNames,
  chartAlertRelabelings,
  chartProblems,
  chartValues,
  disabledChartRules,
  mergedRuleProblems,
  mergedRuleSet,
  relabel,
  DEFAULT_CHART_MAPPING,
  type AlertRelabelConfig,
  type MergedAlert,
} from './compile/chart.ts';
export type {
  ChartAlertRule,
  ChartRuleGroup,
  ChartSource,
  KubePrometheusStackMapping,
} from './model/chart.ts';
export {
  KUBE_PROMETHEUS_STACK_RULES,
  KUBE_PROMETHEUS_STACK_SOURCE,
} from './vendor/kube-prometheus-stack.gen.ts';
export { compressCatalog, scaleDuration, scaleRanges } from './compile/profile.ts';
export {
  federatedRecords,
  recordedOnlyAlerts,
  globalRuleGroups,
  globalPrometheusConfig,
  federationMatchers,
  remoteWriteKeep,
  remoteWriteValues,
  withRemoteWrite,
  FEDERATION_JOB,
  GLOBAL_RULES_FILE,
} from './compile/scale-out.ts';
export type { ScaleOut, Federation, RemoteWrite } from './model/scale-out.ts';
export type { CardinalityBudget } from './model/cardinality.ts';
export { SIGNAL_RECORDS } from './seed/signals.ts';
export { durationMs, formatDuration } from './compile/durations.ts';
export { checkCatalog, checkAlertmanagerPolicy, type Problem } from './check/policy.ts';
export { checkPromql } from './check/promql.ts';
export { checkInfoJoins, infoJoins, type InfoJoin } from './check/joins.ts';
export {
  checkCardinality,
  checkDashboardCardinality,
  CONTRACT_BOUNDS,
  type CardinalityInput,
} from './check/cardinality.ts';
export { unboundedLabelUses, type LabelBounds, type LabelUse } from './check/label-flow.ts';
export { logqlErrors } from './check/logql.ts';
export {
  lokiRules,
  serviceMonitors,
  yaceConfig,
  blackboxConfig,
  alloyConfig,
  kubePrometheusStackValues,
  SCRAPE_TARGETS,
  DEFAULT_DEPLOY,
  environmentServiceMonitors,
  type DeployOptions,
} from './compile/deploy.ts';
export { exporterNetworkPolicies, KLAXON_EXPORTER_JOBS } from './compile/network.ts';
export {
  ENVIRONMENTS,
  ENVIRONMENT_NAMES,
  environmentNamed,
  environmentsOf,
  environmentValues,
  checkEnvironments,
  demotionRelabelings,
  pagingTiers,
  UnknownEnvironmentError,
  type Environment,
  type EnvironmentName,
} from './compile/environments.ts';
export {
  promtoolCheckRules,
  amtoolCheckConfig,
  amtoolRouteTests,
  findTool,
  type ToolRun,
} from './check/tools.ts';
export { promtoolTest, type PromtoolTestOptions } from './check/promtool-tests.ts';
export {
  CONTRACT_METRICS,
  DECLARED_METRICS,
  UNBOUNDED_LABELS,
  OPEN_NOW_LABELS,
  UNBOUNDED_LABELS_OF,
} from './contract.ts';
export { loadCatalog } from './load.ts';
export {
  dashboard,
  timeseries,
  stat,
  annotationQueries,
  ANNOTATION_TAG,
  DATASOURCES,
  type DashboardSpec,
  type DashboardInput,
  type Folder,
} from './dashboards/build.ts';
export { seedDashboards } from './dashboards/dashboards.ts';
export {
  checkDashboards,
  catalogLinks,
  panelQueries,
  substituteVariables,
  usedVariables,
  type DeepLink,
  type PanelQuery,
} from './check/dashboards.ts';
export {
  datasourceProvisioning,
  dashboardProvisioning,
  dashboardConfigMaps,
  DEFAULT_GRAFANA,
  FOLDERS,
  type GrafanaOptions,
} from './compile/grafana.ts';
export {
  parseAlloy,
  alloyErrors,
  type AlloyStatement,
  type AlloyExpr,
  type AlloyError,
} from './check/alloy.ts';
export { alloyBlocks, renderAlloy, type AlloyBlock } from './compile/alloy.ts';
export { lintPromql, type Prom3Finding, type Prom3Check } from './check/prometheus3.ts';
export { classicMatcher, splitMatchers } from './check/am-matchers.ts';
export {
  prometheus3Findings,
  prometheus3Problems,
  lintAlertmanagerConfig,
  lintPrometheusConfig,
} from './check/prometheus3-config.ts';
export { checkBuildOutputs } from './check/readiness.ts';
