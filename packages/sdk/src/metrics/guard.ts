/**
 * Cardinality guards: every label of every metric has a bound, so no request can mint a new series without
 * limit. A label either has declared values (anything else is "other") or keeps the first `maxValues` distinct
 * values it sees; values past the bound, and values too long to be a name (prompts, raw URLs), collapse to
 * "other" and are counted in `klaxon_sdk_label_overflow_total{metric,label}`.
 */

/** The value a label takes when its real value is over the bound. */
export const OVERFLOW_VALUE = 'other';

export interface LabelRule {
  /** The only values accepted, e.g. the model ids or story types a service uses. */
  values?: readonly string[];
  /** How many distinct values to keep when `values` is not given. */
  maxValues?: number;
}

export interface LabelLimits {
  /** Distinct values kept per metric and label when the label has no rule. Default 50. */
  maxValues?: number;
  /** Longest value accepted; longer ones are treated as free text. Default 100. */
  maxLength?: number;
  /** Rules by label name (Prometheus spelling), applied to every metric that has the label. */
  labels?: Readonly<Record<string, LabelRule>>;
}

export const DEFAULT_MAX_VALUES = 50;
export const DEFAULT_MAX_LENGTH = 100;

/** The bound on one label of one metric. */
export class LabelBound {
  private readonly seen = new Set<string>();

  constructor(
    private readonly allowed: ReadonlySet<string> | undefined,
    private readonly maxValues: number,
    private readonly maxLength: number,
    private readonly onOverflow: () => void,
  ) {}

  /** The value to record: `value` itself, or `OVERFLOW_VALUE`. */
  admit(value: string): string {
    if (this.allowed) return this.allowed.has(value) ? value : this.overflow();
    if (this.seen.has(value)) return value;
    if (value.length > this.maxLength || this.seen.size >= this.maxValues) return this.overflow();
    this.seen.add(value);
    return value;
  }

  private overflow(): string {
    this.onOverflow();
    return OVERFLOW_VALUE;
  }
}

/** Makes the bound for each (metric, label) pair from the limits. */
export class CardinalityGuard {
  private readonly maxValues: number;
  private readonly maxLength: number;

  constructor(
    private readonly limits: LabelLimits,
    private readonly countOverflow: (metric: string, label: string) => void,
  ) {
    this.maxValues = limits.maxValues ?? DEFAULT_MAX_VALUES;
    this.maxLength = limits.maxLength ?? DEFAULT_MAX_LENGTH;
    if (!(this.maxValues >= 1)) throw new Error(`maxValues must be at least 1, got ${this.maxValues}`);
  }

  bound(metric: string, label: string): LabelBound {
    const rule = this.limits.labels?.[label];
    const allowed = rule?.values ? new Set(rule.values) : undefined;
    return new LabelBound(allowed, rule?.maxValues ?? this.maxValues, this.maxLength, () =>
      this.countOverflow(metric, label),
    );
  }
}
