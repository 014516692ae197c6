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
export { compressCatalog, scaleDuration, scaleRanges } from './compile/profile.ts';
export { durationMs, formatDuration } from './compile/durations.ts';
export { checkCatalog, checkAlertmanagerPolicy, type Problem } from './check/policy.ts';
export { checkPromql } from './check/promql.ts';
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
export {
  ENVIRONMENTS,
  ENVIRONMENT_NAMES,
  environmentNamed,
  environmentValues,
  UnknownEnvironmentError,
  type Environment,
  type EnvironmentName,
} from './compile/environments.ts';
export {
  promtoolCheckRules,
  amtoolCheckConfig,
  promtoolTest,
  amtoolRouteTests,
  findTool,
  type ToolRun,
} from './check/tools.ts';
export { CONTRACT_METRICS, DECLARED_METRICS } from './contract.ts';
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
