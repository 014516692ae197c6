/** Faults: what a scenario does to a knob, from when, for how long, and how it is applied. */
import { KNOBS, knobDef } from '../model/knobs.ts';
import { formatLabels, matches } from '../model/labels.ts';

/** One change to a knob. Times are absolute epoch milliseconds. */
export interface Fault {
  /** Must name an existing knob. */
  knob: string;
  /** Subset match: which instances of the knob; empty or absent = all. */
  labels?: Record<string, string>;
  /** Exactly one of set, add, multiply. */
  set?: number;
  add?: number;
  multiply?: number;
  startMs: number;
  /** Linear from the base to the target over this long (default 0: a step). */
  rampMs?: number;
  /** After this the knob returns to its base. */
  endMs?: number;
}

export interface NormalFault {
  knob: string;
  labels: Record<string, string>;
  op: 'set' | 'add' | 'multiply';
  v: number;
  startMs: number;
  rampMs: number;
  endMs: number;
}

export class FaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultError';
  }
}

/** Checks a fault against the knob list and returns it in one shape; throws FaultError with the fix. */
export function normaliseFault(f: Fault): NormalFault {
  const def = knobDef(f.knob);
  if (!def)
    throw new FaultError(`unknown knob "${f.knob}"; use one of: ${KNOBS.map((k) => k.name).join(', ')}`);
  const ops = (['set', 'add', 'multiply'] as const).filter((k) => f[k] !== undefined);
  if (ops.length !== 1)
    throw new FaultError(
      `fault on ${f.knob} needs exactly one of set, add or multiply (got ${ops.length ? ops.join(', ') : 'none'})`,
    );
  const op = ops[0]!;
  const v = f[op]!;
  if (!Number.isFinite(v)) throw new FaultError(`fault on ${f.knob}: ${op} must be a finite number`);
  if (!Number.isFinite(f.startMs))
    throw new FaultError(`fault on ${f.knob}: startMs must be a finite number`);
  const rampMs = f.rampMs ?? 0;
  if (!(rampMs >= 0)) throw new FaultError(`fault on ${f.knob}: rampMs must be ≥ 0`);
  const endMs = f.endMs ?? Infinity;
  if (!(endMs > f.startMs)) throw new FaultError(`fault on ${f.knob}: endMs must be after startMs`);
  const labels = { ...(f.labels ?? {}) };
  if (!def.instances.some((l) => matches(labels, l)))
    throw new FaultError(
      `fault on ${f.knob}: labels ${formatLabels(labels)} match no instance; instances are ${def.instances.map(formatLabels).join(' ')}`,
    );
  return { knob: f.knob, labels, op, v, startMs: f.startMs, rampMs, endMs };
}

export const isActive = (f: NormalFault, fromMs: number, toMs: number) =>
  f.startMs < toMs && f.endMs > fromMs;

/** The knob's value under the fault at tMs, given its base value then. */
export function applyFault(f: NormalFault, base: number, tMs: number): number {
  if (tMs < f.startMs || tMs >= f.endMs) return base;
  const target = f.op === 'set' ? f.v : f.op === 'add' ? base + f.v : base * f.v;
  if (f.rampMs > 0 && tMs < f.startMs + f.rampMs)
    return base + ((target - base) * (tMs - f.startMs)) / f.rampMs;
  return target;
}
