/**
 * PagerDuty schedules → Klaxon schedules: every layer (PagerDuty lists the highest-priority layer first;
 * Klaxon wants the lowest first), its rotation and restrictions, the schedule's time zone and team, and
 * the overrides of the coming days. Also the source's own rendering (`final_schedule`), for the proof.
 */
import { isValidZone } from '@klaxon/engine';
import type { SourceEntry } from '../verify.ts';
import type { ImportReport } from '../report.ts';
import type { Mapped } from './people.ts';
import { mapRestrictions, mapRotation, type RestrictionOut, type RotationOut } from './rotation.ts';
import {
  IdAllocator,
  instantOf,
  int,
  isObj,
  list,
  obj,
  optStr,
  reason,
  refIds,
  str,
  type Obj,
} from './wire.ts';

export interface ScheduleOut {
  id: string;
  name: string;
  timezone: string;
  team?: string;
  layers: { name: string; users: string[]; rotation: RotationOut; restrictions?: RestrictionOut[] }[];
  overrides: { user: string; from: string; to: string }[];
}

/** A few Rails (ActiveSupport) zone names PagerDuty may return, to IANA. */
const RAILS_ZONES: Record<string, string> = {
  UTC: 'UTC',
  London: 'Europe/London',
  Dublin: 'Europe/Dublin',
  Paris: 'Europe/Paris',
  Berlin: 'Europe/Berlin',
  Amsterdam: 'Europe/Amsterdam',
  'Eastern Time (US & Canada)': 'America/New_York',
  'Central Time (US & Canada)': 'America/Chicago',
  'Mountain Time (US & Canada)': 'America/Denver',
  'Pacific Time (US & Canada)': 'America/Los_Angeles',
  Sydney: 'Australia/Sydney',
  Tokyo: 'Asia/Tokyo',
  'New Delhi': 'Asia/Kolkata',
};

export function zoneOf(name: string): string | undefined {
  if (Object.hasOwn(RAILS_ZONES, name)) return RAILS_ZONES[name];
  return isValidZone(name) ? name : undefined;
}

export interface MappedSchedules {
  schedules: Mapped<ScheduleOut>[];
  /** Klaxon schedule id → the source rendering in Klaxon user ids (unknown users as `pagerduty:<id>`). */
  renderings: Map<string, SourceEntry[]>;
}

function layerOf(
  l: Obj,
  zone: string,
  now: number,
  userIds: ReadonlyMap<string, string>,
): { layer: ScheduleOut['layers'][number]; notes: string[] } | string {
  const notes: string[] = [];
  const end = l.end === null || l.end === undefined ? null : instantOf(l, 'end');
  if (end !== null && end <= now) return `it ended at ${new Date(end).toISOString()}, before the import`;
  if (end !== null)
    notes.push(
      `Klaxon layers do not end: remove this layer from the config at ${new Date(end).toISOString()}`,
    );
  const users: string[] = [];
  for (const [i, e] of list(l, 'users').entries()) {
    const u = obj(obj(e, `users[${i}]`).user, `users[${i}].user`);
    const id = str(u, 'id');
    const kid = userIds.get(id);
    if (!kid) return `its user ${id} was not imported`;
    users.push(kid);
  }
  if (users.length === 0) return 'it has no users';
  const start = instantOf(l, 'start');
  const rotation = mapRotation({
    zone,
    virtualStart: instantOf(l, 'rotation_virtual_start'),
    turnSeconds: int(l, 'rotation_turn_length_seconds'),
    layerStart: start,
    users,
  });
  if (typeof rotation === 'string') return rotation;
  if (start > now && rotation.anchor !== start)
    notes.push(
      `it starts ${new Date(start).toISOString()}, mid-turn: in Klaxon it starts at the turn's start ${new Date(rotation.anchor).toISOString()}`,
    );
  const restrictions = mapRestrictions(list(l, 'restrictions'));
  const name = optStr(l, 'name') ?? 'layer';
  const layer: ScheduleOut['layers'][number] = { name, users: rotation.users, rotation: rotation.rotation };
  if (restrictions) layer.restrictions = restrictions;
  return { layer, notes };
}

