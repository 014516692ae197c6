import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigFileError,
  formatPath,
  formatProblem,
  loadYaml,
  parseYaml,
  type FileProblem,
  type ParseYamlOptions,
} from './index.ts';

const schema = z.strictObject({
  name: z.string(),
  services: z
    .array(z.strictObject({ id: z.string(), team: z.string(), port: z.number().int().min(1) }))
    .default([]),
});

/** The problems parseYaml throws for `text`; fails the test when it does not throw. */
function problemsOf(text: string, opts: ParseYamlOptions<z.output<typeof schema>> = {}): FileProblem[] {
  try {
    parseYaml(text, 'app.yaml', schema, opts);
  } catch (err) {
    if (err instanceof ConfigFileError) return err.problems;
    throw err;
  }
  throw new Error('expected parseYaml to throw');
}

describe('parseYaml', () => {
  it('returns the validated value, defaults applied', () => {
    expect(parseYaml('name: shop\n', 'app.yaml', schema)).toEqual({ name: 'shop', services: [] });
  });

  it('reports a bad value at its own line and column, with its path', () => {
    const text = [
      'name: shop',
      'services:',
      '  - { id: api, team: web, port: 8080 }',
      '  - id: db',
      '    team: data',
      '    port: -5',
      '',
    ].join('\n');
    const [p, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ file: 'app.yaml', path: 'services[1].port', line: 6, column: 11 });
    expect(formatProblem(p!)).toMatch(/^app\.yaml:6:11: services\[1\]\.port: /);
  });

  it('names an unknown key and the fix, where its mapping starts', () => {
    const [p] = problemsOf(
      'name: shop\nservices:\n  - id: api\n    team: web\n    port: 1\n    colour: red\n',
    );
    expect(p).toMatchObject({ path: 'services[0]', line: 3, column: 5 });
    expect(p!.message).toBe('unknown key "colour"; remove it or check the spelling');
    const [q] = problemsOf('name: shop\ncolour: red\n', { unknownKeyFix: 'see `app schema`' });
    expect(q).toMatchObject({ path: '', line: 1, column: 1 });
    expect(q!.message).toBe('unknown key "colour"; see `app schema`');
    expect(formatProblem(q!)).toBe('app.yaml:1:1: (root): unknown key "colour"; see `app schema`');
  });

  it('reports a missing value where its parent is, and says to add it', () => {
    const [p] = problemsOf('name: shop\nservices:\n  - id: api\n    port: 1\n');
    expect(p).toMatchObject({ path: 'services[0].team', line: 3, column: 5 });
    expect(p!.message).toBe('missing required value (string); add it');
  });

  it('reports a YAML syntax error with its position and does not validate', () => {
    const problems = problemsOf('name: shop\nservices: [\n  { id: api\n');
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p.path).toBe('');
      expect(p.message).toMatch(/^invalid YAML: /);
      expect(p.line).toBeGreaterThanOrEqual(2);
      expect(p.column).toBeGreaterThan(0);
    }
    const [dup] = problemsOf('name: shop\nname: again\n');
    expect(dup).toMatchObject({
      line: 2,
      column: 1,
      message: expect.stringMatching(/^invalid YAML: .*unique/),
    });
  });

  it('locates what transform and check report, and throws the caller’s error class', () => {
    class AppError extends ConfigFileError {}
    const opts = {
      transform: (value: unknown, report: (path: PropertyKey[], message: string) => void) => {
        report(['services', 0, 'team'], 'not allowed here');
        return value;
      },
      createError: (problems: FileProblem[]) => new AppError(problems),
    };
    const text = 'name: shop\nservices:\n  - id: api\n    team: web\n    port: 1\n';
    expect(() => parseYaml(text, 'app.yaml', schema, opts)).toThrow(AppError);
    expect(problemsOf(text, opts)).toEqual([
      { file: 'app.yaml', path: 'services[0].team', line: 4, column: 11, message: 'not allowed here' },
    ]);
    const checked = problemsOf(text, {
      check: (v, report) => v.name === 'shop' && report(['name'], 'taken'),
    });
    expect(checked).toEqual([{ file: 'app.yaml', path: 'name', line: 1, column: 7, message: 'taken' }]);
  });
});

describe('loadYaml', () => {
  it('reads the file and uses its name in every problem', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'config-file-')), 'app.yaml');
    writeFileSync(file, 'name: 42\n');
    expect(() => loadYaml(file, schema)).toThrow(`${file}:1:7: name: `);
  });

  it('reports an unreadable file as one problem without a position', () => {
    const file = join(tmpdir(), 'config-file-does-not-exist.yaml');
    let err: unknown;
    try {
      loadYaml(file, schema, { unreadable: (e) => `${e.code}; pass another file` });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigFileError);
    expect((err as ConfigFileError).problems).toEqual([
      { file, path: '', message: 'ENOENT; pass another file' },
    ]);
  });
});

describe('formatPath', () => {
  it('writes keys with dots and indexes in brackets', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['services', 2, 'team'])).toBe('services[2].team');
    expect(formatPath([0, 'a', 1, 2])).toBe('[0].a[1][2]');
  });
});
