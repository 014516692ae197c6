import { describe, expect, it } from 'vitest';
import type { Advisory } from '../api.ts';
import {
  applyDecisions,
  commandOf,
  keepShown,
  queryFrom,
  selectRange,
  toggle,
  toggleAll,
} from './selection.ts';

const advisory = (incidentId: number, over: Partial<Advisory> = {}): Advisory => ({
  incidentId,
  team: 'platform',
  service: 'kafka',
  alert: 'KafkaSlowConsumer',
  title: `advisory ${incidentId}`,
  state: 'unreviewed',
  incidentState: 'triggered',
  firing: true,
  openedAt: '2026-11-23T10:00:00.000Z',
  deadlineAt: '2026-11-24T17:00:00.000Z',
  decidedAt: null,
  decidedBy: null,
  note: null,
  reason: null,
  promotedTo: null,
  ...over,
});

const key = (k: string, over: Partial<Parameters<typeof commandOf>[0]> = {}) =>
  commandOf({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: null, ...over });

describe('the Advisories page', () => {
  it('reads a digest deep link, and defaults to the unreviewed', () => {
    expect(queryFrom(new URLSearchParams('team=platform&service=kafka&alert=KafkaSlowConsumer'))).toEqual({
      team: 'platform',
      service: 'kafka',
      alert: 'KafkaSlowConsumer',
      state: 'unreviewed',
    });
    expect(queryFrom(new URLSearchParams('state=all')).state).toBe('all');
    expect(queryFrom(new URLSearchParams('state=dismissed')).state).toBe('dismissed');
    expect(queryFrom(new URLSearchParams('state=__proto__')).state).toBe('unreviewed');
    expect(queryFrom(new URLSearchParams(`alert=${'x'.repeat(500)}`)).alert).toHaveLength(200);
  });

  it('selects one, a shift-click range either way, and all shown', () => {
    const ids = [10, 9, 8, 7, 6];
    expect([...toggle(new Set([10]), 9)]).toEqual([10, 9]);
    expect([...toggle(new Set([10, 9]), 10)]).toEqual([9]);
    expect([...selectRange(new Set([10]), ids, 0, 3, true)].sort()).toEqual([10, 7, 8, 9].sort());
    expect([...selectRange(new Set(ids), ids, 4, 2, false)].sort()).toEqual([10, 9].sort());
    expect([...selectRange(new Set(), ids, null, 2, true)]).toEqual([8]);
    expect([...toggleAll(new Set([10]), ids)]).toEqual(ids);
    expect(toggleAll(new Set(ids), ids).size).toBe(0);
    expect(toggleAll(new Set(), []).size).toBe(0);
    expect([...keepShown(new Set([10, 99]), ids)]).toEqual([10]);
  });

  it('drops decided advisories that left the state shown, and keeps them in "all"', () => {
    const list = [advisory(3), advisory(2), advisory(1)];
    const reviewed = advisory(2, { state: 'reviewed', decidedBy: 'alice' });
    expect(applyDecisions(list, [reviewed], 'unreviewed').map((a) => a.incidentId)).toEqual([3, 1]);
    const all = applyDecisions(list, [reviewed], 'all');
    expect(all.map((a) => a.state)).toEqual(['unreviewed', 'reviewed', 'unreviewed']);
    expect(applyDecisions(list, [reviewed], 'reviewed').map((a) => a.incidentId)).toEqual([2]);
  });

  it('maps the keys, but not while typing or with a modifier', () => {
    expect(key('j')).toBe('down');
    expect(key('k')).toBe('up');
    expect(key('x')).toBe('toggle');
    expect(key('r')).toBe('review');
    expect(key('d')).toBe('dismiss');
    expect(key('a')).toBe('select-all');
    expect(key('?')).toBe('help');
    expect(key('q')).toBeNull();
    expect(key('r', { ctrlKey: true })).toBeNull();
    expect(key('r', { target: { tagName: 'TEXTAREA' } as unknown as EventTarget })).toBeNull();
    expect(key('j', { target: { tagName: 'INPUT', type: 'text' } as unknown as EventTarget })).toBeNull();
    expect(key('x', { target: { tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget })).toBe(
      'toggle',
    );
  });
});
