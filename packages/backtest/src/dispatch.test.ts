/**
 * Alertmanager v0.25's dispatcher and notification pipeline, replayed into webhook deliveries:
 * dispatch/dispatch.go (an aggregation group flushes group_wait after its first alert, then every
 * group_interval; resolved alerts leave it after a flush), notify/notify.go (MuteStage drops inhibited
 * alerts and an empty list stops the pipeline; DedupStage.needsUpdate sends on a new firing alert, a newly
 * resolved one, everything resolved, or `entry.Timestamp.Before(now − repeat_interval)`), the webhook's
 * max_alerts (the first alerts in types.AlertSlice order) and inhibit/inhibit.go. The expected deliveries
 * are worked out by hand from those rules.
 */
import { describe, expect, it } from 'vitest';
import { dispatch, fingerprint, type AmAlert, type Delivery } from './dispatch.ts';
import { buildInhibitRules, buildRoutes } from './routing.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const T = Date.parse('2026-11-02T03:00:00Z');

const ROOT = {
  receiver: 'klaxon',
  group_by: ['alertname', 'service', 'tier'],
  group_wait: '30s',
  group_interval: '5m',
  repeat_interval: '4h',
};

function alert(
  labels: Record<string, string>,
  firingAtMs: number,
  resolvedAtMs: number | null = null,
): AmAlert {
  return { labels, annotations: { summary: labels.alertname ?? '' }, firingAtMs, resolvedAtMs };
}

function run(
  alerts: AmAlert[],
  o: {
    route?: Record<string, unknown>;
    inhibit?: Parameters<typeof buildInhibitRules>[0];
    inhibitors?: AmAlert[];
    receives?: (r: string) => boolean;
    maxAlerts?: number;
    untilMs?: number;
  } = {},
): Delivery[] {
  return dispatch({
    alerts,
    inhibitors: o.inhibitors ?? [],
    routes: buildRoutes({ ...ROOT, ...o.route }),
    inhibitRules: buildInhibitRules(o.inhibit),
    receives: o.receives ?? (() => true),
    maxAlerts: () => o.maxAlerts ?? 0,
    untilMs: o.untilMs ?? T + 2 * H,
  });
}

/** Each delivery as [minutes after T, receiver, "label=status" per alert]. */
const brief = (ds: Delivery[], label = 'topic') =>
  ds.map((d) => [(d.atMs - T) / M, d.receiver, d.alerts.map((a) => `${a.labels[label]}=${a.status}`)]);

describe('aggregation group timing', () => {
  const lag = (topic: string) => ({ alertname: 'Lag', service: 'kafka', tier: 'T2', topic });

  it('flushes group_wait after the first alert, then every group_interval; a newcomer waits for the next one', () => {
    const ds = run([alert(lag('a'), T, T + 7 * M), alert(lag('b'), T + M, T + 12 * M)], {
      untilMs: T + 30 * M,
    });
    expect(brief(ds)).toEqual([
      // group_wait: 30 s after A.
      [0.5, 'klaxon', ['a=firing']],
      // B arrived at 1 m into a group that already flushed: it waits for 0.5 + 5 m.
      [5.5, 'klaxon', ['a=firing', 'b=firing']],
      // A resolved at 7 m: a resolved alert not yet notified as resolved → sent; A then leaves the group.
      [10.5, 'klaxon', ['a=resolved', 'b=firing']],
      // B resolved at 12 m: nothing firing, but the last notification had firing alerts → sent.
      [15.5, 'klaxon', ['b=resolved']],
    ]);
    expect(ds[0]).toMatchObject({
      groupKey: '{}:{alertname="Lag", service="kafka", tier="T2"}',
      groupLabels: { alertname: 'Lag', service: 'kafka', tier: 'T2' },
    });
    expect(ds[2]!.alerts[0]).toMatchObject({
      startsAt: new Date(T).toISOString(),
      endsAt: new Date(T + 7 * M).toISOString(),
    });
    expect(ds[2]!.alerts[1]!.endsAt).toBe('0001-01-01T00:00:00Z');
  });

  it('sends nothing for a group whose only alert fired and resolved before its first flush', () => {
    expect(run([alert(lag('a'), T, T + 10 * S)])).toEqual([]);
  });

  it('resends unchanged firing alerts at the first flush strictly after repeat_interval', () => {
    // Flushes at 0.5 + 5k min. Logged at 0.5; at 60.5, 0.5 is not before 60.5 − 60 → not yet; at 65.5 it is.
    const ds = run([alert(lag('a'), T)], { route: { repeat_interval: '1h' }, untilMs: T + 150 * M });
    expect(brief(ds)).toEqual([
      [0.5, 'klaxon', ['a=firing']],
      [65.5, 'klaxon', ['a=firing']],
      [130.5, 'klaxon', ['a=firing']],
    ]);
  });

  it('stops at untilMs', () => {
    expect(run([alert(lag('a'), T)], { untilMs: T + 20 * S })).toEqual([]);
    expect(run([alert(lag('a'), T)], { untilMs: T + 30 * S })).toHaveLength(1);
  });
});

