import { describe, expect, it } from 'vitest';
import type { Incident } from '../api.ts';
import { filtersFrom, matches, mergeIncident } from './filters.ts';

const incident = (id: number, over: Partial<Incident> = {}): Incident => ({
  id,
  service: 'kafka',
  tier: 'T1',
  state: 'triggered',
  title: `incident ${id}`,
  source: 'alertmanager',
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  reopenCount: 0,
  ...over,
});

describe('incident list filters', () => {
  const teams = new Map([
    ['kafka', 'platform'],
    ['game-api', 'game'],
  ]);

  it('matches live incidents against the URL filters', () => {
    const f = filtersFrom(new URLSearchParams('tier=T1,T2&state=triggered,acknowledged&team=platform'));
    expect(matches(incident(1), f, teams)).toBe(true);
    expect(matches(incident(2, { tier: 'T3' }), f, teams)).toBe(false);
    expect(matches(incident(3, { state: 'resolved' }), f, teams)).toBe(false);
    expect(matches(incident(4, { service: 'game-api' }), f, teams)).toBe(false);
    expect(matches(incident(5), f, null), 'team unknown until services load').toBe(false);
  });

  it('replaces a known incident in place, adds a new matching one on top, and ignores stale events', () => {
    const list = [incident(2), incident(1)];
    const acked = incident(1, { state: 'acknowledged', updatedAt: '2026-11-23T10:01:00.000Z' });
    expect(mergeIncident(list, acked, false)?.map((i) => [i.id, i.state])).toEqual([
      [2, 'triggered'],
      [1, 'acknowledged'],
    ]);
    expect(mergeIncident(list, incident(3), true)?.map((i) => i.id)).toEqual([3, 2, 1]);
    expect(mergeIncident(list, incident(3), false)).toBeNull();
    const newer = [incident(1, { updatedAt: '2026-11-23T10:05:00.000Z' })];
    expect(mergeIncident(newer, incident(1), true)).toBeNull();
  });
});
