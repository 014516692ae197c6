/**
 * Alertmanager's two matcher parsers, after its configuration docs ("Label matchers"): the classic one
 * (0.26 and older; `classic-mode` later) and the UTF-8 one (0.27 made it the first choice, falling back
 * to classic with a warning; `utf8-strict-mode`, the announced default, refuses what it cannot parse).
 * `compareMatcherParsers` says whether an input is incompatible with the UTF-8 parser or parses
 * differently in the two ("disagreement"), with the double-quoted form that means the same in both.
 */

export interface ParsedMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

type Parse = { ok: true; matchers: ParsedMatcher[] } | { ok: false; error: string };

const OPS = ['=~', '!~', '!=', '='] as const;
const CLASSIC = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/**
 * One classic matcher (pkg/labels ParseMatcher): OpenMetrics-style escapes, quotes optional. The error is
 * a string starting `bad matcher format` when it is no matcher at all, else about its quotes.
 */
export function classicMatcher(s: string): ParsedMatcher | string {
  const m = CLASSIC.exec(s);
  if (!m) return `bad matcher format: ${s}`;
  let raw = m[3]!;
  let expectQuote = raw.startsWith('"');
  if (expectQuote) raw = raw.slice(1);
  let value = '';
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i < chars.length - 1) {
      const e = chars[++i]!;
      value += e === 'n' ? '\n' : e === '"' || e === '\\' ? e : `\\${e}`;
    } else if (c === '"') {
      if (!expectQuote || i < chars.length - 1) return 'matcher value contains unescaped double quote';
      expectQuote = false;
    } else value += c;
  }
  if (expectQuote) return 'matcher value is missing its closing double quote';
  return { name: m[1]!, op: m[2] as ParsedMatcher['op'], value };
}

/** Alertmanager's classic ParseMatchers split: an optional `{` and `}`, commas outside unescaped quotes. */
export function splitMatchers(input: string): string[] {
  const s = input.replace(/^\{/, '').replace(/\}$/, '');
  const tokens: string[] = [];
  let token = '';
  let inQuotes = false;
  let escaped = false;
  for (const c of s) {
    if (c === ',' && !inQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (c === '"') {
      if (!escaped) inQuotes = !inQuotes;
      else escaped = false;
    } else if (c === '\\') escaped = !escaped;
    else escaped = false;
    token += c;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens;
}

/** A list item of `matchers:` in the classic parser. */
export function parseClassic(input: string): Parse {
  const matchers: ParsedMatcher[] = [];
  for (const t of splitMatchers(input)) {
    const m = classicMatcher(t);
    if (typeof m === 'string') return { ok: false, error: m };
    matchers.push(m);
  }
  return { ok: true, matchers };
}

const GO_ESCAPES = new Map(
  Object.entries({ a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 }),
);

/** The body of a Go double-quoted string literal (strconv.Unquote), as UTF-8; null when invalid. */
export function goUnquote(body: string): string | null {
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === '\n' || c === '"') return null;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      bytes.push(...utf8.encode(String.fromCodePoint(cp)));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1] ?? '';
    const simple = GO_ESCAPES.get(e);
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
      continue;
    }
    const width = { x: 2, u: 4, U: 8 }[e as 'x' | 'u' | 'U'];
    const digits = width ? body.slice(i + 2, i + 2 + width) : body.slice(i + 1, i + 4);
    if (width ? !new RegExp(`^[0-9a-fA-F]{${width}}$`).test(digits) : !/^[0-7]{3}$/.test(digits)) return null;
    const code = parseInt(digits, width ? 16 : 8);
    if (e === 'x' || !width) {
      if (code > 255) return null;
      bytes.push(code); // \x and octal escapes are raw bytes
    } else {
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
      bytes.push(...utf8.encode(String.fromCodePoint(code)));
    }
    i += width ? 2 + width : 4;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/** Reserved outside double quotes in the UTF-8 parser: whitespace and { } ! = ~ , \ " ' `. */
const RESERVED = /[\s{}!=~,\\"'`]/u;

/** A list item of `matchers:` in the UTF-8 parser (matchers/parse). */
export function parseUtf8(input: string): Parse {
  let i = 0;
  const skip = () => {
    while (i < input.length && /\s/u.test(input[i]!)) i++;
  };
  const text = (): string | null => {
    skip();
    if (input[i] === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === '\\' ? 2 : 1;
      if (j >= input.length) return null;
      const v = goUnquote(input.slice(i + 1, j));
      i = j + 1;
      return v;
    }
    const start = i;
    while (i < input.length && !RESERVED.test(input[i]!)) i++;
    return i > start ? input.slice(start, i) : null;
  };
  skip();
  const braced = input[i] === '{';
  if (braced) i++;
  const matchers: ParsedMatcher[] = [];
  for (;;) {
    skip();
    if (i >= input.length || input[i] === '}') break;
    const name = text();
    if (name === null) return { ok: false, error: `expected a label name at offset ${i}` };
    skip();
    const op = OPS.find((o) => input.startsWith(o, i));
    if (!op) return { ok: false, error: `expected one of = != =~ !~ at offset ${i}` };
    i += op.length;
    const value = text();
    if (value === null) return { ok: false, error: `expected a label value at offset ${i}` };
    matchers.push({ name, op, value });
    skip();
    if (input[i] === ',') i++;
    else if (i < input.length && input[i] !== '}')
      return { ok: false, error: `expected "," or "}" at offset ${i}` };
  }
  if (braced !== (input[i] === '}')) return { ok: false, error: 'unbalanced braces' };
  if (braced) i++;
  skip();
  if (i < input.length) return { ok: false, error: `unexpected text at offset ${i}` };
  return { ok: true, matchers };
}

/** The double-quoted form of a matcher, read the same by both parsers (when the name is classic). */
export function quotedMatcher(m: ParsedMatcher): string {
  const value = m.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${m.name}${m.op}"${value}"`;
}

export type MatcherVerdict =
  | { kind: 'unchanged' }
  | { kind: 'invalid'; error: string }
  | { kind: 'incompatible'; error: string; suggestion: string }
  | { kind: 'disagreement'; classic: ParsedMatcher[]; utf8: ParsedMatcher[]; suggestion: string };

export function compareMatcherParsers(input: string): MatcherVerdict {
  const classic = parseClassic(input);
  const utf8 = parseUtf8(input);
  // Only the UTF-8 parser reads it: 0.27+ takes it, so nothing regresses there (amtool on 0.25 refuses it).
  if (!classic.ok) return utf8.ok ? { kind: 'unchanged' } : { kind: 'invalid', error: classic.error };
  const suggestion = classic.matchers.map(quotedMatcher).join(', ');
  if (!utf8.ok) return { kind: 'incompatible', error: utf8.error, suggestion };
  if (JSON.stringify(classic.matchers) === JSON.stringify(utf8.matchers)) return { kind: 'unchanged' };
  return { kind: 'disagreement', classic: classic.matchers, utf8: utf8.matchers, suggestion };
}
