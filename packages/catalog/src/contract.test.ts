/** The label-bounds part of the contract mirror says what the "Label bounds" section of metrics.md says. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_METRICS,
  DECLARED_METRICS,
  OPEN_NOW_LABELS,
  UNBOUNDED_LABELS,
  UNBOUNDED_LABELS_OF,
} from './contract.ts';

const contract = resolve(import.meta.dirname, '../../../../shared/reference/metrics.md');

/** The text of a `## <title>` section, up to the next `## `. */
function section(text: string, title: string): string {
  const start = text.indexOf(`## ${title}\n`);
  if (start < 0) throw new Error(`metrics.md has no "## ${title}" section`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

const ticked = (s: string) => [...s.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);

describe.skipIf(!existsSync(contract))('label bounds', () => {
  const text = existsSync(contract) ? readFileSync(contract, 'utf8') : '';

  it('lists exactly the unbounded and open-now labels of the markdown section', () => {
    const sentences = section(text, 'Label bounds')
      .replace(/\s+/g, ' ')
      .split(/(?<=\.)\s+/);
    const openNow = sentences.filter((s) => /bounded only by what is open now/.test(s)).flatMap(ticked);
    const unbounded = sentences.filter((s) => !/bounded only/.test(s)).flatMap(ticked);
    expect(openNow.length).toBeGreaterThan(0);
    expect([...UNBOUNDED_LABELS].sort()).toEqual([...new Set(unbounded)].sort());
    expect([...OPEN_NOW_LABELS].sort()).toEqual([...new Set(openNow)].sort());
  });

  it('knows every documented metric that carries an unbounded label, and only known metrics', () => {
    // `name{label,label}` entries of the whole document whose labels include an unbounded one.
    const documented = new Map<string, string[]>();
    for (const [, name, labels] of text.matchAll(/`([a-z][a-z0-9_]*)(?:\|[^{`]*)?\{([^}`]*)\}/g)) {
      const bad = labels!
        .split(',')
        .map((l) => l.split('=')[0]!.trim())
        .filter((l) => UNBOUNDED_LABELS.includes(l));
      if (bad.length > 0) documented.set(name!, bad);
    }
    for (const [metric, labels] of documented) expect(UNBOUNDED_LABELS_OF.get(metric)).toEqual(labels);
    for (const [metric, labels] of UNBOUNDED_LABELS_OF) {
      expect([...CONTRACT_METRICS, ...DECLARED_METRICS]).toContain(metric);
      for (const l of labels) expect(UNBOUNDED_LABELS).toContain(l);
    }
  });
});
