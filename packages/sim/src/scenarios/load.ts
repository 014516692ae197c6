/**
 * Loads scenario files. Every problem names the file, the line, the path inside it and the fix.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigFileError,
  loadYaml,
  parseYaml,
  type FileProblem,
  type ParseYamlOptions,
} from '@klaxon/config-file';
import type { Fault } from '../platform/faults.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

/** The scenarios shipped with the package. */
export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** One problem found in a scenario file; `path` is e.g. `faults[1].knob`. */
export type ScenarioProblem = FileProblem;

/** Thrown when a scenario cannot be used; `problems` lists every reason. */
export class ScenarioError extends ConfigFileError {
  constructor(problems: ScenarioProblem[]) {
    super(problems);
    this.name = 'ScenarioError';
  }
}

function scenarioOptions(file: string): ParseYamlOptions<Scenario> {
  return {
    createError: (problems) => new ScenarioError(problems),
    check(scenario, report) {
      const expected = basename(file).replace(/\.ya?ml$/, '');
      if (file !== '<scenario>' && scenario.name !== expected)
        report(
          ['name'],
          `is "${scenario.name}" but the file is ${basename(file)}; name must equal the file name (${expected})`,
        );
    },
  };
}

/** Validates scenario YAML text; `file` is used in messages and, when given, must match `name`. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  return parseYaml(text, file, scenarioSchema, scenarioOptions(file));
}

/** Reads and validates one scenario file. Throws ScenarioError listing every problem. */
export function loadScenario(path: string): Scenario {
  return loadYaml(path, scenarioSchema, scenarioOptions(path));
}

/** Every `*.yaml` scenario in the folder (default: the package's), sorted by file name. */
export function loadScenarios(dir: string = SCENARIOS_DIR): Scenario[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => loadScenario(join(dir, f)));
}

/** The scenario's faults as platform faults, for a scenario that starts at startMs (epoch ms). */
export function scenarioFaults(s: Scenario, startMs: number): Fault[] {
  return s.faults.map((f) => ({
    knob: f.knob,
    ...(f.labels ? { labels: f.labels } : {}),
    ...(f.set !== undefined ? { set: f.set } : {}),
    ...(f.add !== undefined ? { add: f.add } : {}),
    ...(f.multiply !== undefined ? { multiply: f.multiply } : {}),
    startMs: startMs + f.atMs,
    rampMs: f.rampMs,
    ...(f.untilMs !== undefined ? { endMs: startMs + f.untilMs } : {}),
  }));
}
