/**
 * The backtest against the real thing: a stack runs faults and blips for a few minutes; then the
 * backtest of the same window must find the episodes Prometheus recorded in `ALERTS` (each edge within one
 * evaluation step) and the incidents the engine opened (same alert, service and tier; opened within two
 * steps plus a second).
 */
import { expect } from 'vitest';
import { alertsSeries, backtestStack, sleep, type Stack } from '../src/index.ts';

const SECOND = 1000;

/** Faults (T2 → T1, a T3, a second T1 with its inhibited T2) and blips shorter than any for:. */
export function injectFaults(stack: Stack, t0: number): void {
  const lag = { consumergroup: 'narrative-workers', topic: 'player-actions' };
  const add = stack.platform.addFault.bind(stack.platform);
  add({
    knob: 'kafka.consumer_lag',
    labels: lag,
    set: 7000,
    startMs: t0 + 5 * SECOND,
    endMs: t0 + 60 * SECOND,
  });
  add({
    knob: 'kafka.consumer_lag',
    labels: lag,
    set: 15000,
    startMs: t0 + 25 * SECOND,
    endMs: t0 + 50 * SECOND,
  });
  add({
    knob: 'cost.anomaly_usd',
    labels: { service: 'AmazonBedrock' },
    set: 850,
    startMs: t0 + 5 * SECOND,
    endMs: t0 + 45 * SECOND,
  });
  add({
    knob: 'http.error_ratio',
    labels: { service: 'game-api' },
    set: 0.25,
    startMs: t0 + 70 * SECOND,
    endMs: t0 + 100 * SECOND,
  });
  // Blips: a lag spike for 2 s (1 min at the demo's factor) and a 1 s burst of errors: naive alarms only.
  add({
    knob: 'kafka.consumer_lag',
    labels: { consumergroup: 'analytics-etl', topic: 'telemetry' },
    set: 6000,
    startMs: t0 + 20 * SECOND,
    endMs: t0 + 22 * SECOND,
  });
  add({
    knob: 'http.error_ratio',
    labels: { service: 'narrative' },
    set: 0.3,
    startMs: t0 + 105 * SECOND,
    endMs: t0 + 106 * SECOND,
  });
}

const key = (l: Record<string, string>) =>
  JSON.stringify(Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)));

interface LiveIncident {
  id: number;
  service: string;
  tier: string;
  createdAt: string;
}

export async function checkFaithful(stack: Stack, now: () => number): Promise<void> {
  const step = stack.interval * SECOND;
  const t0 = Math.ceil(now() / step) * step + 2 * step;
  injectFaults(stack, t0);
  const toMs = t0 + 125 * SECOND;
  while (now() < toMs + 3 * step) await sleep(500);

  const result = await backtestStack(stack, { fromMs: t0, toMs });
  // Prometheus's own ALERTS: episodes that began in the window (the Watchdog fired long before).
  const observed = (await alertsSeries(stack.urls.prometheus, t0 - 10 * step, toMs, step)).filter(
    (e) => e.firingAtMs > t0 + step,
  );
  const computed = result.rules.flatMap((r) => r.episodeList);
  const describe = (xs: { labels: Record<string, string>; firingAtMs: number }[]) =>
    xs
      .map((x) => `${x.labels.alertname}[${x.labels.tier}] @${(x.firingAtMs - t0) / 1000}s`)
      .sort()
      .join('\n');
  expect(computed.length, `backtest:\n${describe(computed)}\nALERTS:\n${describe(observed)}`).toBe(
    observed.length,
  );
  expect(computed.length, 'the faults fired alerts').toBeGreaterThanOrEqual(5);
  for (const o of observed) {
    const mine = computed.filter((c) => key(c.labels) === key(o.labels));
    expect(mine.length, `backtest episodes of ${key(o.labels)}`).toBeGreaterThan(0);
    const near = mine.reduce((a, b) =>
      Math.abs(a.firingAtMs - o.firingAtMs) <= Math.abs(b.firingAtMs - o.firingAtMs) ? a : b,
    );
    expect(Math.abs(near.firingAtMs - o.firingAtMs), `firing edge of ${key(o.labels)}`).toBeLessThanOrEqual(
      step,
    );
    if (o.lastFiringMs === null || near.resolvedAtMs === null) {
      expect(
        near.resolvedAtMs === null || near.resolvedAtMs >= toMs - step,
        `${key(o.labels)} still firing`,
      ).toBe(true);
    } else {
      // Prometheus's last firing evaluation is one step before the evaluation that resolved it.
      expect(
        Math.abs(near.resolvedAtMs - (o.lastFiringMs + step)),
        `resolved edge of ${key(o.labels)}`,
      ).toBeLessThanOrEqual(step);
    }
  }
  // The blips were seen as naive alarms and never as episodes.
  expect(result.totals.naive).toBeGreaterThan(result.totals.episodes);

  // The incidents the engine opened in the window, with each one's alert name.
  const headers = { authorization: `Bearer ${stack.tokens.viewer}` };
  const list = (await (
    await fetch(`${stack.urls.engine}/api/v1/incidents?limit=500`, { headers })
  ).json()) as { incidents: LiveIncident[] };
  const live: { alert: string; service: string; tier: string; at: number }[] = [];
  for (const i of list.incidents.filter((x) => Date.parse(x.createdAt) >= t0)) {
    const detail = (await (
      await fetch(`${stack.urls.engine}/api/v1/incidents/${i.id}`, { headers })
    ).json()) as {
      alerts: { labels: Record<string, string> }[];
    };
    live.push({
      alert: detail.alerts[0]?.labels.alertname ?? '',
      service: i.service,
      tier: i.tier,
      at: Date.parse(i.createdAt),
    });
  }
  const same = (xs: { alert: string; service: string; tier: string }[]) =>
    xs.map((x) => `${x.alert}/${x.service}/${x.tier}`).sort();
  expect(same(result.incidents), 'the backtest opens the incidents the engine opened').toEqual(same(live));
  expect(live.length).toBeGreaterThanOrEqual(4);
  for (const l of live) {
    const b = result.incidents.find(
      (x) => x.alert === l.alert && x.service === l.service && x.tier === l.tier,
    )!;
    expect(Math.abs(b.openedAtMs - l.at), `${l.alert} ${l.tier} opened`).toBeLessThanOrEqual(
      2 * step + SECOND,
    );
  }
}
