/**
 * The engine's structure, checked on its source: the folder import graph has no cycle, every table has
 * one writing folder, and no source file passes 400 lines without saying why in its header. The layer
 * order itself is enforced by lint (eslint.layers.js); this test also proves that lint fails on an import
 * that points up a layer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SRC, '../../..');

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !/\.(test|gen)\.ts$/.test(e.name) ? [p] : [];
  });
}

const folderOf = (file: string) => {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0]! : '(root)';
};

/** Folder → the folders it imports (relative imports only; packages are not folders of ours). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources()) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)) {
      const from = folderOf(file);
      const to = folderOf(resolve(dirname(file), m[1]!));
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** A cycle in the graph as a path (first = last), or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('engine structure', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('has no cycle between the folders of packages/engine/src', () => {
    expect(findCycle(folderGraph())).toBeNull();
  });

  it('writes each table from one folder only', () => {
    const writers = new Map<string, Set<string>>();
    for (const file of sources()) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\.(?:insertInto|updateTable|deleteFrom)\(\s*'([a-z_]+)'/g)) {
        if (!writers.has(m[1]!)) writers.set(m[1]!, new Set());
        writers.get(m[1]!)!.add(folderOf(file));
      }
    }
    const shared = [...writers]
      .filter(([, folders]) => folders.size > 1)
      .map(([t, f]) => `${t}: ${[...f].join(', ')}`);
    expect(shared).toEqual([]);
    // The check sees the tables it should (a broken regex would pass the line above vacuously).
    expect([...writers.keys()]).toEqual(
      expect.arrayContaining(['incidents', 'alerts', 'escalations', 'notifications']),
    );
  });

  it('keeps source files of every package under 400 lines unless the header says why', () => {
    const long = sources(join(ROOT, 'packages'))
      .map((file) => ({ file: relative(ROOT, file), text: readFileSync(file, 'utf8') }))
      .filter(({ text }) => text.split('\n').length > 400)
      .filter(({ text }) => !/^\/\*\*[\s\S]*?Over 400 lines:[\s\S]*?\*\//.test(text))
      .map(({ file }) => file);
    expect(long).toEqual([]);
  });

  it('fails the lint on an import that points up a layer', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    // escalation/ sits below incidents/ (eslint.layers.js): importing it from there points up.
    const file = join(SRC, 'escalation', 'policy.ts');
    const bad = `import { applyBatch } from '../incidents/apply.ts';\nexport const x = applyBatch;\n`;
    const [result] = await eslint.lintText(bad, { filePath: file });
    expect(result!.messages.map((m) => m.ruleId)).toContain('boundaries/dependencies');
    const good = `import { timelineEvent } from '../timeline/timeline.ts';\nexport const x = timelineEvent;\n`;
    const [ok] = await eslint.lintText(good, { filePath: file });
    expect(ok!.messages.filter((m) => m.ruleId === 'boundaries/dependencies')).toEqual([]);
  }, 120_000);
});