describe('routes and receivers', () => {
  it('notifies every route an alert takes through continue, each in its own group, even two with the same key', () => {
    const route = {
      routes: [
        { receiver: 'audit', continue: true },
        { receiver: 'audit-copy', continue: true },
        { receiver: 'pager', matchers: ['tier="T1"'], group_wait: '10s' },
      ],
    };
    const ds = run([alert({ alertname: 'Down', service: 'api', tier: 'T1', topic: 'x' }, T)], { route });
    expect(brief(ds).sort()).toEqual(
      [
        [10 / 60, 'pager', ['x=firing']],
        [0.5, 'audit', ['x=firing']],
        [0.5, 'audit-copy', ['x=firing']],
      ].sort(),
    );
    expect(ds.find((d) => d.receiver === 'pager')!.groupKey).toBe(
      '{}/{tier="T1"}:{alertname="Down", service="api", tier="T1"}',
    );
  });

  it('delivers nothing to a receiver that reaches nobody', () => {
    const route = { routes: [{ receiver: 'blackhole', matchers: ['tier="T3"'] }] };
    const ds = run(
      [
        alert({ alertname: 'Info', tier: 'T3', topic: 'i' }, T),
        alert({ alertname: 'Warn', tier: 'T2', topic: 'w' }, T),
      ],
      { route, receives: (r) => r !== 'blackhole' },
    );
    expect(brief(ds)).toEqual([[0.5, 'klaxon', ['w=firing']]]);
  });

  it("truncates to max_alerts, keeping the first alerts in Alertmanager's order (job, instance, then labels)", () => {
    const pod = (instance: string | null, at: number) =>
      alert(
        { alertname: 'PodDown', service: 'api', tier: 'T2', ...(instance ? { job: 'api', instance } : {}) },
        at,
      );
    // Firing order: the one without job/instance, i3, i1, i2; Alertmanager sorts i1, i2, i3, then it.
    const ds = run([pod(null, T), pod('i3', T + S), pod('i1', T + 2 * S), pod('i2', T + 3 * S)], {
      maxAlerts: 3,
    });
    expect(ds[0]!.alerts.map((a) => a.labels.instance)).toEqual(['i1', 'i2', 'i3']);
  });
});

describe('inhibition', () => {
  const inhibit = [{ source_matchers: ['tier="T1"'], target_matchers: ['tier="T2"'], equal: ['service'] }];
  const down = { alertname: 'ApiDown', service: 'api', tier: 'T1', topic: 'down' };
  const slowApi = { alertname: 'ApiSlow', service: 'api', tier: 'T2', topic: 'slow-api' };
  const slowDb = { alertname: 'ApiSlow', service: 'db', tier: 'T2', topic: 'slow-db' };
  const errors = { alertname: 'ApiErrors', service: 'api', tier: 'T2', topic: 'errors' };

  it('mutes the T2 with equal labels while the T1 fires, not the one with different labels', () => {
    const ds = run(
      [alert(down, T, T + 10 * M), alert(slowApi, T), alert(slowDb, T), alert(errors, T + M, T + 4 * M)],
      { inhibit, untilMs: T + 20 * M },
    );
    expect(brief(ds).sort()).toEqual(
      [
        [0.5, 'klaxon', ['down=firing']],
        [0.5, 'klaxon', ['slow-db=firing']],
        // The source resolved at 10 m: at the 10.5 m flush it no longer mutes, and the T2 is new to the log.
        [10.5, 'klaxon', ['down=resolved']],
        [10.5, 'klaxon', ['slow-api=firing']],
        // ApiErrors fired and resolved while muted: its group never sends anything.
      ].sort(),
    );
  });

  it('lets an alert already firing at the start inhibit without ever being delivered itself', () => {
    const ds = run([alert(slowApi, T), alert(slowDb, T)], {
      inhibit,
      inhibitors: [alert(down, T - H, T + 20 * M)],
      untilMs: T + 30 * M,
    });
    expect(brief(ds)).toEqual([
      [0.5, 'klaxon', ['slow-db=firing']],
      [20.5, 'klaxon', ['slow-api=firing']],
    ]);
  });
});

describe('fingerprint', () => {
  it("is Alertmanager's own (values read from a real Alertmanager 0.25's /api/v2/alerts)", () => {
    expect(fingerprint({ alertname: 'Test' })).toBe('e46aaa9fcf75dd34');
    expect(
      fingerprint({ topic: 'orders', tier: 'T2', service: 'kafka', alertname: 'KafkaConsumerLag' }),
    ).toBe('4ef6892677c2a575');
    expect(fingerprint({ alertname: 'Ünïcode', x: 'é' })).toBe('130cf4c1e7e5c49c');
  });

  it('is what each delivered alert carries', () => {
    const [d] = run([alert({ alertname: 'Test' }, T)]);
    expect(d!.alerts[0]!.fingerprint).toBe('e46aaa9fcf75dd34');
  });
});
