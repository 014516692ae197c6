import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './api.ts';

describe('safeReturnTo (the UI side of a sign-in redirect)', () => {
  it('keeps same-origin paths', () => {
    expect(safeReturnTo('/incidents/5?tier=T1#timeline')).toBe('/incidents/5?tier=T1#timeline');
  });
  it.each([
    '//evil.com',
    '/\\evil.com',
    '/.//evil.com',
    '/%2e//evil.com',
    'https://evil.com',
    '/login?x',
    null,
    '',
  ])('sends %s home', (value) => {
    const out = safeReturnTo(value);
    expect(out === '/' || (!out.startsWith('//') && new URL(out, 'http://a').origin === 'http://a')).toBe(
      true,
    );
    expect(out.startsWith('//')).toBe(false);
  });
  it('is idempotent', () => {
    for (const v of ['/a/../b', '/.//evil.com', '/x?y=%2F%2F', '/\t/evil'])
      expect(safeReturnTo(safeReturnTo(v))).toBe(safeReturnTo(v));
  });
});
