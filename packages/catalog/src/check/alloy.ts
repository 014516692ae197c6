/**
 * A parser for the Grafana Alloy configuration syntax (no Alloy binary runs here), after
 * https://grafana.com/docs/alloy/latest/get-started/configuration-syntax/: a body of attributes
 * (`name = expr`) and blocks (`a.b "label" { body }`); expressions with literals (numbers, Go-escaped
 * double-quoted strings, backtick raw strings, true/false/null), arrays, objects, references
 * (`loki.write.default.receiver`), indexing, function calls and the unary and binary operators; `//` and
 * block comments. It returns an AST or the first syntax error with its line and column;
 * alloy-references.ts checks that every component reference names a component in the file.
 */
import { alloyReferenceErrors } from './alloy-references.ts';

export interface Position {
  line: number;
  column: number;
}

export type AlloyExpr = (
  | { kind: 'string' | 'number'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'ident'; name: string }
  | { kind: 'access'; object: AlloyExpr; name: string }
  | { kind: 'index'; object: AlloyExpr; index: AlloyExpr }
  | { kind: 'call'; fn: AlloyExpr; args: AlloyExpr[] }
  | { kind: 'array'; elements: AlloyExpr[] }
  | { kind: 'object'; fields: { key: string; value: AlloyExpr }[] }
  | { kind: 'unary'; op: string; operand: AlloyExpr }
  | { kind: 'binary'; op: string; left: AlloyExpr; right: AlloyExpr }
) & { pos: Position };

export type AlloyStatement =
  | { kind: 'attribute'; name: string; value: AlloyExpr; pos: Position }
  | { kind: 'block'; name: string; label?: string; body: AlloyStatement[]; pos: Position };

export interface AlloyError extends Position {
  message: string;
}

export type AlloyParse = { ok: true; body: AlloyStatement[] } | { ok: false; error: AlloyError };

/** Alloy configs are small; refuse anything that is not, before scanning it. */
const MAX_SOURCE = 1_000_000;

type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';
interface Token extends Position {
  kind: TokenKind;
  text: string;
  /** The decoded value of a string token. */
  value?: string;
  /** A newline separates this token from the previous one. */
  newlineBefore: boolean;
}

/** Just the position of a token or node. */
const at = (p: Position): Position => ({ line: p.line, column: p.column });

class AlloySyntaxError extends Error {
  readonly pos: Position;
  constructor(pos: Position, message: string) {
    super(message);
    this.pos = at(pos);
  }
}

