/**
 * @klaxon/sim: a simulated AI gaming platform. Deterministic Prometheus targets for every exporter of
 * the metrics contract, driven by knobs that scenarios turn with faults.
 */
export { Platform, type PlatformOptions, type HistoryOptions } from './platform/platform.ts';
export { FaultError, type Fault } from './platform/faults.ts';
export { startSimServer, type SimServer, type SimServerOptions } from './server.ts';
export { knobCatalog, type KnobInfo } from './model/catalog.ts';
export {
  loadScenario,
  loadScenarios,
  parseScenario,
  scenarioFaults,
  SCENARIOS_DIR,
  ScenarioError,
  type ScenarioProblem,
} from './scenarios/load.ts';
export {
  scenarioSchema,
  parseDuration,
  type Scenario,
  type ScenarioFault,
  type ScenarioAction,
  type ExpectedAlert,
} from './scenarios/schema.ts';
export * from './month/index.ts';
