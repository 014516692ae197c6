/**
 * Reads a config file: YAML → `${ENV}` and `${file:/path}` expansion → schema validation. Every problem is
 * reported with the file, the line and column, the path inside the document and what to do about it.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
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

// `${file:/path}`, `${NAME}` or `${NAME:-default}`, in one pass: a value read from the environment or a
// file is never expanded again.
const REF = /\$\{(?:file:([^}]*)|([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?)\}/g;

/** The content of a secret file (e.g. a mounted Kubernetes Secret), trailing newlines removed. */
function readSecretFile(file: string, fail: (message: string) => void): string {
  if (!isAbsolute(file)) {
    fail(`\${file:${file}} needs an absolute path, e.g. \${file:/etc/klaxon/secrets/token}`);
    return '';
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message;
    fail(
      `cannot read ${file} for \${file:${file}} (${why}); mount the secret there (readable by the engine's user) or fix the path`,
    );
    return '';
  }
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') fail(`${file} (\${file:${file}}) is empty; put the secret in it`);
  return value;
}

/** Replaces `${VAR}`, `${VAR:-default}` and `${file:/path}` inside every string value. */
function expandEnv(
  value: unknown,
  path: PropertyKey[],
  env: NodeJS.ProcessEnv,
  report: ReportProblem,
): unknown {
  if (typeof value === 'string') {
    return value.replace(
      REF,
      (_m, file: string | undefined, name: string | undefined, fallback: string | undefined) => {
        if (file !== undefined) return readSecretFile(file, (message) => report(path, message));
        const v = env[name!];
        if (v !== undefined && v !== '') return v;
        if (fallback !== undefined) return fallback;
        report(path, `environment variable ${name} is not set; export it or write \${${name}:-default}`);
        return '';
      },
    );
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, [...path, i], env, report));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, [...path, k], env, report)]),
    );
  }
  return value;
}