const PUNCT = [
  '||',
  '&&',
  '==',
  '!=',
  '<=',
  '>=',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ',',
  '.',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '!',
];
const SIMPLE_ESCAPES = new Map(
  Object.entries({ a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' }),
);
const isIdentStart = (c: string) => /[\p{L}_]/u.test(c);
const isIdentPart = (c: string) => /[\p{L}\p{Nd}_]/u.test(c);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  let newline = false;
  const here = (): Position => ({ line, column: col });
  const advance = (n = 1) => {
    for (let k = 0; k < n; k++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
        newline = true;
      } else col++;
      i++;
    }
  };
  const push = (kind: TokenKind, text: string, start: Position, value?: string) => {
    tokens.push({ kind, text, ...start, newlineBefore: newline, ...(value === undefined ? {} : { value }) });
    newline = false;
  };
  while (i < src.length) {
    const c = src[i]!;
    const start = here();
    if (/\s/.test(c)) advance();
    else if (src.startsWith('//', i)) while (i < src.length && src[i] !== '\n') advance();
    else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new AlloySyntaxError(start, 'comment not terminated: add */');
      advance(end + 2 - i);
    } else if (c === '"') push('string', '', start, scanString());
    else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new AlloySyntaxError(start, 'raw string not terminated: add the closing `');
      const value = src.slice(i + 1, end);
      advance(end + 1 - i);
      push('string', '', start, value);
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 64))!;
      advance(m[0].length);
      push('number', m[0], start);
    } else if (isIdentStart(c)) {
      let j = i;
      while (j < src.length && isIdentPart(src[j]!)) j++;
      const text = src.slice(i, j);
      advance(j - i);
      push('ident', text, start);
    } else {
      const p = PUNCT.find((x) => src.startsWith(x, i));
      if (!p) throw new AlloySyntaxError(start, `unexpected character ${JSON.stringify(c)}`);
      advance(p.length);
      push('punct', p, start);
    }
  }
  push('eof', '', here());
  return tokens;

  function scanString(): string {
    const open = here();
    advance();
    let out = '';
    for (;;) {
      const c = src[i];
      if (c === undefined || c === '\n')
        throw new AlloySyntaxError(open, 'string literal not terminated: close it with " on the same line');
      if (c === '"') {
        advance();
        return out;
      }
      if (c !== '\\') {
        out += c;
        advance();
        continue;
      }
      const at = here();
      const e = src[i + 1] ?? '';
      const simple = SIMPLE_ESCAPES.get(e);
      if (simple !== undefined) {
        out += simple;
        advance(2);
        continue;
      }
      const hex = { x: 2, u: 4, U: 8 }[e as 'x' | 'u' | 'U'];
      const digits = hex ? src.slice(i + 2, i + 2 + hex) : src.slice(i + 1, i + 4);
      if (hex ? new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits) : /^[0-7]{3}$/.test(digits)) {
        const code = parseInt(digits, hex ? 16 : 8);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
          throw new AlloySyntaxError(at, `escape sequence is an invalid Unicode code point: \\${e}${digits}`);
        out += String.fromCodePoint(code);
        advance(hex ? 2 + hex : 4);
        continue;
      }
      throw new AlloySyntaxError(
        at,
        `unknown escape sequence \\${e}: use \\\\ for a backslash (or a \`raw string\`), or one of \\a \\b \\f \\n \\r \\t \\v \\" \\xHH \\uHHHH \\UHHHHHHHH \\ooo`,
      );
    }
  }
}

/** Binary operators by precedence, lowest first; `^` is right-associative. */
const LEVELS = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%'], ['^']];

class Parser {
  private cursor = 0;
  constructor(private readonly tokens: Token[]) {}

  private get tok(): Token {
    return this.tokens[this.cursor]!;
  }
  private next(): Token {
    return this.tokens[this.cursor++]!;
  }
  private is(text: string): boolean {
    return this.tok.kind === 'punct' && this.tok.text === text;
  }
  private fail(message: string, tok = this.tok): never {
    const found = tok.kind === 'eof' ? 'end of file' : tok.kind === 'string' ? 'a string' : `"${tok.text}"`;
    throw new AlloySyntaxError(tok, `${message}, found ${found}`);
  }
  private expect(text: string, what: string): Token {
    if (!this.is(text)) this.fail(`expected ${what}`);
    return this.next();
  }

  body(closing: Token | null): AlloyStatement[] {
    const out: AlloyStatement[] = [];
    for (;;) {
      if (closing ? this.is('}') : this.tok.kind === 'eof') return out;
      if (this.tok.kind === 'eof')
        this.fail(
          `block opened at line ${closing!.line}, column ${closing!.column} is not closed: expected "}"`,
        );
      if (out.length > 0 && !this.tok.newlineBefore) this.fail('expected a newline between statements');
      out.push(this.statement());
    }
  }

  private statement(): AlloyStatement {
    const first = this.tok;
    if (first.kind !== 'ident') this.fail('expected an attribute or block name');
    this.next();
    if (this.is('=')) {
      this.next();
      return { kind: 'attribute', name: first.text, value: this.expr(), pos: at(first) };
    }
    let name = first.text;
    while (this.is('.')) {
      this.next();
      if (this.tok.kind !== 'ident') this.fail('expected an identifier after "." in a block name');
      name += `.${this.next().text}`;
    }
    const label = this.tok.kind === 'string' ? this.next().value : undefined;
    const open = this.expect('{', `"=" or "{" after ${name}`);
    const body = this.body(open);
    this.next();
    return { kind: 'block', name, ...(label === undefined ? {} : { label }), body, pos: at(first) };
  }

