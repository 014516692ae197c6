/**
 * The simulated platform: knobs with faults, counters that integrate exactly, and one set of metric
 * families per scrape target. Deterministic for a seed; time only moves through advanceTo().
 */
import { JOBS } from '../jobs.ts';
import { KNOBS } from '../model/knobs.ts';
import { formatLabels, labelKey, matches, type Labels } from '../model/labels.ts';
import { knobKey } from '../model/knob.ts';
import { blipAt } from '../model/random.ts';
import type { BuildContext, CounterSpec, Family, KnobInstance, KnobRef } from '../model/series.ts';
import { evalWave, integrate, type Wave } from '../model/wave.ts';
import { openMetricsHeader, renderOpenMetricsSamples, renderText } from '../exposition/format.ts';
import { applyFault, FaultError, isActive, normaliseFault, type Fault, type NormalFault } from './faults.ts';

interface Instance extends KnobInstance {
  faults: NormalFault[];
}

interface Counter {
  spec: CounterSpec;
  deps: Set<Instance>;
  overlay: number;
  high: number;
  cacheT: number;
  cacheV: number;
}

export interface PlatformOptions {
  seed: number;
  /** Epoch ms: the platform's state is at this time, and counters start here. */
  startMs: number;
}

export interface HistoryOptions {
  fromMs: number;
  toMs: number;
  stepMs: number;
  write: (chunk: string) => void;
  /** Scrape gaps: no samples of `job` at times in [fromMs, toMs). Absent: every job at every step. */
  gaps?: readonly ScrapeGap[];
}

export interface ScrapeGap {
  job: string;
  fromMs: number;
  toMs: number;
}

/**
 * @example
 * const p = new Platform({ seed: 42, startMs: Date.UTC(2025, 0, 6) });
 * p.addFault({ knob: 'kafka.consumer_lag', labels: { consumergroup: 'narrative-workers' }, set: 7000, startMs: p.now() + 5000 });
 * p.advanceTo(p.now() + 60_000);
 * p.exposition('kafka-exporter'); // Prometheus text
 */
export class Platform {
  readonly seed: number;
  readonly startMs: number;
  private t: number;
  private readonly instances = new Map<string, Instance[]>();
  private readonly faults: NormalFault[] = [];
  private readonly faultInput: Fault[] = [];
  private readonly counters: Counter[] = [];
  private readonly families = new Map<string, Family[]>();
  private readonly integrals = new WeakMap<Wave, { t: number; v: number }>();

  constructor(o: PlatformOptions) {
    if (!Number.isFinite(o.seed) || !Number.isFinite(o.startMs))
      throw new TypeError('Platform needs a finite seed and startMs (epoch ms)');
    this.seed = o.seed;
    this.startMs = o.startMs;
    this.t = o.startMs;
    for (const def of KNOBS)
      this.instances.set(
        def.name,
        def.instances.map((labels) => ({
          def,
          labels,
          key: knobKey(def.name, labels),
          faults: [],
          ...(def.wave ? { wave: def.wave(labels, o.seed) } : {}),
        })),
      );
    const ctx: BuildContext = {
      seed: o.seed,
      now: () => this.t,
      knob: (name, labels) => this.ref(this.instance(name, labels)),
      counter: (spec) => this.addCounter(spec),
    };
    for (const j of JOBS) this.families.set(j.job, j.build(ctx));
  }

  /** The platform's current time, epoch ms. */
  now(): number {
    return this.t;
  }

  /**
   * Moves time forward to tMs. Counters integrate in closed form; only while a fault touches a
   * counter's knobs is it stepped, every stepMs. Earlier times are ignored.
   */
  advanceTo(tMs: number, stepMs = 1000): void {
    if (!(stepMs > 0)) throw new RangeError('stepMs must be > 0');
    while (this.t < tMs) {
      const active = this.faults.filter((f) => isActive(f, this.t, tMs));
      if (active.length === 0) {
        this.t = tMs;
        break;
      }
      const first = Math.min(...active.map((f) => f.startMs));
      if (first > this.t) {
        this.t = first;
        continue;
      }
      const t1 = Math.min(this.t + stepMs, tMs);
      this.step(this.t, t1);
      this.t = t1;
    }
  }

  /** Adds a fault. Throws FaultError naming the knob and the fix when it does not fit. */
  addFault(f: Fault): void {
    const n = normaliseFault(f);
    this.faults.push(n);
    this.faultInput.push({ ...f });
    for (const inst of this.instances.get(n.knob)!)
      if (matches(n.labels, inst.labels)) {
        inst.faults.push(n);
        inst.faults.sort((a, b) => a.startMs - b.startMs);
      }
  }

  /** Every knob and its instances' labels. */
  knobs(): { knob: string; labels: Record<string, string>[] }[] {
    return KNOBS.map((k) => ({ knob: k.name, labels: k.instances.map((l) => ({ ...l })) }));
  }

  /** A knob's value now. `labels` must pick exactly one instance (a subset is fine if unique). */
  value(knob: string, labels: Record<string, string>): number {
    return this.valueAt(this.instance(knob, labels), this.t);
  }

  /** The scrape targets' job names. */
  targets(): string[] {
    return JOBS.map((j) => j.job);
  }

