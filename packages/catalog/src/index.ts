/**
 * @klaxon/catalog: the three-tier model and the alert rules as typed code, compiled for Prometheus.
 */
export { TIER_POLICIES, type Tier, type TierPolicy } from './model/tiers.ts';
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
export { writeCatalog, GENERATED_HEADER, type BuildResult } from './compile/write.ts';
