/**
 * What goes wrong in a config file, and how it is written out: `file:line:column: path: message`.
 */

/** One problem found in a file. */
export interface FileProblem {
  file: string;
  /** Path inside the document, e.g. `services[2].team`; empty for the whole document. */
  path: string;
  line?: number;
  column?: number;
  /** What is wrong and what to do about it. */
  message: string;
}

/** `file:line:column: path: message`, or `file: path: message` when the position is unknown. */
export function formatProblem(p: FileProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}: ${p.path || '(root)'}: ${p.message}`;
}

/** A path as a person writes it: `services[2].team`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Thrown when a file cannot be used; `problems` lists every reason, the message one per line. */
export class ConfigFileError extends Error {
  readonly problems: FileProblem[];
  constructor(problems: FileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigFileError';
    this.problems = problems;
  }
}
