import { spawnSync } from 'node:child_process';
import { CONTRACT_METRICS } from '@klaxon/catalog';
import { describe, expect, it } from 'vitest';
import { Platform } from '../platform/platform.ts';
import { startSimServer } from '../server.ts';
import { parseText } from './parse.ts';

const START = Date.UTC(2025, 2, 14, 9, 30);

describe('targets', () => {
  const p = new Platform({ seed: 42, startMs: START });
  p.advanceTo(START + 3_600_000);

  it('serves every metric of the contract’s exporter sections', () => {
    // Two families exist only while something is open: an anomaly, a running query.
    p.addFault({ knob: 'cost.anomaly_usd', labels: { service: 'AmazonMSK' }, set: 340, startMs: START });
    p.addFault({ knob: 'redshift.running_query_seconds', set: 120, startMs: START });
    const served = new Set(p.targets().flatMap((j) => parseText(p.exposition(j)).map((s) => s.name)));
    const expected = [...CONTRACT_METRICS.filter((m) => !m.startsWith('klaxon_')), 'kube_pod_info'];
    expect(expected.length).toBeGreaterThan(60);
    expect(expected.filter((m) => !served.has(m))).toEqual([]);
  });

  it('serves the series the rules select on, in the targets they name', () => {
    const has = (job: string, name: string, labels: Record<string, string> = {}) =>
      parseText(p.exposition(job)).some(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
    expect(has('kube-state-metrics', 'kube_pod_info', { namespace: 'narrative' })).toBe(true);
    expect(has('blackbox', 'probe_success', { instance: 'https://api.game.example.com/healthz' })).toBe(true);
    expect(
      has('klaxon-bedrock-prober', 'probe_success', { probe: 'bedrock', model: 'anthropic.claude-3-haiku' }),
    ).toBe(true);
    expect(
      has('node-exporter', 'node_filesystem_avail_bytes', {
        instance: 'kafka-0:9100',
        mountpoint: '/var/lib/kafka/data',
      }),
    ).toBe(true);
    expect(
      has('yace', 'aws_redshift_wlmqueue_length_average', {
        dimension_QueueName: 'etl',
        account_id: '123456789012',
      }),
    ).toBe(true);
    expect(
      has('narrative', 'http_server_request_duration_seconds_count', { service_name: 'narrative' }),
    ).toBe(true);
    expect(
      has('narrative', 'gen_ai_client_operation_duration_seconds_count', {
        error_type: 'ServiceUnavailableException',
      }),
    ).toBe(true);
    const controllers = parseText(p.exposition('kafka-jmx')).filter(
      (s) => s.name === 'kafka_controller_kafkacontroller_activecontrollercount',
    );
    expect(controllers.map((s) => s.value).reduce((a, b) => a + b)).toBe(1);
  });

  it('passes promtool check metrics (lint warnings allowed, parse errors not)', () => {
    for (const job of p.targets()) {
      const r = spawnSync('promtool', ['check', 'metrics'], { input: p.exposition(job), encoding: 'utf8' });
      expect(r.error, 'promtool must be installed (Debian package prometheus)').toBeUndefined();
      const out = `${r.stdout}${r.stderr}`;
      expect(out, job).not.toMatch(/error while linting|parsing error/);
      expect([0, 3], `${job}: ${out}`).toContain(r.status);
    }
  });

  it('serves each job over HTTP, advancing the platform to now()', async () => {
    const live = new Platform({ seed: 42, startMs: START });
    let now = START + 60_000;
    const sim = await startSimServer({ platform: live, now: () => now });
    try {
      const index = (await (await fetch(`${sim.url}/`)).json()) as {
        targets: { job: string; path: string }[];
      };
      expect(index.targets).toHaveLength(13);
      expect(index.targets[0]).toEqual({ job: 'kafka-exporter', path: '/targets/kafka-exporter/metrics' });
      expect(await (await fetch(`${sim.url}/healthz`)).text()).toBe('ok\n');
      const res = await fetch(`${sim.url}/targets/game-backend/metrics`);
      expect(res.headers.get('content-type')).toContain('version=0.0.4');
      const first = parseText(await res.text()).find(
        (s) => s.name === 'game_server_connection_attempts_total',
      )!;
      expect(live.now()).toBe(now);
      now += 60_000;
      const again = parseText(await (await fetch(`${sim.url}/targets/game-backend/metrics`)).text()).find(
        (s) => sampleName(s) === sampleName(first),
      )!;
      expect(again.value).toBeGreaterThan(first.value);
      expect((await fetch(`${sim.url}/targets/nope/metrics`)).status).toBe(404);
    } finally {
      await sim.close();
    }
  });
});

const sampleName = (s: { name: string; labels: Record<string, string> }) =>
  `${s.name}${JSON.stringify(s.labels)}`;
