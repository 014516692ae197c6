/**
 * Reads YAML (or JSON) against a zod schema. Every problem is reported with the file, the line and column
 * of the offending node, the path inside the document and what to do about it; a YAML syntax error, a
 * schema violation or a problem found by a hook all come out the same way.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigFileError, formatPath, type FileProblem } from './problems.ts';

/** Reports a problem at `path` inside the document; its line and column are looked up for you. */
export type ReportProblem = (path: readonly PropertyKey[], message: string) => void;

export interface ParseYamlOptions<T> {
  /**
   * Rewrites the plain parsed value before validation (e.g. `${ENV}` expansion). When it reports any
   * problem, those are thrown and the schema is not consulted.
   */
  transform?: (value: unknown, report: ReportProblem) => unknown;
  /** More checks on the validated value (say, against the file name); problems it reports are thrown. */
  check?: (value: T, report: ReportProblem) => void;
  /** The fix appended to an unknown key's message. Default: `remove it or check the spelling`. */
  unknownKeyFix?: string;
  /** Builds what is thrown, so each caller keeps its own error class. Default: a ConfigFileError. */
  createError?: (problems: FileProblem[]) => Error;
}

export interface LoadYamlOptions<T> extends ParseYamlOptions<T> {
  /** The message when the file cannot be read. Default: `cannot read: <reason>`. */
  unreadable?: (err: NodeJS.ErrnoException) => string;
}

type Position = { line?: number; column?: number };

const DEFAULT_UNKNOWN_KEY_FIX = 'remove it or check the spelling';

/**
 * Parses `text` as YAML and validates it against `schema`. `file` is only used in messages. Throws
 * (by default a ConfigFileError) listing every problem.
 */
export function parseYaml<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  opts: ParseYamlOptions<z.output<S>> = {},
): z.output<S> {
  const fail = (problems: FileProblem[]) => errorFor(problems, opts);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw fail(
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
  const locate = (path: readonly PropertyKey[]) => locateNode(doc, lineCounter, path);
  const problems: FileProblem[] = [];
  const report: ReportProblem = (path, message) =>
    problems.push({ file, path: formatPath(path), ...locate(path), message });

  const plain: unknown = doc.toJS();
  const raw = opts.transform ? opts.transform(plain, report) : plain;
  if (problems.length > 0) throw fail(problems);

  const result = schema.safeParse(raw ?? {});
  if (!result.success) {
    throw fail(
      result.error.issues.map((issue) => ({
        file,
        path: formatPath(issue.path),
        ...locate(issue.path),
        message: describeIssue(issue, opts.unknownKeyFix ?? DEFAULT_UNKNOWN_KEY_FIX),
      })),
    );
  }
  const value = result.data;
  opts.check?.(value, report);
  if (problems.length > 0) throw fail(problems);
  return value;
}

/** Reads `file` and parses it as parseYaml does; an unreadable file is one problem at the file. */
export function loadYaml<S extends z.ZodType>(
  file: string,
  schema: S,
  opts: LoadYamlOptions<z.output<S>> = {},
): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const problems = [{ file, path: '', message: opts.unreadable?.(e) ?? `cannot read: ${e.message}` }];
    throw errorFor(problems, opts);
  }
  return parseYaml(text, file, schema, opts);
}

function errorFor(
  problems: FileProblem[],
  opts: { createError?: (problems: FileProblem[]) => Error },
): Error {
  return opts.createError ? opts.createError(problems) : new ConfigFileError(problems);
}

/** A zod issue as a sentence that says what to do. */
export function describeIssue(issue: z.core.$ZodIssue, unknownKeyFix = DEFAULT_UNKNOWN_KEY_FIX): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}; ${unknownKeyFix}`;
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return `missing required value (${issue.expected}); add it`;
  }
  return issue.message;
}

/** Where the node at `path` starts; a missing node is reported where its nearest existing parent is. */
function locateNode(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): Position {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true)) as
      { range?: [number, number, number] } | null | undefined;
    if (node && typeof node === 'object' && node.range) {
      const pos = lc.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}
