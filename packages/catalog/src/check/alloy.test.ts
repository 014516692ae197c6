/**
 * The Alloy grammar test: the generated config parses, its component references name blocks of the
 * same file, and broken inputs give errors with their line and column.
 */
import { describe, expect, it } from 'vitest';
import { alloyBlocks, alloyConfig, ref, renderAlloy } from '../compile/alloy.ts';
import { DEFAULT_DEPLOY } from '../compile/deploy.ts';
import { alloyErrors, parseAlloy, type AlloyExpr, type AlloyStatement } from './alloy.ts';

const generated = alloyConfig(DEFAULT_DEPLOY);

function parsed(src: string): AlloyStatement[] {
  const r = parseAlloy(src);
  if (!r.ok) throw new Error(`${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.body;
}

function references(body: AlloyStatement[]): string[] {
  const out: string[] = [];
  const path = (e: AlloyExpr): string | null =>
    e.kind === 'ident' ? e.name : e.kind === 'access' ? `${path(e.object) ?? '?'}.${e.name}` : null;
  const expr = (e: AlloyExpr): void => {
    const p = path(e);
    if (p) out.push(p);
    else if (e.kind === 'array') e.elements.forEach(expr);
  };
  const walk = (s: AlloyStatement): void => (s.kind === 'block' ? s.body.forEach(walk) : expr(s.value));
  body.forEach(walk);
  return out;
}

describe('the Alloy grammar', () => {
  it('parses the generated config into its components, with their labels, attributes and values', () => {
    const body = parsed(generated);
    expect(body.map((s) => (s.kind === 'block' ? `${s.name} "${s.label}"` : s.name))).toEqual([
      'discovery.kubernetes "pods"',
      'discovery.relabel "pods"',
      'loki.source.kubernetes "pods"',
      'loki.process "levels"',
      'loki.write "default"',
    ]);
    const write = body[4] as Extract<AlloyStatement, { kind: 'block' }>;
    const endpoint = write.body[0] as Extract<AlloyStatement, { kind: 'block' }>;
    expect(endpoint.body[0]).toMatchObject({
      kind: 'attribute',
      name: 'url',
      value: { kind: 'string', value: DEFAULT_DEPLOY.lokiUrl },
    });
    const relabel = body[1] as Extract<AlloyStatement, { kind: 'block' }>;
    expect(relabel.body.filter((s) => s.kind === 'block')).toHaveLength(5);
  });

  it('finds every component reference of the generated config defined in the file', () => {
    const refs = references(parsed(generated));
    expect(refs).toEqual([
      'discovery.kubernetes.pods.targets',
      'discovery.relabel.pods.output',
      'loki.process.levels.receiver',
      'loki.write.default.receiver',
    ]);
    expect(alloyErrors(generated)).toEqual([]);
  });

  it('reads the whole expression language: operators, calls, indexes, objects, raw strings, comments', () => {
    const src = [
      '/* a block',
      '   comment */',
      'local.file "token" {',
      '  filename = sys.env("HOME") + "/token" // trailing comment',
      '  is_secret = !false && 2 ^ 3 ^ 2 >= -1.5e3 % 7',
      '  list = [1, 2,',
      '    3,',
      '  ]',
      '  obj = { a = `raw \\d+`, "b c" = null, }',
      '  first = concat(["x"], ["y"])[0]',
      '  text = "tab\\t q\\" nl\\n \\u00e9 \\x41 \\101"',
      '}',
    ].join('\n');
    const [file] = parsed(src) as [Extract<AlloyStatement, { kind: 'block' }>];
    const value = (name: string) =>
      (file.body.find((s) => s.kind === 'attribute' && s.name === name) as { value: AlloyExpr }).value;
    // `^` binds right (2 ^ (3 ^ 2)), `&&` below the comparison.
    expect(value('is_secret')).toMatchObject({
      kind: 'binary',
      op: '&&',
      right: { op: '>=', left: { op: '^', right: { op: '^' } } },
    });
    expect(value('obj')).toMatchObject({
      kind: 'object',
      fields: [
        { key: 'a', value: { value: 'raw \\d+' } },
        { key: 'b c', value: { kind: 'null' } },
      ],
    });
    expect(value('text')).toMatchObject({ value: 'tab\t q" nl\n é A A' });
    expect(value('first')).toMatchObject({ kind: 'index', object: { kind: 'call' } });
    expect(alloyErrors(src)).toEqual([]);
  });

  it.each([
    ['an unclosed brace', 'loki.write "default" {\n  endpoint {\n    url = "x"\n  }\n', 5, 1, /not closed/],
    [
      'a bad string escape',
      'loki.write "default" {\n  endpoint {\n    url = "http:\\q"\n  }\n}\n',
      3,
      17,
      /unknown escape sequence \\q/,
    ],
    ['an unterminated string', 'a = "open\nb = 1\n', 1, 5, /not terminated/],
    ['two statements on a line', 'a = 1 b = 2\n', 1, 7, /newline between statements/],
    ['a missing comma before a line break', 'a = [1,\n  2\n  ]\n', 3, 3, /"," before the line break/],
    ['an unterminated block comment', 'a = 1\n/* no end\n', 2, 1, /comment not terminated/],
    ['a stray character', 'a = 1 ; b\n', 1, 7, /unexpected character ";"/],
  ])('reports %s with its line and column', (_what, src, line, column, message) => {
    const [error, ...rest] = alloyErrors(src);
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ line, column });
    expect(error!.message).toMatch(message);
  });

  it('reports a reference to a component the file does not define, where it is used', () => {
    const blocks = alloyBlocks(DEFAULT_DEPLOY).filter((b) => b.block !== 'loki.write');
    const src = renderAlloy(blocks);
    const errors = alloyErrors(src);
    const at = src.split('\n').findIndex((l) => l.includes('loki.write.default.receiver'));
    expect(errors).toEqual([
      {
        line: at + 1,
        column: src.split('\n')[at]!.indexOf('loki.write') + 1,
        message: expect.stringContaining(
          'loki.write.default.receiver (in forward_to) names no component export',
        ),
      },
    ]);
    // A reference without the export, and a component defined twice, are errors too.
    const twice = renderAlloy([
      ...alloyBlocks(DEFAULT_DEPLOY),
      { block: 'loki.write', label: 'default', body: [{ attr: 'x', value: ref('loki.write.default') }] },
    ]);
    expect(alloyErrors(twice).map((e) => e.message)).toEqual([
      expect.stringContaining('loki.write "default" is defined twice'),
      expect.stringContaining('loki.write.default (in x) names no component export'),
    ]);
  });

  it('escapes what it renders, so a hostile URL cannot break out of its string', () => {
    const src = alloyConfig({ ...DEFAULT_DEPLOY, lokiUrl: 'http://x"\n}\nevil "y" {' });
    expect(alloyErrors(src)).toEqual([]);
    expect(parsed(src).map((s) => s.kind === 'block' && s.name)).not.toContain('evil');
  });
});
