/**
 * Reads a config file: YAML → `${ENV}` expansion → schema validation. Every problem is reported with
 * the file, the line and column, the path inside the document and what to do about it.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type KlaxonConfig } from './schema.ts';

/** One problem found in a config file. */
export interface ConfigProblem {
  file: string;
  /** Path inside the document, e.g. `services[2].team`. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** Thrown when a config file cannot be used; `problems` lists every reason. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}: ${p.path || '(root)'}: ${p.message}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Reads and validates a config file. Throws ConfigError listing every problem. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): KlaxonConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError([{ file, path: '', message: `${reason}; pass an existing file with --config` }]);
  }
  return parseConfig(text, file, env);
}

/** Validates config text (YAML or JSON). `file` is only used in messages. */
export function parseConfig(
  text: string,
  file = '<config>',
  env: NodeJS.ProcessEnv = process.env,
): KlaxonConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          file,
          path: '',
          line: pos.line,
          column: pos.col,
          message: `invalid YAML: ${e.message.split('\n')[0]}`,
        };
      }),
    );
  }
  const problems: ConfigProblem[] = [];
  const locate = (path: readonly PropertyKey[]) => locateNode(doc, lineCounter, path);
  const raw: unknown = expandEnv(doc.toJS(), [], env, (path, message) =>
    problems.push({ file, path: formatPath(path), ...locate(path), message }),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        file,
        path: formatPath(issue.path),
        ...locate(issue.path),
        message: describeIssue(issue),
      })),
    );
  }
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; remove it or check the spelling against \`klaxon schema\``;
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return `missing required value (${issue.expected}); add it`;
  }
  return issue.message;
}

function locateNode(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
): { line?: number; column?: number } {
  // Walk up until a node exists: a missing key is reported where its parent is.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as
      { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      const pos = lc.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
    if (n === 0 && doc.contents?.range) {
      const pos = lc.linePos(doc.contents.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${VAR}` and `${VAR:-default}` inside every string value. */
function expandEnv(
  value: unknown,
  path: PropertyKey[],
  env: NodeJS.ProcessEnv,
  report: (path: PropertyKey[], message: string) => void,
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
