/**
 * A seeded generator of hostile requests at the three ingest endpoints, for the fuzz test
 * (packages/engine/src/ingest/fuzz.test.ts) and `npm run bench -- fuzz` (issue 15).
 *
 * Request `index` of `seed` depends on nothing else, so one failing request is rebuilt alone with
 * `fuzzRequest(seed, index)`. Bodies are raw text (or bytes), written by hand rather than by
 * `JSON.stringify`, so they can hold duplicate keys, broken JSON and nesting far deeper than a call stack.
 *
 * Kinds, mixed by weight: structurally valid payloads with hostile contents (prototype words as keys and
 * values, unicode, lengths at each field's limit), valid payloads with fields mutated or removed, deep
 * nesting, bodies near and over the body limit, many labels and alerts, bodies of the wrong JSON shape,
 * invalid JSON, duplicate keys, wrong content types, wrong keys, random JSON (with objects posing as
 * strings) and raw bytes.
 *
 * Over 400 lines: one generator per payload kind and endpoint shape, kept together so the weights, the
 * seeding and the shared hostile vocabularies stay in one place; it is test support, not shipped code.
 */
import { randomInt } from 'node:crypto';
import { KEYS } from './fixtures.ts';

export const FUZZ_ENDPOINTS = ['alertmanager', 'grafana', 'pagerduty'] as const;
export type FuzzEndpoint = (typeof FUZZ_ENDPOINTS)[number];

export const FUZZ_URLS: Record<FuzzEndpoint, string> = {
  alertmanager: '/api/v1/ingest/alertmanager',
  grafana: '/api/v1/ingest/grafana',
  pagerduty: '/v2/enqueue',
};

/** Each kind with its share of the requests, in percent. */
const KIND_WEIGHTS = {
  valid: 20,
  mutated: 18,
  deep: 8,
  huge: 2,
  many: 3,
  shape: 5,
  'invalid-json': 8,
  'duplicate-keys': 7,
  'content-type': 6,
  auth: 8,
  random: 10,
  bytes: 5,
} as const;
export type FuzzKind = keyof typeof KIND_WEIGHTS;
export const FUZZ_KINDS = Object.keys(KIND_WEIGHTS) as FuzzKind[];