  /** Prometheus text format 0.0.4 for the job, at the current time. */
  exposition(job: string): string {
    return renderText(this.familiesOf(job));
  }

  /**
   * Streams OpenMetrics for `promtool tsdb create-blocks-from openmetrics`: every target from fromMs to
   * toMs every stepMs, with job and instance labels, ending in `# EOF`. Runs on a fresh platform with
   * this one's startMs and faults, advanced to fromMs, so counters are the same as this platform's at
   * every instant: a history of any window continues a live platform started at the same startMs, and
   * two adjacent windows join without a counter reset. `gaps` leave a job's samples out (a missed scrape).
   */
  history(o: HistoryOptions): void {
    if (!(o.stepMs > 0) || !(o.toMs >= o.fromMs))
      throw new RangeError('history needs stepMs > 0 and toMs ≥ fromMs');
    if (o.fromMs < this.startMs) throw new RangeError('history cannot start before the platform does');
    const copy = new Platform({ seed: this.seed, startMs: this.startMs });
    for (const f of this.faultInput) copy.addFault(f);
    copy.advanceTo(o.fromMs, o.stepMs);
    o.write(openMetricsHeader(copy.targets().flatMap((j) => copy.familiesOf(j))));
    const cache = new WeakMap<object, string>();
    for (let t = o.fromMs; t <= o.toMs; t += o.stepMs) {
      copy.advanceTo(t, o.stepMs);
      let chunk = '';
      for (const job of copy.targets())
        if (!o.gaps?.some((g) => g.job === job && t >= g.fromMs && t < g.toMs))
          chunk += renderOpenMetricsSamples(job, copy.familiesOf(job), t, cache);
      o.write(chunk);
    }
    o.write('# EOF\n');
  }

  private familiesOf(job: string): Family[] {
    const f = this.families.get(job);
    if (!f) throw new Error(`unknown job "${job}"; targets are ${this.targets().join(', ')}`);
    return f;
  }

  private instance(knob: string, labels: Labels): Instance {
    const all = this.instances.get(knob);
    if (!all)
      throw new FaultError(`unknown knob "${knob}"; use one of: ${KNOBS.map((k) => k.name).join(', ')}`);
    const exact = all.find((i) => labelKey(i.labels) === labelKey(labels));
    if (exact) return exact;
    const hits = all.filter((i) => matches(labels, i.labels));
    if (hits.length === 1) return hits[0]!;
    throw new FaultError(
      `${knob}: labels ${formatLabels(labels)} match ${hits.length} instances; pick one of ${all.map((i) => formatLabels(i.labels)).join(' ')}`,
    );
  }

  private ref(inst: Instance): KnobRef {
    return {
      inst,
      at: (tMs = this.t) => this.valueAt(inst, tMs),
      get wave(): Wave {
        if (!inst.wave) throw new Error(`knob ${inst.def.name} has no wave; counters need a wave knob`);
        return inst.wave;
      },
    };
  }

  private valueAt(inst: Instance, tMs: number): number {
    let v = inst.wave ? evalWave(inst.wave, tMs) : inst.def.base!(inst.labels, tMs, this.seed);
    if (inst.def.blip) {
      const u = blipAt(this.seed, inst.key, tMs);
      if (u !== null) v = inst.def.blip(inst.labels, u);
    }
    for (const f of inst.faults) v = applyFault(f, v, tMs);
    return v;
  }

  private integral(w: Wave, tMs: number): number {
    const c = this.integrals.get(w);
    if (c && c.t === tMs) return c.v;
    const v = integrate(w, this.startMs, tMs);
    this.integrals.set(w, { t: tMs, v });
    return v;
  }

  private addCounter(spec: CounterSpec): () => number {
    const deps = new Set(spec.deps.map((d) => d.inst as Instance));
    const c: Counter = { spec, deps, overlay: 0, high: -Infinity, cacheT: NaN, cacheV: 0 };
    this.counters.push(c);
    return () => {
      if (c.cacheT === this.t) return c.cacheV;
      let v = (spec.start ?? 0) + spec.k * this.integral(spec.wave, this.t) + c.overlay;
      if (spec.integer) v = Math.floor(v);
      // Never report less than before: a float rounding must not look like a counter reset.
      v = Math.max(v, c.high);
      c.high = v;
      c.cacheT = this.t;
      c.cacheV = v;
      return v;
    };
  }

  /** Integrates the counters a fault touches over [t0, t1) at the midpoint rate. */
  private step(t0: number, t1: number): void {
    const hit = new Set<Instance>();
    for (const list of this.instances.values())
      for (const inst of list) if (inst.faults.some((f) => isActive(f, t0, t1))) hit.add(inst);
    if (hit.size === 0) return;
    const mid = (t0 + t1) / 2;
    for (const c of this.counters) {
      let touched = false;
      for (const d of c.deps) if (hit.has(d)) touched = true;
      if (!touched) continue;
      const inc = (Math.max(0, c.spec.rate(mid)) * (t1 - t0)) / 1000;
      c.overlay += inc - c.spec.k * integrate(c.spec.wave, t0, t1);
    }
  }
}
