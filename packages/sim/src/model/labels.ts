/** Label sets: keys, subset matching and rendering in the Prometheus text formats. */

export type Labels = Readonly<Record<string, string>>;

/** A stable key for a label set (sorted names). */
export function labelKey(l: Labels): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}=${l[k]}`)
    .join(',');
}

/** True when every label in `subset` has the same value in `l` (an empty subset matches all). */
export function matches(subset: Labels | undefined, l: Labels): boolean {
  if (!subset) return true;
  return Object.entries(subset).every(([k, v]) => l[k] === v);
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** `{a="1",b="2"}` in the given order, or '' for no labels. */
export function renderLabels(l: Labels): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export const formatLabels = (l: Labels): string => `{${labelKey(l)}}`;