export function mapSchedules(opts: {
  schedules: Obj[];
  overrides: ReadonlyMap<string, unknown[]>;
  now: number;
  userIds: ReadonlyMap<string, string>;
  teamIds: ReadonlyMap<string, string>;
  report: ImportReport;
  ids: Map<string, string>;
}): MappedSchedules {
  const { report, userIds, now } = opts;
  const alloc = new IdAllocator();
  const schedules: Mapped<ScheduleOut>[] = [];
  const renderings = new Map<string, SourceEntry[]>();
  for (const s of opts.schedules) {
    const pdId = str(s, 'id');
    const name = optStr(s, 'name') ?? pdId;
    try {
      const tz = str(s, 'time_zone');
      const zone = zoneOf(tz);
      if (!zone) throw new Error(`time zone ${tz} is not one Klaxon knows; recreate the schedule by hand`);
      const id = alloc.take(name, pdId);
      const notes: string[] = [];
      const layers: ScheduleOut['layers'] = [];
      // PagerDuty's GET lists the highest-priority layer first; Klaxon's list is lowest first.
      for (const [i, raw] of [...list(s, 'schedule_layers').entries()].reverse()) {
        const l = obj(raw, `schedule_layers[${i}]`);
        const layerId = optStr(l, 'id') ?? `${pdId}/layers[${i}]`;
        const layerName = `${name}: ${optStr(l, 'name') ?? `layer ${i}`}`;
        let mapped: ReturnType<typeof layerOf>;
        try {
          mapped = layerOf(l, zone, now, userIds);
        } catch (err) {
          mapped = reason(err);
        }
        if (typeof mapped === 'string') {
          report.skipped('schedule_layer', layerId, layerName, [mapped]);
          if (!mapped.startsWith('it ended')) notes.push(`layer ${layerId} not imported: ${mapped}`);
          continue;
        }
        layers.push(mapped.layer);
        report.mapped(
          'schedule_layer',
          layerId,
          layerName,
          `${id}.layers[${layers.length - 1}]`,
          mapped.notes,
        );
      }
      if (layers.length === 0) throw new Error('no layer could be imported (see its layers)');
      const value: ScheduleOut = { id, name, timezone: zone, layers, overrides: [] };
      const team = refIds(s, 'teams')
        .map((t) => opts.teamIds.get(t))
        .find((t) => t !== undefined);
      if (team) value.team = team;
      const overrides = (opts.overrides.get(pdId) ?? []).map((o, i) => obj(o, `overrides[${i}]`));
      overrides.sort((a, b) => instantOf(a, 'start') - instantOf(b, 'start'));
      for (const o of overrides) {
        const oid = optStr(o, 'id') ?? `${pdId}/override`;
        const from = instantOf(o, 'start');
        const to = instantOf(o, 'end');
        const uid = isObj(o.user) && typeof o.user.id === 'string' ? o.user.id : '';
        const user = userIds.get(uid);
        const oname = `${name}: override ${new Date(from).toISOString()}`;
        if (!user || to <= from) {
          report.skipped('override', oid, oname, [
            user ? 'it ends before it starts' : `its user ${uid} was not imported`,
          ]);
          continue;
        }
        const prev = value.overrides[value.overrides.length - 1];
        const overlap = prev && Date.parse(prev.to) > from;
        value.overrides.push({ user, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
        report.add({
          kind: 'override',
          sourceId: oid,
          name: oname,
          outcome: overlap ? 'changed' : 'imported',
          klaxonId: `${id}.overrides[${value.overrides.length - 1}]`,
          notes: overlap ? ['it overlaps the previous override: in Klaxon the later-starting one wins'] : [],
        });
      }
      opts.ids.set(pdId, id);
      schedules.push({ value, comment: `PagerDuty schedule ${pdId} (${tz})` });
      renderings.set(id, renderingOf(s, userIds));
      report.mapped('schedule', pdId, name, id, notes);
    } catch (err) {
      report.skipped('schedule', pdId, name, [reason(err)]);
    }
  }
  return { schedules, renderings };
}

/** `final_schedule.rendered_schedule_entries`, in Klaxon user ids. */
function renderingOf(s: Obj, userIds: ReadonlyMap<string, string>): SourceEntry[] {
  const final = isObj(s.final_schedule) ? s.final_schedule : {};
  return list(final, 'rendered_schedule_entries', 'final_schedule.rendered_schedule_entries').map((e, i) => {
    const entry = obj(e, `rendered_schedule_entries[${i}]`);
    const user = isObj(entry.user) && typeof entry.user.id === 'string' ? entry.user.id : '';
    return {
      start: instantOf(entry, 'start'),
      end: instantOf(entry, 'end'),
      userIds: [userIds.get(user) ?? `pagerduty:${user}`],
    };
  });
}
