import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/errors.ts';
import { storableAlert, tierOf, type IncomingAlert } from './alert.ts';

/** Names an object literal inherits: a plain-object lookup would find them in any label value. */
const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
];

const alert = (details: Record<string, unknown>): IncomingAlert => ({
  action: 'trigger',
  dedupKey: 'd',
  groupKey: 'g',
  summary: 's',
  labels: {},
  annotations: {},
  details,
  generatorUrl: null,
  startsAt: null,
  endsAt: null,
});

/** `levels` arrays, one inside the other, around 'x'. */
function nested(levels: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

describe('tierOf', () => {
  it('takes the tier label, then the severity label, then the fallback', () => {
    expect(tierOf({ tier: ' t1 ', severity: 'info' }, 'T3')).toBe('T1');
    expect(tierOf({ severity: 'Critical' }, 'T3')).toBe('T1');
    expect(tierOf({ severity: 'warning' }, 'T1')).toBe('T2');
    expect(tierOf({ severity: 'none' }, 'T1')).toBe('T3');
    expect(tierOf({}, 'T2')).toBe('T2');
  });

  it.each(PROTOTYPE_NAMES)('falls back for tier or severity %s, which no table lookup may find', (name) => {
    const cases: Record<string, string>[] = [
      { severity: name },
      { severity: name.toUpperCase() },
      { tier: name },
      { tier: name, severity: name },
    ];
    for (const labels of cases) {
      expect(tierOf(labels, 'T2')).toBe('T2');
      expect(tierOf(labels, 'T3')).toBe('T3');
    }
  });

  it('reads only the labels the alert has, not inherited ones', () => {
    const labels = Object.create({ tier: 'T1', severity: 'critical' }) as Record<string, string>;
    expect(tierOf(labels, 'T3')).toBe('T3');
  });
});

describe('storableAlert', () => {
  it('refuses details nested far deeper than any ingest body may be with payload_too_deep, not a stack overflow', () => {
    for (const levels of [3200, 100_000]) {
      let thrown: unknown;
      try {
        storableAlert(alert({ custom_details: nested(levels) }));
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ApiError);
      expect((thrown as ApiError).code).toBe('payload_too_deep');
      expect((thrown as ApiError).status).toBe(400);
      expect((thrown as ApiError).message).toMatch(/^alert\.details\.custom_details\[0\]/);
    }
  });

  it('keeps details as deep as a body may nest, and a "__proto__" key as plain data', () => {
    const details = JSON.parse('{"__proto__": {"polluted": true}, "deep": [[[["x"]]]]}') as Record<
      string,
      unknown
    >;
    const stored = storableAlert(alert({ ...details, values: nested(30) }));
    expect(Object.hasOwn(stored.details, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(stored.details)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(stored.details.values).toEqual(nested(30));
  });

  it('replaces NUL and lone surrogates in values and keys at any depth, leaving the input and the rest as they were', () => {
    const details = JSON.parse(
      '{"__proto__": {"p": 1}, "ok": "fine", "list": ["a", "b\\u0000c", ["\\ud800"]], "k\\udc00": {"x": "\\ud83d\\ude00"}}',
    ) as Record<string, unknown>;
    const before = JSON.stringify(details);
    const stored = storableAlert({ ...alert(details), summary: 'nul\u0000' });
    expect(stored.summary).toBe('nul\uFFFD');
    expect(stored.details).toEqual({
      ['__proto__']: { p: 1 },
      ok: 'fine',
      list: ['a', 'b\uFFFDc', ['\uFFFD']],
      'k\uFFFD': { x: '\ud83d\ude00' },
    });
    expect(Object.hasOwn(stored.details, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(stored.details)).toBe(Object.prototype);
    expect(JSON.stringify(details)).toBe(before);
  });
});
