/** The knob list as plain data, for the orchestrator, the docs and the demo feed. */
import { KNOBS } from './knobs.ts';
import type { Op, Tier } from './knob.ts';

export interface KnobInfo {
  knob: string;
  labels: string[];
  unit: string;
  help: string;
  /** The base behaviour in words. */
  base: string;
  instances: Record<string, string>[];
  /** True when the knob has transient blips (2–4 s excursions past a threshold, about once a minute). */
  blips: boolean;
  alerts: {
    alertname: string;
    tier: Tier;
    op: Op;
    /** In the knob's unit; a function of the instance for per-instance limits (HPA max), given per instance. */
    value: number | { labels: Record<string, string>; value: number }[];
    aggregate?: 'sum';
    relative?: boolean;
  }[];
}

export function knobCatalog(): KnobInfo[] {
  return KNOBS.map((k) => ({
    knob: k.name,
    labels: [...k.labels],
    unit: k.unit,
    help: k.help,
    base: k.baseDoc,
    instances: k.instances.map((l) => ({ ...l })),
    blips: k.blip !== undefined,
    alerts: k.alerts.map((a) => ({
      alertname: a.alertname,
      tier: a.tier,
      op: a.op,
      value:
        typeof a.value === 'number'
          ? a.value
          : k.instances.map((l) => ({ labels: { ...l }, value: (a.value as (l: object) => number)(l) })),
      ...(a.aggregate ? { aggregate: a.aggregate } : {}),
      ...(a.relative ? { relative: true } : {}),
    })),
  }));
}