export interface FuzzRequest {
  seed: number;
  index: number;
  endpoint: FuzzEndpoint;
  kind: FuzzKind;
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface FuzzOptions {
  /** The engine's `server.bodyLimitBytes`; bodies are sized around it. Default 1 MiB. */
  bodyLimitBytes?: number;
}

/** The seed: `FUZZ_SEED` when set (an integer 0 to 2^32 - 1), else a new random one. */
export function fuzzSeed(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FUZZ_SEED?.trim();
  if (!raw) return randomInt(2 ** 32);
  if (!/^\d{1,10}$/.test(raw) || Number(raw) >= 2 ** 32)
    throw new Error(`FUZZ_SEED must be an integer from 0 to 4294967295, not ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Requests `0 … count - 1` of `seed`. */
export function* fuzzRequests(seed: number, count: number, opts: FuzzOptions = {}): Generator<FuzzRequest> {
  for (let i = 0; i < count; i++) yield fuzzRequest(seed, i, opts);
}

/** Request `index` of `seed`: the same pair always gives the same request. */
export function fuzzRequest(seed: number, index: number, opts: FuzzOptions = {}): FuzzRequest {
  const r = new Rng(seed, index);
  const endpoint = r.pick(FUZZ_ENDPOINTS);
  const kind = r.weighted(Object.entries(KIND_WEIGHTS) as [FuzzKind, number][]);
  const limit = opts.bodyLimitBytes ?? 1024 * 1024;
  const { body, headers } = GENERATORS[kind](r, endpoint, limit);
  return { seed, index, endpoint, kind, method: 'POST', url: FUZZ_URLS[endpoint], headers, body };
}

/**
 * A request as text for a failure report: what it was, its headers and its body as a JSON string, with
 * runs of one repeated character (fillers, deep brackets) shortened to `⟪x × 1000⟫`, and the whole cut to
 * about `max` characters.
 */
export function describeFuzzRequest(req: FuzzRequest, max = 2000): string {
  const raw = typeof req.body === 'string' ? req.body : req.body.toString('utf8');
  const text = JSON.stringify(raw).replace(
    /(.)\1{31,}/gu,
    (run, c: string) => `⟪${c} × ${run.length / c.length}⟫`,
  );
  const shown =
    text.length <= max
      ? text
      : `${text.slice(0, Math.floor(max * 0.75))} … ${(text.length - max).toLocaleString('en-US')} characters left out … ${text.slice(-Math.floor(max * 0.25))}`;
  return [
    `request #${req.index} of seed ${req.seed} (fuzzRequest(${req.seed}, ${req.index}) from @klaxon/testing rebuilds it): ${req.kind} at ${req.method} ${req.url}`,
    ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v.length > 200 ? `${v.slice(0, 200)}…` : v}`),
    `body (${Buffer.byteLength(req.body).toLocaleString('en-US')} bytes${typeof req.body === 'string' ? '' : ', raw bytes'}): ${shown}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// A small, fast, seeded PRNG (sfc32), one per request.

class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number, index: number) {
    this.a = fmix(seed ^ 0x9e3779b9);
    this.b = fmix((index + 0x632be5ab) ^ this.a);
    this.c = fmix(this.a ^ this.b ^ 0x1b873593);
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 2 ** 32;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.float() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------------------
// JSON trees written by hand: objects keep their entries in order (duplicates allowed), raw fragments are
// pasted as they are.

class JObj {
  constructor(readonly entries: [string, Json][]) {}
}
class JRaw {
  constructor(readonly text: string) {}
}
type Json = null | boolean | number | string | Json[] | JObj | JRaw;

function serialize(v: Json): string {
  if (v instanceof JRaw) return v.text;
  if (v instanceof JObj)
    return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  // Lone surrogates come out as \uXXXX escapes, so the text stays well-formed and the parser rebuilds them.
  return JSON.stringify(v) ?? 'null';
}

/** An object from fixed, harmless keys (never `__proto__`: hostile keys go in through `entries`). */
function obj(fields: Record<string, Json | undefined>): JObj {
  return new JObj(Object.entries(fields).filter((e): e is [string, Json] => e[1] !== undefined));
}

// ---------------------------------------------------------------------------------------------------------
// Vocabulary.

const PROTO_WORDS = [
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
  'then',
  'length',
] as const;
/** `__proto__` as a key makes the whole body a 400 (Fastify refuses it), so it is used sparingly as a key. */
const PROTO = '__proto__';
const TIER_WORDS = [
  'T1',
  'T2',
  'T3',
  't1',
  ' T2 ',
  'T0',
  'T4',
  'critical',
  'CRITICAL',
  ' critical ',
  'page',
  'high',
  'error',
  'warning',
  'medium',
  'info',
  'informational',
  'low',
  'none',
] as const;
const SERVICES = ['kafka', 'game-api', 'cost', 'monitoring', 'KAFKA', 'unknown-service', ''] as const;
const LABEL_NAMES = [
  'alertname',
  'service',
  'severity',
  'tier',
  'summary',
  'description',
  'title',
  'instance',
  'job',
  'team',
] as const;
const UNICODE = [
  '\uD800',
  '\uDFFF',
  '\uDBFF\uDBFF',
  '\uDC00\uD800',
  '\uD83D',
  '\u0000',
  '\u0000\u0000',
  '\u202E',
  '\u202Dabc\u202C',
  '\u200F',
  '\u061C',
  '\u200B',
  '\u200D',
  '\uFEFF',
  '\uFFFD',
  '\uFFFE',
  '\uFFFF',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u001B[31m',
  '\u0007',
  '\u007F',
  '\r\n',
  '\t',
  '"',
  '\\',
  '🚨',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'Z̴̧̛a̵l̶g̷o̸',
  'مرحبا',
  'שלום',
  '日本語',
  'e\u0301',
  '\u{10FFFF}',
  '</script>',
  "'; DROP TABLE alerts; --",
  '%00',
  '${7*7}',
  '{{.}}',
] as const;
const NUMERIC_STRINGS = [
  '4',
  '04',
  '4.0',
  ' 4',
  '-0',
  '0',
  '-1',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '0x10',
  '9007199254740993',
  '1e-400',
] as const;
const TIMES = [
  '0001-01-01T00:00:00Z',
  '2026-03-28T01:59:00Z',
  '2026-03-28T01:59:00.123456789+14:00',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00.000Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '2026-02-30T25:61:61Z',
  '2026-03-28',
  'now',
  '1e10',
  '0',
  '',
  'Sat, 28 Mar 2026 01:59:00 GMT',
  '275760-09-13',
] as const;
const RAW_NUMBERS = [
  '1e309',
  '-1e309',
  '-0',
  '1E400',
  '1e-400',
  '0.0000000000000000000001',
  '123456789012345678901234567890',
  '9007199254740993',
  '4.0',
  '-4',
  '2.5',
] as const;
const EVENT_ACTIONS = [
  'TRIGGER',
  'Trigger',
  ' trigger',
  'ack',
  'acknowledged',
  'snooze',
  'resolved',
  '',
  ...PROTO_WORDS,
  PROTO,
] as const;
const WRONG_KEYS = [
  'wrong-key-0123456789abcdef',
  'x',
  '',
  ' ',
  'am-test-key-0123456789abcdeF',
  `${KEYS.alertmanager} `,
  'a'.repeat(129),
  'k'.repeat(8000),
  '../../etc/passwd',
  '%00%00%00%00%00%00%00%00',
  PROTO,
  'constructor',
] as const;

// ---------------------------------------------------------------------------------------------------------
// Strings and values.

/** A string of hostile content; `max` caps its length in UTF-16 units (slicing may leave a lone surrogate). */
function text(r: Rng, max = 256): string {
  const s = r.weighted<() => string>([
    [() => word(r), 25],
    [() => r.pick(PROTO_WORDS), 10],
    [() => PROTO, 3],
    [() => r.pick(TIER_WORDS), 8],
    [() => unicode(r), 20],
    [() => r.pick(NUMERIC_STRINGS), 6],
    [() => r.pick(TIMES), 4],
    [() => '', 4],
    [() => longText(r, max), 2],
    [() => randomChars(r, r.int(1, 40)), 14],
  ])();
  return s.length > max ? s.slice(0, max) : s;
}

function word(r: Rng): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789_-';
  let s = '';
  for (let i = r.int(1, 16); i > 0; i--) s += letters[r.int(0, letters.length - 1)];
  return s;
}

function unicode(r: Rng): string {
  let s = '';
  for (let i = r.int(1, 8); i > 0; i--) s += r.bool(0.7) ? r.pick(UNICODE) : word(r);
  return s;
}

function randomChars(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const cp = r.weighted<number>([
      [r.int(0, 0x1f), 2],
      [r.int(0x20, 0x7e), 10],
      [r.int(0x80, 0xd7ff), 4],
      [r.int(0xd800, 0xdfff), 2],
      [r.int(0xe000, 0xffff), 2],
      [r.int(0x10000, 0x10ffff), 2],
    ]);
    s += String.fromCodePoint(cp);
  }
  return s;
}

/** A string at, just under or (when the cap allows) just over a field limit. */
function longText(r: Rng, max: number): string {
  const n = r.pick([max - 1, max, max + 1, 255, 256, 1024, 1025, 16_384, 16_385].filter((x) => x > 0));
  return r.pick(['x', 'é', '🚨', 'ab\u0000']).repeat(n).slice(0, n);
}

/** A non-empty string (min 1) within `max`. */
function nonEmpty(r: Rng, max: number): string {
  return text(r, max) || word(r);
}

function dedupKey(r: Rng, max = 255): string {
  const k = r.weighted<() => string>([
    [() => `k${r.int(0, 40)}`, 40],
    [() => r.pick(PROTO_WORDS), 10],
    [() => PROTO, 2],
    [() => unicode(r), 15],
    [() => 'd'.repeat(r.pick([1, 2, 16, 32, 64, 254, 255])), 13],
    [() => randomChars(r, r.int(1, 64)), 20],
  ])();
  return (k.length > max ? k.slice(0, max) : k) || 'k';
}

/** A label or detail key; `__proto__` only when `proto` allows it. */
function key(r: Rng, proto = false): string {
  return r.weighted<() => string>([
    [() => r.pick(LABEL_NAMES), 30],
    [() => r.pick(PROTO_WORDS), 20],
    [() => PROTO, proto ? 5 : 0],
    [() => word(r), 25],
    [() => unicode(r).slice(0, 1024), 10],
    [() => r.pick(NUMERIC_STRINGS), 5],
    [() => '', 3],
    [() => 'k'.repeat(r.pick([1024, 1025])), 2],
  ])();
}

/** Any JSON value, of any type, at most `depth` levels of containers deep (plus the odd deep fragment). */
function anyValue(r: Rng, depth: number, proto = false): Json {
  return r.weighted<() => Json>([
    [() => text(r, 256), 25],
    [() => r.pick([0, -1, 1, 4, 2 ** 31, 2 ** 53, -(2 ** 53), r.int(-1e6, 1e6)]), 10],
    [() => r.float() * 10 ** r.int(-10, 20), 5],
    [() => new JRaw(r.pick(RAW_NUMBERS)), 5],
    [() => r.bool(), 5],
    [() => null, 8],
    [() => (depth > 0 ? list(r, depth, proto) : null), 15],
    [() => (depth > 0 ? record(r, depth, proto) : new JObj([])), 20],
    [() => 'x'.repeat(r.pick([1025, 16_385, 65_537])), 2],
    [() => deep(r, r.int(50, 2000)), 2],
    [() => r.pick(PROTO_WORDS), 3],
    [() => impostor(r), 3],
  ])();
}

/**
 * An object posing as a string, list or promise: a `length`, `toString`, `valueOf` or `then` of its own.
 * Code that compares, prints or awaits what it believes is a string or an array trips over it.
 */
function impostor(r: Rng): JObj {
  const unusable = new JObj([
    ['toString', r.pick<Json>([0, 'x', null, new JObj([])])],
    ['valueOf', r.pick<Json>([0, 'x', null, new JObj([])])],
  ]);
  return r.pick<() => JObj>([
    () => new JObj([['length', unusable]]),
    () => new JObj([['length', new JObj([['toString', 0]])]]),
    () => new JObj([['length', r.pick<Json>([-1, 0, 1e9, '99999', new JRaw('1e999'), null, [], true])]]),
    () =>
      new JObj([
        ['length', 2],
        ['0', 'a'],
        ['1', 'b'],
      ]),
    () => unusable,
    () => new JObj([['then', r.pick<Json>([0, 'x', new JObj([])])]]),
    () =>
      new JObj([
        ['toJSON', 0],
        ['length', 1],
      ]),
  ])();
}

function list(r: Rng, depth: number, proto = false): Json[] {
  return Array.from({ length: r.int(0, 4) }, () => anyValue(r, depth - 1, proto));
}

function record(r: Rng, depth: number, proto = false): JObj {
  return new JObj(Array.from({ length: r.int(0, 4) }, () => [key(r, proto), anyValue(r, depth - 1, proto)]));
}

/** Nesting `depth` levels deep, as raw text (no call stack is involved in writing it). */
function deep(r: Rng, depth: number): JRaw {
  const leaf = serialize(r.pick<Json>([null, 1, 'leaf', 'T1', '\u0000', new JObj([]), []]));
  switch (r.int(0, 4)) {
    case 0:
      return new JRaw(`${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`);
    case 1:
      return new JRaw(`${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`);
    case 2: {
      const k = JSON.stringify(r.pick([...PROTO_WORDS.filter((w) => w !== 'prototype'), 'tier', 'values']));
      return new JRaw(`${`{${k}:`.repeat(depth)}${leaf}${'}'.repeat(depth)}`);
    }
    case 3:
      return new JRaw(`${'[{"v":'.repeat(depth)}${leaf}${'}]'.repeat(depth)}`);
    default:
      return new JRaw(`${'{"a":[1,"x",'.repeat(depth)}${leaf}${']}'.repeat(depth)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Valid bodies with hostile contents.

function labelSet(r: Rng, annotations = false): JObj {
  const entries: [string, Json][] = [];
  if (annotations) {
    for (const k of ['summary', 'description', 'title'] as const)
      if (r.bool(0.5)) entries.push([k, text(r, 16_384)]);
  } else {
    if (r.bool(0.8)) entries.push(['alertname', text(r, 16_384) || 'A']);
    if (r.bool(0.6)) entries.push(['service', r.bool(0.6) ? r.pick(SERVICES) : text(r, 64)]);
    if (r.bool(0.5)) entries.push(['severity', r.bool(0.6) ? r.pick(TIER_WORDS) : text(r, 64)]);
    if (r.bool(0.3)) entries.push(['tier', r.bool(0.6) ? r.pick(TIER_WORDS) : text(r, 64)]);
  }
  const extra = r.weighted<number>([
    [0, 30],
    [r.int(1, 5), 55],
    [r.int(6, 50), 15],
  ]);
  for (let i = 0; i < extra; i++) entries.push([key(r).slice(0, 1024), text(r, 16_384)]);
  return new JObj(entries);
}

function webhookAlert(r: Rng, grafana: boolean): JObj {
  const a = obj({
    status: r.pick(['firing', 'firing', 'resolved']),
    labels: labelSet(r),
    annotations: r.bool(0.8) ? labelSet(r, true) : undefined,
    startsAt: r.bool(0.8) ? r.pick(TIMES) : undefined,
    endsAt: r.bool(0.6) ? r.pick(TIMES) : undefined,
    generatorURL: r.bool(0.5) ? text(r, 8192) : undefined,
    fingerprint: r.bool(0.8) ? dedupKey(r) : undefined,
  });
  if (grafana) {
    if (r.bool(0.6)) a.entries.push(['values', r.bool(0.85) ? record(r, 4) : null]);
    for (const k of ['valueString', 'silenceURL', 'dashboardURL', 'panelURL', 'imageURL'] as const)
      if (r.bool(0.3)) a.entries.push([k, text(r, k === 'valueString' ? 16_384 : 8192)]);
  }
  return a;
}

function webhookBody(r: Rng, grafana: boolean, alerts?: Json[]): JObj {
  const status = r.pick(['firing', 'resolved']);
  return obj({
    version: grafana ? (r.bool(0.7) ? r.pick(['1', '4', '']) : undefined) : '4',
    orgId: grafana && r.bool(0.5) ? r.pick([1, 0, -1, 2 ** 31]) : undefined,
    title: grafana && r.bool(0.5) ? text(r, 16_384) : undefined,
    state: grafana && r.bool(0.5) ? text(r, 64) : undefined,
    message: grafana && r.bool(0.5) ? text(r, 65_536) : undefined,
    groupKey: r.bool(0.85) ? (r.bool(0.6) ? `{}:{alertname="G${r.int(0, 20)}"}` : text(r, 8192)) : undefined,
    truncatedAlerts: r.bool(0.5) ? r.int(0, 3) : undefined,
    status,
    receiver: r.bool(0.7) ? text(r, 1024) : undefined,
    groupLabels: r.bool(0.8) ? labelSet(r) : undefined,
    commonLabels: r.bool(0.6) ? labelSet(r) : undefined,
    commonAnnotations: r.bool(0.4) ? labelSet(r, true) : undefined,
    externalURL: r.bool(0.5) ? text(r, 8192) : undefined,
    alerts:
      alerts ??
      Array.from(
        {
          length: r.weighted<number>([
            [1, 60],
            [r.int(2, 5), 35],
            [r.int(6, 30), 5],
          ]),
        },
        () => webhookAlert(r, grafana),
      ),
  });
}

function pagerDutyBody(r: Rng): JObj {
  const action = r.weighted<string>([
    ['trigger', 60],
    ['acknowledge', 15],
    ['resolve', 15],
    [r.pick(EVENT_ACTIONS), 10],
  ]);
  const details = r.bool(0.6) ? record(r, 4) : undefined;
  if (details instanceof JObj && r.bool(0.3))
    details.entries.push(['tier', r.bool(0.7) ? r.pick([...TIER_WORDS, ...PROTO_WORDS]) : anyValue(r, 1)]);
  const payload =
    action === 'trigger' || r.bool(0.3)
      ? obj({
          summary: nonEmpty(r, 1024),
          source: nonEmpty(r, 1024),
          severity: r.bool(0.95) ? r.pick(['critical', 'error', 'warning', 'info']) : text(r, 32),
          timestamp: r.bool(0.5) ? r.pick(TIMES) : undefined,
          component: r.bool(0.3) ? text(r, 1024) : undefined,
          group: r.bool(0.3) ? text(r, 1024) : undefined,
          class: r.bool(0.3) ? text(r, 1024) : undefined,
          custom_details: details,
        })
      : undefined;
  const link = () => obj({ href: text(r, 8192), text: r.bool(0.5) ? text(r, 1024) : undefined });
  const image = () =>
    obj({
      src: text(r, 8192),
      href: r.bool(0.5) ? text(r, 8192) : undefined,
      alt: r.bool(0.5) ? text(r, 1024) : undefined,
    });
  return obj({
    routing_key: r.bool(0.9) ? KEYS.pagerduty : KEYS.pagerdutyOther,
    event_action: action,
    dedup_key:
      action !== 'trigger' || r.bool(0.7)
        ? r.bool(0.95)
          ? dedupKey(r)
          : 'd'.repeat(r.pick([0, 256, 4096, 100_000]))
        : undefined,
    payload,
    images: r.bool(0.15) ? Array.from({ length: r.int(0, 3) }, image) : undefined,
    links: r.bool(0.2) ? Array.from({ length: r.int(0, 3) }, link) : undefined,
    client: r.bool(0.3) ? text(r, 1024) : undefined,
    client_url: r.bool(0.3) ? text(r, 8192) : undefined,
  });
}

function validBody(r: Rng, endpoint: FuzzEndpoint): JObj {
  return endpoint === 'pagerduty' ? pagerDutyBody(r) : webhookBody(r, endpoint === 'grafana');
}

// ---------------------------------------------------------------------------------------------------------
// Requests.

interface Generated {
  headers: Record<string, string>;
  body: string | Buffer;
}

function jsonHeaders(r: Rng, endpoint: FuzzEndpoint): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': r.bool(0.9) ? 'application/json' : 'application/json; charset=utf-8',
  };
  if (endpoint === 'alertmanager') headers.authorization = `Bearer ${KEYS.alertmanager}`;
  else if (endpoint === 'grafana') headers.authorization = `Bearer ${KEYS.grafana}`;
  else if (r.bool(0.05)) headers.authorization = `Bearer ${KEYS.alertmanager}`;
  return headers;
}

const json = (r: Rng, endpoint: FuzzEndpoint, body: Json): Generated => ({
  headers: jsonHeaders(r, endpoint),
  body: serialize(body),
});

/** Every slot of the tree (an array element or an object entry), for mutation. */
interface Slot {
  parent: Json[] | [string, Json][];
  index: number;
  inObject: boolean;
}

function slots(v: Json, out: Slot[] = []): Slot[] {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push({ parent: v, index: i, inObject: false });
      slots(x, out);
    });
  } else if (v instanceof JObj) {
    v.entries.forEach((e, i) => {
      out.push({ parent: v.entries, index: i, inObject: true });
      slots(e[1], out);
    });
  }
  return out;
}

function valueAt(s: Slot): Json {
  return s.inObject ? (s.parent as [string, Json][])[s.index]![1] : (s.parent as Json[])[s.index]!;
}

function setAt(s: Slot, v: Json): void {
  if (s.inObject) (s.parent as [string, Json][])[s.index]![1] = v;
  else (s.parent as Json[])[s.index] = v;
}

/** Swaps a number for its text and a numeric string for its number. */
function retype(v: Json): Json {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)))
    return new JRaw(String(Number(v)));
  if (typeof v === 'string') return [v];
  if (typeof v === 'boolean') return String(v);
  return null;
}

function mutate(r: Rng, root: JObj): void {
  const all = slots(root);
  if (all.length === 0) return;
  const s = r.pick(all);
  const entries = s.parent as [string, Json][];
  switch (
    r.weighted<string>([
      ['replace', 35],
      ['retype', 15],
      ['delete', 20],
      ['insert', 15],
      ['empty', 10],
      ['deep', 5],
    ])
  ) {
    case 'replace':
      return setAt(s, anyValue(r, 2, true));
    case 'retype':
      return setAt(s, retype(valueAt(s)));
    case 'delete':
      (s.parent as unknown[]).splice(s.index, 1);
      return;
    case 'insert':
      if (s.inObject) entries.splice(s.index, 0, [key(r, true), anyValue(r, 2)]);
      else (s.parent as Json[]).splice(s.index, 0, anyValue(r, 2));
      return;
    case 'empty':
      return setAt(s, r.pick<Json>([null, '', [], new JObj([]), 0, false]));
    default:
      return setAt(s, deep(r, r.int(50, 500)));
  }
}

type KindGenerator = (r: Rng, endpoint: FuzzEndpoint, limit: number) => Generated;

const GENERATORS: Record<FuzzKind, KindGenerator> = {
  valid: (r, endpoint) => json(r, endpoint, validBody(r, endpoint)),

  mutated: (r, endpoint) => {
    const body = validBody(r, endpoint);
    for (let n = r.int(1, 3); n > 0; n--) mutate(r, body);
    return json(r, endpoint, body);
  },

  deep: (r, endpoint) => {
    // From around the depth a sane limit sits at (tens of levels) to far past any call stack.
    const depth = r.weighted<number>([
      [r.int(2, 64), 20],
      [r.int(100, 999), 25],
      [r.int(1000, 4999), 25],
      [r.int(5000, 20_000), 20],
      [r.int(20_000, 100_000), 10],
    ]);
    const fragment = deep(r, depth);
    const body = validBody(r, endpoint);
    const at = (o: JObj, k: string, v: Json) => {
      const i = o.entries.findIndex((e) => e[0] === k);
      if (i >= 0) o.entries[i]![1] = v;
      else o.entries.push([k, v]);
    };
    const field = (o: JObj, k: string) => o.entries.find((e) => e[0] === k)?.[1];
    if (endpoint === 'pagerduty') {
      let payload = field(body, 'payload');
      if (!(payload instanceof JObj)) {
        payload = obj({ summary: 's', source: 'fuzz', severity: 'critical' });
        at(body, 'payload', payload);
      }
      if (r.bool(0.75)) at(payload, 'custom_details', fragment);
      else if (r.bool(0.5)) at(payload, 'custom_details', obj({ tier: 'T1', nested: fragment }));
      else at(body, r.pick(['links', 'images', 'client', 'unknown_field']), fragment);
    } else {
      const alert = (field(body, 'alerts') as JObj[])[0]!;
      if (endpoint === 'grafana' && r.bool(0.75))
        at(alert, 'values', r.bool(0.6) ? obj({ A: fragment }) : fragment);
      else if (r.bool(0.5)) at(alert, r.pick(['labels', 'annotations', 'fingerprint', 'startsAt']), fragment);
      else at(body, r.pick(['groupLabels', 'commonLabels', 'alerts', 'status', 'unknownField']), fragment);
    }
    return json(r, endpoint, body);
  },

  huge: (r, endpoint, limit) => {
    const target = r.pick([limit - 4096, limit - 64, limit - 1, limit, limit + 1, limit + 4096, 2 * limit]);
    const body = validBody(r, endpoint);
    const slot = '\u0001FILL\u0001';
    let holder: JObj;
    if (endpoint === 'pagerduty') {
      let payload = body.entries.find((e) => e[0] === 'payload')?.[1];
      if (!(payload instanceof JObj)) {
        payload = obj({ summary: 's', source: 'fuzz', severity: 'critical' });
        body.entries.push(['payload', payload]);
      }
      holder = payload;
    } else {
      holder = (body.entries.find((e) => e[0] === 'alerts')![1] as JObj[])[0]!;
    }
    const fieldName = r.pick(
      endpoint === 'pagerduty' ? ['custom_details', 'summary', 'component'] : ['generatorURL', 'fingerprint'],
    );
    holder.entries.push([fieldName, slot]);
    if (endpoint !== 'pagerduty' && r.bool(0.5)) {
      // Or a giant label value / annotation, where the schema limits each string.
      holder.entries.pop();
      const labels = holder.entries.find((e) => e[0] === 'labels')?.[1];
      if (labels instanceof JObj) labels.entries.push([r.pick(['description', 'x']), slot]);
      else holder.entries.push(['labels', new JObj([['description', slot]])]);
    }
    const [before, after] = serialize(body).split(JSON.stringify(slot)) as [string, string];
    const unit = r.pick(['x', 'x', 'é', '🚨']);
    const room = Math.max(0, target - Buffer.byteLength(before) - Buffer.byteLength(after) - 2);
    const filler = unit.repeat(Math.floor(room / Buffer.byteLength(unit)));
    return { headers: jsonHeaders(r, endpoint), body: `${before}"${filler}"${after}` };
  },

  many: (r, endpoint) => {
    const what = r.pick(['labels', 'alerts', 'details', 'links']);
    if (what === 'alerts' && endpoint !== 'pagerduty') {
      const n = r.weighted<number>([
        [r.int(50, 200), 70],
        [r.int(500, 1000), 10],
        [10_001, 20],
      ]);
      const shared = r.bool(0.5);
      const alerts = Array.from({ length: n }, (_, i) =>
        obj({
          status: r.bool(0.8) ? 'firing' : 'resolved',
          labels: obj({ alertname: 'Many', n: String(shared ? i % 7 : i) }),
          fingerprint: r.bool(0.7) ? `many-${shared ? i % 7 : i}` : undefined,
        }),
      );
      return json(r, endpoint, webhookBody(r, endpoint === 'grafana', alerts));
    }
    const n = r.pick([100, 101, 1000, 10_000]);
    const wide = new JObj(
      Array.from(
        { length: n },
        (_, i) => [r.bool(0.1) ? r.pick(PROTO_WORDS) : `l${i}`, `v${i}`] as [string, Json],
      ),
    );
    const body = validBody(r, endpoint);
    if (endpoint === 'pagerduty') {
      if (what === 'links')
        body.entries.push([
          r.pick(['links', 'images']),
          Array.from({ length: r.pick([100, 101]) }, () => obj({ href: 'h', src: 's' })),
        ]);
      else
        body.entries.push([
          'payload',
          obj({ summary: 'many', source: 'fuzz', severity: 'critical', custom_details: wide }),
        ]);
    } else {
      const alert = (body.entries.find((e) => e[0] === 'alerts')![1] as JObj[])[0]!;
      if (endpoint === 'grafana' && what === 'details') alert.entries.push(['values', wide]);
      else alert.entries.push([r.pick(['labels', 'annotations']), wide]);
      if (r.bool(0.3)) body.entries.push(['commonLabels', wide]);
    }
    return json(r, endpoint, body);
  },

  shape: (r, endpoint) => {
    const valid = () => serialize(validBody(r, endpoint));
    const body = r.pick<() => string>([
      () => 'null',
      () => '[]',
      () => '[{}]',
      () => '[null]',
      () => '0',
      () => '-1',
      () => '1e309',
      () => '"4"',
      () => 'true',
      () => 'false',
      () => '{}',
      () => '""',
      () => ' ',
      () => '\n',
      () => '',
      () => `[${valid()}]`,
      () => `[${valid()},${valid()}]`,
      () => `{"payload":${valid()}}`,
      () => JSON.stringify(valid()),
      () => '{"alerts":[]}',
      () => '{"alerts":null}',
      () => '{"version":"4","status":"firing","alerts":[]}',
      () => '{"version":"4","status":"firing","alerts":[null]}',
      () => '{"version":"4","status":"firing","alerts":[[]]}',
      () => '{"version":"4","status":"firing","alerts":{"0":{"status":"firing","labels":{}}}}',
      () => '{"routing_key":null,"event_action":null}',
      () => `{"routing_key":"${KEYS.pagerduty}","event_action":"trigger","payload":[]}`,
      () => `{"routing_key":"${KEYS.pagerduty}","event_action":"trigger","payload":null}`,
      () => `{"routing_key":"${KEYS.pagerduty}","event_action":"resolve"}`,
      () => `{"routing_key":["${KEYS.pagerduty}"],"event_action":"trigger"}`,
    ])();
    return { headers: jsonHeaders(r, endpoint), body };
  },

  'invalid-json': (r, endpoint) => {
    const t = serialize(validBody(r, endpoint));
    const at = r.int(0, t.length);
    const body = r.pick<() => string>([
      () => t.slice(0, r.int(0, t.length - 1)),
      () => t.replace(/}$/, ',}'),
      () => `${t.slice(0, at)}${r.pick(['{', '}', '[', ']', ',', ':', '"', '\\', "'", 'x'])}${t.slice(at)}`,
      () => `${t.slice(0, at)}${t.slice(at + 1)}`,
      () => t.replaceAll('"', "'"),
      () =>
        `{"x":${r.pick(['NaN', 'Infinity', '-Infinity', 'undefined', '01', '0x10', '.5', '+1', '1.'])},${t.slice(1)}`,
      () => `/* comment */${t}`,
      () => `// comment\n${t}`,
      () => `\uFEFF${t}`,
      () => `\uFEFF\uFEFF${t}`,
      () => `${t}${r.pick(['x', '}', ',', '{}', '\u0000', ' garbage', '\n{}'])}`,
      () => '{"version":"4',
      () => `{"x":"bad\\x41",${t.slice(1)}`,
      () => `{"x":"bad\\u12",${t.slice(1)}`,
      () => `{"x":"\\uD800\\u",${t.slice(1)}`,
      () => `{"x":"line\nbreak",${t.slice(1)}`,
      () => `{"x":"tab\there",${t.slice(1)}`,
      () => `{"x":"nul\u0000",${t.slice(1)}`,
      () => `{version:"4",${t.slice(1)}`,
      () => '{,}',
      () => '[,]',
      () => `${'['.repeat(r.int(1, 50_000))}`,
      () => `${'{"a":'.repeat(r.int(1, 20_000))}`,
      () => `${'{"a":['.repeat(r.int(1, 10_000))}1`,
      () => t.replace(':', '::'),
      () => t.replace(/"([a-z_]+)":/, '$1:'),
    ])();
    return { headers: jsonHeaders(r, endpoint), body };
  },

  'duplicate-keys': (r, endpoint) => {
    const body = validBody(r, endpoint);
    for (let n = r.int(1, 3); n > 0; n--) {
      const objects = [body, ...slots(body).map(valueAt)].filter((v): v is JObj => v instanceof JObj);
      const o = r.bool(0.5) ? body : r.pick(objects);
      if (o.entries.length === 0) continue;
      const i = r.int(0, o.entries.length - 1);
      const [k, v] = o.entries[i]!;
      const other = o === body ? validBody(r, endpoint).entries.find((e) => e[0] === k)?.[1] : undefined;
      const value = r.weighted<Json>([
        [v, 25],
        [other ?? anyValue(r, 2), 35],
        [anyValue(r, 2, true), 25],
        [new JObj([[PROTO, new JObj([['polluted', true]])]]), 5],
        [new JObj([['constructor', new JObj([['prototype', new JObj([['polluted', true]])]])]]), 5],
        [null, 5],
      ]);
      o.entries.splice(r.bool() ? i + 1 : i, 0, [k, value]);
    }
    return json(r, endpoint, body);
  },

  'content-type': (r, endpoint) => {
    const valid = serialize(validBody(r, endpoint));
    const body = r.pick<() => string>([
      () => valid,
      () => valid,
      () => `routing_key=${KEYS.pagerduty}&event_action=trigger&payload[summary]=s`,
      () => `<alerts><alert status="firing"/></alerts>`,
      () => `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n${valid}\r\n--x--\r\n`,
      () => 'version=4&status=firing',
    ])();
    const type = r.pick([
      undefined,
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/octet-stream',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/json;;;',
      'application/jsonx',
      'json',
      '*/*',
      'application/*',
      'text/html',
      '',
      ' ',
      'application/json, text/plain',
      `application/json; boundary=${'a'.repeat(4000)}`,
    ]);
    const headers = jsonHeaders(r, endpoint);
    if (type === undefined) delete headers['content-type'];
    else headers['content-type'] = type;
    return { headers, body };
  },

  auth: (r, endpoint) => {
    const body = validBody(r, endpoint);
    const headers = jsonHeaders(r, endpoint);
    const otherKeys = [KEYS.alertmanager, KEYS.grafana, KEYS.pagerduty, KEYS.pagerdutyOther];
    if (endpoint === 'pagerduty') {
      const i = body.entries.findIndex((e) => e[0] === 'routing_key');
      const value = r.weighted<Json | undefined>([
        [undefined, 10],
        [r.pick(WRONG_KEYS), 35],
        [r.pick([KEYS.alertmanager, KEYS.grafana]), 25],
        [r.pick<Json>([null, 0, 123, true, [KEYS.pagerduty], new JObj([['key', KEYS.pagerduty]])]), 20],
        [` ${KEYS.pagerduty}`, 5],
        [KEYS.pagerduty.toUpperCase(), 5],
      ]);
      if (value === undefined) body.entries.splice(i, 1);
      else body.entries[i]![1] = value;
      if (r.bool(0.3)) headers.authorization = `Bearer ${r.pick(otherKeys)}`;
    } else {
      const own = endpoint === 'alertmanager' ? KEYS.alertmanager : KEYS.grafana;
      const header = r.pick<string | undefined>([
        undefined,
        '',
        'Bearer',
        'Bearer ',
        `Bearer ${r.pick(WRONG_KEYS)}`,
        `Bearer ${r.pick(otherKeys.filter((k) => k !== own))}`,
        `bearer ${own}`,
        `BEARER ${own}`,
        `Bearer  ${own}`,
        `Bearer ${own} extra`,
        `Basic ${Buffer.from(`x:${own}`).toString('base64')}`,
        `Token ${own}`,
        own,
        `Bearer ${own},Bearer ${own}`,
        `Bearer ${'x'.repeat(8000)}`,
      ]);
      if (header === undefined) delete headers.authorization;
      else headers.authorization = header;
    }
    return { headers, body: serialize(body) };
  },

  random: (r, endpoint) => {
    if (r.bool(0.5)) return json(r, endpoint, anyValue(r, 5, true));
    // Random values under the endpoint's own field names, so more of them get past the first check.
    const fields =
      endpoint === 'pagerduty'
        ? ['routing_key', 'event_action', 'dedup_key', 'payload', 'images', 'links', 'client', 'client_url']
        : ['version', 'groupKey', 'status', 'receiver', 'groupLabels', 'commonLabels', 'alerts', 'values'];
    const body = new JObj(fields.filter(() => r.bool(0.7)).map((f) => [f, anyValue(r, 3)] as [string, Json]));
    if (endpoint === 'pagerduty' && r.bool(0.7)) body.entries.unshift(['routing_key', KEYS.pagerduty]);
    if (endpoint !== 'pagerduty' && r.bool(0.7)) {
      const alertFields = ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'fingerprint', 'values'];
      body.entries.push([
        'alerts',
        Array.from(
          { length: r.int(1, 3) },
          () =>
            new JObj(alertFields.filter(() => r.bool(0.6)).map((f) => [f, anyValue(r, 2)] as [string, Json])),
        ),
      ]);
    }
    return json(r, endpoint, body);
  },

  bytes: (r, endpoint) => {
    const headers = jsonHeaders(r, endpoint);
    const valid = serialize(validBody(r, endpoint));
    const bad = () =>
      Buffer.from(
        r.pick([
          [0xff],
          [0xfe, 0xff],
          [0xc0, 0xaf],
          [0xed, 0xa0, 0x80],
          [0xf4, 0x90, 0x80, 0x80],
          [0x80],
          [0xe2, 0x82],
        ]),
      );
    const body = r.pick<() => Buffer | string>([
      () => Buffer.from(Array.from({ length: r.int(0, 4096) }, () => r.int(0, 255))),
      () => {
        // Invalid UTF-8 inside a string value.
        const i = valid.indexOf(':"');
        if (i < 0) return Buffer.concat([bad(), Buffer.from(valid)]);
        return Buffer.concat([
          Buffer.from(valid.slice(0, i + 2)),
          bad(),
          bad(),
          Buffer.from(valid.slice(i + 2)),
        ]);
      },
      () => Buffer.from(`\uFEFF${valid}`, 'utf16le'),
      () => Buffer.from(valid, 'utf16le'),
      () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)]),
      // Raw lone surrogates and NUL in the text itself (not as escapes).
      () =>
        valid.replace(
          /"([a-z])/g,
          (_m, c: string) => `"${r.pick(['\uD800', '\uDFFF', '\u0000', '\u202E'])}${c}`,
        ),
      () => Buffer.from(valid, 'latin1'),
      () => Buffer.concat([Buffer.from(valid), Buffer.alloc(r.int(1, 64))]),
    ])();
    return { headers, body };
  },
};
