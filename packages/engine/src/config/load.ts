/**
 * Reads a config file: YAML → `${ENV}` expansion → schema validation. Every problem is reported with
 * the file, the line and column, the path inside the document and what to do about it.
 */
import {
  ConfigFileError,
  formatPath,
  formatProblem,
  loadYaml,
  parseYaml,
  type FileProblem,
  type ParseYamlOptions,
  type ReportProblem,
} from '@klaxon/config-file';
import { configSchema, type KlaxonConfig } from './schema.ts';

export { formatPath, formatProblem };

/** One problem found in a config file; `path` is e.g. `services[2].team`. */
export type ConfigProblem = FileProblem;

/** Thrown when a config file cannot be used; `problems` lists every reason. */
export class ConfigError extends ConfigFileError {
  constructor(problems: ConfigProblem[]) {
    super(problems);
    this.name = 'ConfigError';
  }
}

function configOptions(env: NodeJS.ProcessEnv): ParseYamlOptions<KlaxonConfig> {
  return {
    transform: (value, report) => expandEnv(value, [], env, report),
    unknownKeyFix: 'remove it or check the spelling against `klaxon schema`',
    createError: (problems) => new ConfigError(problems),
  };
}

/** Reads and validates a config file. Throws ConfigError listing every problem. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): KlaxonConfig {
  return loadYaml(file, configSchema, {
    ...configOptions(env),
    unreadable: (err) =>
      `${err.code === 'ENOENT' ? 'file not found' : err.message}; pass an existing file with --config`,
  });
}

/** Validates config text (YAML or JSON). `file` is only used in messages. */
export function parseConfig(
  text: string,
  file = '<config>',
  env: NodeJS.ProcessEnv = process.env,
): KlaxonConfig {
  return parseYaml(text, file, configSchema, configOptions(env));
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${VAR}` and `${VAR:-default}` inside every string value. */
function expandEnv(
  value: unknown,
  path: PropertyKey[],
  env: NodeJS.ProcessEnv,
  report: ReportProblem,
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      report(path, `environment variable ${name} is not set; export it or write \${${name}:-default}`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, [...path, i], env, report));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, [...path, k], env, report)]),
    );
  }
  return value;
}
