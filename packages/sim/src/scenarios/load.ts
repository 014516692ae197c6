/**
 * Loads scenario files. Every problem names the file, the line, the path inside it and the fix.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Fault } from '../platform/faults.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

/** The scenarios shipped with the package. */
export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export interface ScenarioProblem {
  file: string;
  /** e.g. `faults[1].knob`. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export class ScenarioError extends Error {
  readonly problems: ScenarioProblem[];
  constructor(problems: ScenarioProblem[]) {
    super(
      problems
        .map(
          (p) =>
            `${p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file}: ${p.path || '(root)'}: ${p.message}`,
        )
        .join('\n'),
    );
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out;
}

function locate(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true)) as
      { range?: [number, number, number] } | undefined | null;
    if (node && typeof node === 'object' && node.range) {
      const pos = lc.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; remove it or check the spelling`;
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined'))
    return `missing required value (${issue.expected}); add it`;
  return issue.message;
}

/** Validates scenario YAML text; `file` is used in messages and, when given, must match `name`. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0)
    throw new ScenarioError(
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return {
          file,
          path: '',
          line: pos.line,
          column: pos.col,
          message: `invalid YAML: ${e.message.split('\n')[0]}`,
        };
      }),
    );
  const result = scenarioSchema.safeParse(doc.toJS() ?? {});
  if (!result.success)
    throw new ScenarioError(
      result.error.issues.map((issue) => ({
        file,
        path: formatPath(issue.path),
        ...locate(doc, lc, issue.path),
        message: describe(issue),
      })),
    );
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (file !== '<scenario>' && result.data.name !== expected)
    throw new ScenarioError([
      {
        file,
        path: 'name',
        ...locate(doc, lc, ['name']),
        message: `is "${result.data.name}" but the file is ${basename(file)}; name must equal the file name (${expected})`,
      },
    ]);
  return result.data;
}

/** Reads and validates one scenario file. Throws ScenarioError listing every problem. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError([{ file: path, path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  return parseScenario(text, path);
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
