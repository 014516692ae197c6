import { describe, expect, it } from 'vitest';
import { parseConfig } from '@klaxon/engine';
import { summarizeDifferences, verifySchedule, type SourceEntry } from './verify.ts';

const person = (id: string) =>
  `  - { id: ${id}, name: ${id}, contactMethods: [{ type: email, address: ${id}@example.com }], notificationRules: { high: [{ type: email }], low: [{ type: email }] } }`;
const config = parseConfig(
  `teams: [{ id: ops, name: Ops, members: [ann, ben] }]
users:
${person('ann')}
${person('ben')}
services: [{ id: web, name: Web, team: ops }]
schedules:
  - id: weekly
    name: Weekly
    timezone: Europe/London
    layers: [{ name: w, users: [ann, ben], rotation: { type: weekly, start: '2027-03-01', handoffTime: '09:00' } }]
    overrides: [{ user: ann, from: '2027-03-10T00:00:00Z', to: '2027-03-10T06:00:00Z' }]
`,
  'verify.yaml',
  {},
);

// Written by hand from the calendar: Mondays 09:00 London, which is 08:00Z once BST starts on 2027-03-28.
const SOURCE: SourceEntry[] = [
  { start: '2027-03-01T09:00:00Z', end: '2027-03-08T09:00:00Z', userIds: ['ann'] },
  { start: '2027-03-08T09:00:00Z', end: '2027-03-10T00:00:00Z', userIds: ['ben'] },
  { start: '2027-03-10T00:00:00Z', end: '2027-03-10T06:00:00Z', userIds: ['ann'] },
  { start: '2027-03-10T06:00:00Z', end: '2027-03-15T09:00:00Z', userIds: ['ben'] },
  { start: '2027-03-15T09:00:00Z', end: '2027-03-22T09:00:00Z', userIds: ['ann'] },
  { start: '2027-03-22T09:00:00Z', end: '2027-03-29T08:00:00Z', userIds: ['ben'] },
  { start: '2027-03-29T08:00:00Z', end: '2027-04-05T08:00:00Z', userIds: ['ann'] },
  { start: '2027-04-05T08:00:00Z', end: '2027-04-12T08:00:00Z', userIds: ['ben'] },
];
const FROM = Date.parse('2027-03-01T09:00:00Z');

describe('verifySchedule', () => {
  it('finds no difference when the source agrees, across a DST change and an override', () => {
    const v = verifySchedule({ config, scheduleId: 'weekly', source: SOURCE, from: FROM, weeks: 5 });
    expect(v.differences).toEqual([]);
    expect(v.to).toBe(FROM + 35 * 86_400_000);
    // 840 hours, plus the handoffs that are not on a whole hour: none here.
    expect(v.instants).toBe(840);
  });

  it('reports the instant where a source ignores DST (09:00Z instead of 08:00Z)', () => {
    const wrong = SOURCE.map((e) => ({
      ...e,
      start: e.start === '2027-03-29T08:00:00Z' ? '2027-03-29T09:00:00Z' : e.start,
      end: e.end === '2027-03-29T08:00:00Z' ? '2027-03-29T09:00:00Z' : e.end,
    }));
    const v = verifySchedule({ config, scheduleId: 'weekly', source: wrong, from: FROM, weeks: 5 });
    expect(v.differences).toEqual([
      {
        at: Date.parse('2027-03-29T08:00:00Z'),
        iso: '2027-03-29T08:00:00.000Z',
        source: ['ben'],
        klaxon: ['ann'],
        why: 'klaxon handoff',
      },
    ]);
  });

  it('catches a difference shorter than an hour, between two whole hours, and nobody on call', () => {
    const source = [
      ...SOURCE.filter((e) => e.start !== '2027-03-15T09:00:00Z'),
      { start: '2027-03-15T09:00:00Z', end: '2027-03-15T10:15:00Z', userIds: ['ann'] },
      { start: '2027-03-15T10:45:00Z', end: '2027-03-22T09:00:00Z', userIds: ['ann'] },
    ];
    const v = verifySchedule({ config, scheduleId: 'weekly', source, from: FROM, weeks: 5 });
    expect(v.differences.map((d) => [d.iso, d.source, d.klaxon, d.why])).toEqual([
      ['2027-03-15T10:15:00.000Z', [], ['ann'], 'source handoff'],
    ]);
    expect(v.instants).toBe(842);
    expect(summarizeDifferences(v.differences)).toEqual([
      {
        from: '2027-03-15T10:15:00.000Z',
        to: '2027-03-15T10:15:00.000Z',
        source: [],
        klaxon: ['ann'],
        instants: 1,
      },
    ]);
  });

  it('refuses a schedule that is not in the config and a silly number of weeks', () => {
    expect(() => verifySchedule({ config, scheduleId: 'nope', source: [], from: FROM, weeks: 1 })).toThrow(
      /not in the imported config/,
    );
    expect(() =>
      verifySchedule({ config, scheduleId: 'weekly', source: [], from: FROM, weeks: 1000 }),
    ).toThrow(/between 1 and 104/);
  });
});
