import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Platform } from '../platform/platform.ts';
import { parseText } from './parse.ts';

const FROM = Date.UTC(2025, 2, 10);
const TO = FROM + 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'klaxon-sim-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('history', () => {
  const file = join(dir, 'history.om');
  const fd = openSync(file, 'w');
  let chunks = 0;
  new Platform({ seed: 5, startMs: FROM }).history({
    fromMs: FROM,
    toMs: TO,
    stepMs: 120_000,
    write: (chunk) => {
      chunks++;
      writeSync(fd, chunk);
    },
  });
  closeSync(fd);
  const text = readFileSync(file, 'utf8');

  it('streams OpenMetrics with job and instance on every sample, ending in # EOF', () => {
    expect(chunks).toBeGreaterThan(700);
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE game_server_connection_attempts counter\n');
    expect(text.match(/^# TYPE probe_success gauge$/gm)).toHaveLength(1);
    const head = text.slice(0, 2_000_000).split('\n');
    const samples = head.filter((l) => l && !l.startsWith('#')).slice(0, 5000);
    for (const l of samples) expect(l).toMatch(/job="[^"]+".*instance="[^"]+"|instance="[^"]+".*job="[^"]+"/);
    expect(text).toContain('node_filesystem_size_bytes{instance="kafka-0:9100"');
    expect(text).toMatch(
      /kafka_brokers\{job="kafka-exporter",instance="sim:kafka-exporter"\} 3 1741564800\n/,
    );
  });

  it('is accepted by promtool tsdb create-blocks-from openmetrics', () => {
    const r = spawnSync(
      'promtool',
      ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=240h', file, join(dir, 'blocks')],
      { encoding: 'utf8' },
    );
    expect(r.error, 'promtool must be installed (Debian package prometheus)').toBeUndefined();
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  }, 120_000);

  it('is continued by a live platform started at fromMs without counter resets', () => {
    const last = new Map<string, number>();
    const tail = text.slice(text.lastIndexOf(` ${(TO - 120_000) / 1000}\n`) + 1).split('\n');
    for (const line of tail) {
      const m = /^(\S+\{.*\}) (\S+) (\d+)$/.exec(line);
      if (m && Number(m[3]) === TO / 1000) last.set(m[1]!, Number(m[2]));
    }
    expect(last.size).toBeGreaterThan(250);
    const live = new Platform({ seed: 5, startMs: FROM });
    live.advanceTo(TO);
    const strip = (l: Record<string, string>, job: string) => ({
      ...l,
      job,
      instance: l.instance ?? `sim:${job}`,
    });
    let compared = 0;
    for (const job of live.targets())
      for (const s of parseText(live.exposition(job))) {
        const labels = strip(s.labels, job);
        const key = `${s.name}{${Object.entries(labels)
          .map(([k, v]) => `${k}="${v}"`)
          .join(',')}}`;
        const h = last.get(key);
        if (h === undefined) continue;
        compared++;
        if (/_total$|_bucket$|_count$|_sum$|current_offset$/.test(s.name) && !/lag_sum|aws_/.test(s.name))
          expect(s.value, key).toBeGreaterThanOrEqual(h);
        expect(s.value, key).toBeCloseTo(h, 6);
      }
    expect(compared).toBeGreaterThan(250);
  });

  it('gives a later window the same counters as the whole history at the same instant (no reset between windows)', () => {
    const mid = FROM + 12 * 3_600_000;
    const at = (t: string, ts: number) =>
      new Map(
        t
          .split('\n')
          .filter((l) => l.endsWith(` ${ts / 1000}`) && /_total\{/.test(l))
          .map((l) => [l.slice(0, l.lastIndexOf('} ') + 1), l]),
      );
    let window = '';
    new Platform({ seed: 5, startMs: FROM }).history({
      fromMs: mid,
      toMs: mid + 60_000,
      stepMs: 60_000,
      write: (c) => (window += c),
    });
    const whole = at(text, mid);
    const part = at(window, mid);
    expect(part.size).toBeGreaterThan(20);
    for (const [k, line] of part) expect(line, k).toBe(whole.get(k));
  });
});
