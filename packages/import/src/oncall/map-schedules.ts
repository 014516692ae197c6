/**
 * OnCall schedules → Klaxon schedules: web and calendar schedules with their on-call shifts (from the
 * schedule's `shifts` and the shifts whose `schedule` is it), layers ordered by `level`, overrides; iCal-URL
 * schedules are reported with what to do by hand.
 */
import type { ImportReport } from '../report.ts';
import { IdMaker } from './ids.ts';
import type { OnCallData } from './map.ts';
import { sourceIdOf } from './map-people.ts';
import { mapShift, type LayerOut, type OverrideOut } from './shifts.ts';
import { readSchedule, readShift, type OcShift } from './types.ts';

export function mapSchedules(
  data: OnCallData,
  userIds: ReadonlyMap<string, string>,
  teamIds: ReadonlyMap<string, string>,
  now: number,
  report: ImportReport,
) {
  const ids = new IdMaker();
  const shifts = new Map<string, OcShift>();
  const bySchedule = new Map<string, string[]>();
  for (const r of data.shifts) {
    const s = readShift(r);
    if (typeof s === 'string') {
      report.skipped('on_call_shift', sourceIdOf(r), '', [s]);
      continue;
    }
    shifts.set(s.id, s);
    if (s.schedule) bySchedule.set(s.schedule, [...(bySchedule.get(s.schedule) ?? []), s.id]);
  }
  const used = new Set<string>();
  const out: Record<string, unknown>[] = [];
  const sources: string[] = [];
  const scheduleIds = new Map<string, string>();
  const userId = (oc: string) => userIds.get(oc);
  for (const r of data.schedules) {
    const sc = readSchedule(r);
    if (typeof sc === 'string') {
      report.skipped('schedule', sourceIdOf(r), '', [sc]);
      continue;
    }
    if (sc.type === 'ical' || (sc.type !== 'web' && sc.type !== 'calendar')) {
      report.add({
        kind: 'schedule',
        sourceId: sc.id,
        name: sc.name,
        outcome: 'skipped',
        notes: [
          sc.type === 'ical'
            ? `its shifts live in an external calendar (${sc.ical_url_primary ?? 'iCal URL'}) the importer does not read: recreate its rotation as layers by hand (docs/oncall.md), or turn it into a web schedule in OnCall and import again`
            : `schedule type ${sc.type} is unknown to the importer`,
        ],
      });
      continue;
    }
    const shiftIds = [...new Set([...(sc.shifts ?? []), ...(bySchedule.get(sc.id) ?? [])])];
    const mine = shiftIds.flatMap((id) => (shifts.has(id) ? [shifts.get(id)!] : []));
    const zone = mine.find((s) => s.time_zone)?.time_zone ?? sc.time_zone ?? 'UTC';
    const id = ids.make(sc.name, sc.id);
    const layers: { level: number; layer: LayerOut; source: string }[] = [];
    const overrides: OverrideOut[] = [];
    const scheduleNotes: string[] = [];
    if (sc.ical_url_overrides)
      scheduleNotes.push(
        `overrides from ${sc.ical_url_overrides} are not read: add them through Klaxon's overrides API`,
      );
    for (const shift of mine) {
      used.add(shift.id);
      const m = mapShift(shift, zone, userId, now);
      const base = { kind: 'on_call_shift', sourceId: shift.id, name: `${sc.name}: ${shift.name}` };
      if (m.kind === 'skipped') report.add({ ...base, outcome: 'skipped', notes: m.notes });
      else {
        if (m.kind === 'layer') layers.push({ level: m.level, layer: m.layer, source: shift.id });
        else overrides.push(...m.overrides);
        report.add({
          ...base,
          outcome: m.notes.length > 0 ? 'changed' : 'imported',
          klaxonId: id,
          notes: m.notes,
        });
      }
    }
    const levels = layers.map((l) => l.level);
    if (new Set(levels).size < levels.length)
      scheduleNotes.push(
        "several shifts share a level: where they overlap OnCall has all their people on call, Klaxon the later layer's",
      );
    if (layers.length === 0) {
      report.skipped('schedule', sc.id, sc.name, [
        'no shift Klaxon can import as a layer: recreate it by hand',
      ]);
      continue;
    }
    layers.sort((a, b) => a.level - b.level);
    const schedule: Record<string, unknown> = {
      id,
      name: sc.name,
      timezone: zone,
      layers: layers.map((l) => l.layer),
      overrides,
    };
    const team = sc.team_id ? teamIds.get(sc.team_id) : undefined;
    if (team) schedule.team = team;
    else schedule.overridesBy = 'responders';
    out.push(schedule);
    sources.push(sc.id);
    scheduleIds.set(sc.id, id);
    report.add({
      kind: 'schedule',
      sourceId: sc.id,
      name: sc.name,
      outcome: scheduleNotes.length > 0 ? 'changed' : 'imported',
      klaxonId: id,
      notes: scheduleNotes,
    });
  }
  for (const s of shifts.values())
    if (!used.has(s.id)) report.skipped('on_call_shift', s.id, s.name, ['belongs to no imported schedule']);
  return { schedules: out, sources, scheduleIds };
}