  expr(level = 0): AlloyExpr {
    if (level === LEVELS.length) return this.unary();
    let left = this.expr(level + 1);
    const ops = LEVELS[level]!;
    while (this.tok.kind === 'punct' && ops.includes(this.tok.text)) {
      const op = this.next().text;
      // `^` is right-associative: its right side takes the rest of the chain.
      const right = this.expr(op === '^' ? level : level + 1);
      left = { kind: 'binary', op, left, right, pos: left.pos };
    }
    return left;
  }

  private unary(): AlloyExpr {
    if (this.is('!') || this.is('-')) {
      const t = this.next();
      return { kind: 'unary', op: t.text, operand: this.unary(), pos: at(t) };
    }
    let e = this.primary();
    for (;;) {
      if (this.is('.')) {
        this.next();
        if (this.tok.kind !== 'ident') this.fail('expected a field name after "."');
        e = { kind: 'access', object: e, name: this.next().text, pos: e.pos };
      } else if (this.is('[') && !this.tok.newlineBefore) {
        this.next();
        const index = this.expr();
        this.expect(']', '"]"');
        e = { kind: 'index', object: e, index, pos: e.pos };
      } else if (this.is('(') && !this.tok.newlineBefore) {
        this.next();
        e = { kind: 'call', fn: e, args: this.list(')', 'argument list', () => this.expr()), pos: e.pos };
      } else return e;
    }
  }

  /** Comma-separated items up to `close`; a line break after an item needs a comma first (as in Go). */
  private list<T>(close: string, what: string, item: () => T): T[] {
    const items: T[] = [];
    while (!this.is(close)) {
      items.push(item());
      if (this.is(',')) this.next();
      else if (this.tok.newlineBefore) this.fail(`expected "," before the line break in ${what}`);
      else if (!this.is(close)) this.fail(`expected "," or "${close}" in ${what}`);
    }
    this.next();
    return items;
  }

  private primary(): AlloyExpr {
    const t = this.tok;
    if (t.kind === 'string') return (this.next(), { kind: 'string', value: t.value!, pos: at(t) });
    if (t.kind === 'number') return (this.next(), { kind: 'number', value: t.text, pos: at(t) });
    if (t.kind === 'ident') {
      this.next();
      if (t.text === 'true' || t.text === 'false')
        return { kind: 'bool', value: t.text === 'true', pos: at(t) };
      if (t.text === 'null') return { kind: 'null', pos: at(t) };
      return { kind: 'ident', name: t.text, pos: at(t) };
    }
    if (this.is('(')) {
      this.next();
      const inner = this.expr();
      this.expect(')', '")"');
      return inner;
    }
    if (this.is('[')) {
      this.next();
      return { kind: 'array', elements: this.list(']', 'array', () => this.expr()), pos: at(t) };
    }
    if (this.is('{')) {
      this.next();
      const fields = this.list('}', 'object', () => {
        const k = this.tok;
        if (k.kind !== 'ident' && k.kind !== 'string')
          this.fail('expected an object key (a name or a string)');
        this.next();
        this.expect('=', '"=" after the object key');
        return { key: k.kind === 'string' ? k.value! : k.text, value: this.expr() };
      });
      return { kind: 'object', fields, pos: at(t) };
    }
    return this.fail('expected an expression');
  }
}

export function parseAlloy(src: string): AlloyParse {
  if (src.length > MAX_SOURCE)
    return { ok: false, error: { line: 1, column: 1, message: `file larger than ${MAX_SOURCE} characters` } };
  try {
    return { ok: true, body: new Parser(tokenize(src)).body(null) };
  } catch (err) {
    if (err instanceof AlloySyntaxError) return { ok: false, error: { ...err.pos, message: err.message } };
    throw err;
  }
}

/** Syntax errors, or else reference errors, of an Alloy config: empty when it is sound. */
export function alloyErrors(src: string): AlloyError[] {
  const parsed = parseAlloy(src);
  return parsed.ok ? alloyReferenceErrors(parsed.body) : [parsed.error];
}
