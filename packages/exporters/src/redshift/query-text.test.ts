import { describe, expect, it } from 'vitest';
import { sanitizeQueryText } from './query-text.ts';

describe('sanitizeQueryText', () => {
  it('masks string literals, including escaped quotes and one cut off by the column width', () => {
    expect(sanitizeQueryText("select * from u where name = 'O''Brien' and k = 'sk-123")).toBe(
      "select * from u where name = '?' and k = '?",
    );
  });

  it('collapses whitespace and control characters into single spaces', () => {
    expect(sanitizeQueryText('  select\r\n\t1 \u0000 from\u0085x  ')).toBe('select 1 from x');
  });

  it('cuts to the length with an ellipsis, counting characters rather than UTF-16 units', () => {
    const cut = sanitizeQueryText(`select '${'x'.repeat(5)}' as "🎮${'é'.repeat(100)}"`, 20);
    expect([...cut]).toHaveLength(20);
    expect(cut).toBe(`select '?' as "🎮ééé…`);
    expect(sanitizeQueryText('select 1', 8)).toBe('select 1');
  });
});
