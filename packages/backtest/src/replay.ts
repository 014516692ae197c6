/**
 * The engine, replayed on a simulated clock: the real ingest, incident state machine, tier policies,
 * maintenance windows, schedules, escalation and notification rules (the engine's own `buildApp` and
 * modules over an in-memory SQLite), fed the webhooks Alertmanager would have sent. Delivery goes to a
 * recording provider; nothing leaves the process. The clock jumps from one due thing to the next (a
 * webhook, an escalation step, a queued notification, an acknowledgement), so a quiet month costs nothing.
 */
import { randomBytes } from 'node:crypto';
import {
  buildApp,
  createDatabase,
  EngineLoop,
  FakeClock,
  ProviderRegistry,
  standardModules,
  type KlaxonConfig,
  type NotificationProvider,
} from '@klaxon/engine';
import type { Delivery } from './dispatch.ts';
import { BacktestInputError } from './time.ts';

export interface ReplayedIncident {
  id: number;
  alert: string;
  service: string;
  tier: string;
  openedAtMs: number;
  resolvedAtMs: number | null;
  maintenance: boolean;
  /** Each re-opening (the alert fired again within the re-open window): escalation starts over. */
  reopenedAtMs: number[];
}

export interface ReplayedPage {
  incident: number;
  person: string;
  channel: string;
  atMs: number;
}

export interface ReplayResult {
  incidents: ReplayedIncident[];
  pages: ReplayedPage[];
  rejected: { atMs: number; status: number; body: string }[];
}

const PAGE_STATES = ['sent', 'delivered'] as const;

export async function replayEngine(o: {
  config: KlaxonConfig;
  deliveries: readonly Delivery[];
  fromMs: number;
  untilMs: number;
  ackAfterMs: number | null;
  onProgress?: (done: number, total: number) => void;
}): Promise<ReplayResult> {
  const key = o.config.integrationKeys.find((k) => k.source === 'alertmanager');
  if (!key)
    throw new BacktestInputError(
      'no_alertmanager_key',
      'the engine config has no integration key with source: alertmanager, so no Alertmanager webhook could reach it; add one (integrationKeys[]) or pass the config your engine runs',
    );
  const adminToken = randomBytes(24).toString('hex');
  const config: KlaxonConfig = {
    ...o.config,
    apiTokens: [...o.config.apiTokens, { name: 'backtest', token: adminToken, role: 'admin' }],
  };
  const store = createDatabase({ dialect: 'sqlite', path: ':memory:' });
  await store.migrate();
  const clock = new FakeClock(o.fromMs);
  const capture: NotificationProvider = {
    id: 'backtest',
    type: 'backtest',
    channels: ['voice', 'sms', 'push', 'email', 'slack', 'webhook', 'pagerduty'],
    send: (msg) => Promise.resolve({ providerId: `backtest-${msg.notificationId}` }),
  };
  const registry = new ProviderRegistry([capture]);
  const standard = standardModules(config, store, { clock, registry, random: () => 0.5 });
  // Heartbeats, handoff notices and Grafana annotations are not pages: the backtest leaves them out.
  const modules = standard.modules.filter((m) => m.name === 'escalation' || m.name === 'delivery');
  const built = await buildApp({ config, store, clock, processMetrics: false, registry, logger: false });
  const loop = new EngineLoop({ store, clock, modules, intervalMs: 1000 });
  const db = store.db;
  const rejected: ReplayResult['rejected'] = [];
  const acks = new Map<number, number>(); // incident → when it is acknowledged
  let lastPageId = 0;

  const cycle = async () => {
    await loop.runOnce();
    await standard.delivery?.drain();
    if (o.ackAfterMs === null) return;
    const pages = await db
      .selectFrom('notifications')
      .select(['id', 'incident_id', 'sent_at'])
      .where('kind', '=', 'page')
      .where('status', 'in', PAGE_STATES)
      .where('id', '>', lastPageId)
      .orderBy('id')
      .execute();
    for (const p of pages) {
      lastPageId = Math.max(lastPageId, p.id);
      if (p.incident_id === null || p.sent_at === null || acks.has(p.incident_id)) continue;
      acks.set(p.incident_id, p.sent_at + o.ackAfterMs);
    }
  };
  const nextDue = async (): Promise<number | null> => {
    const esc = await db
      .selectFrom('escalations')
      .select((eb) => eb.fn.min('next_at').as('at'))
      .where('state', 'in', ['active', 'waiting_ack'])
      .executeTakeFirst();
    const note = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.min('due_at').as('at'))
      .where('status', '=', 'queued')
      .executeTakeFirst();
    const times = [esc?.at, note?.at, ...acks.values()].filter(
      (t): t is number => typeof t === 'number' && Number.isFinite(t),
    );
    return times.length > 0 ? Math.min(...times) : null;
  };
  const acknowledgeDue = async (now: number) => {
    for (const [incident, at] of [...acks]) {
      if (at > now) continue;
      acks.delete(incident);
      await built.app.inject({
        method: 'POST',
        url: `/api/v1/incidents/${incident}/acknowledge`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
    }
  };
  /** Runs everything due before `until` (exclusive), jumping the clock between due times. */
  const runUntil = async (until: number) => {
    for (let guard = 0; guard < 100_000; guard++) {
      const due = await nextDue();
      if (due === null || due >= until) return;
      const now = clock.now().getTime();
      clock.set(Math.max(due, now + (due <= now ? 1000 : 0)));
      await acknowledgeDue(clock.now().getTime());
      await cycle();
    }
  };

  try {
    let done = 0;
    for (const d of o.deliveries) {
      await runUntil(d.atMs);
      if (d.atMs > clock.now().getTime()) clock.set(d.atMs);
      const res = await built.app.inject({
        method: 'POST',
        url: '/api/v1/ingest/alertmanager',
        headers: { authorization: `Bearer ${key.key}` },
        payload: {
          version: '4',
          groupKey: d.groupKey,
          truncatedAlerts: 0,
          status: d.alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
          receiver: d.receiver,
          groupLabels: d.groupLabels,
          commonLabels: {},
          commonAnnotations: {},
          externalURL: 'http://alertmanager.backtest',
          alerts: d.alerts.map((a) => ({ ...a, generatorURL: '' })),
        },
      });
      if (res.statusCode >= 300) rejected.push({ atMs: d.atMs, status: res.statusCode, body: res.body });
      await cycle();
      o.onProgress?.(++done, o.deliveries.length);
    }
    await runUntil(o.untilMs + 1);
    return { ...(await collect(db)), rejected };
  } finally {
    await built.app.close();
    await store.close();
  }
}

async function collect(db: ReturnType<typeof createDatabase>['db']): Promise<Omit<ReplayResult, 'rejected'>> {
  const rows = await db
    .selectFrom('incidents')
    .select(['id', 'service_id', 'tier', 'created_at', 'resolved_at'])
    .orderBy('id')
    .execute();
  const alertRows = await db
    .selectFrom('alerts')
    .select(['incident_id', 'labels'])
    .where('incident_id', 'is not', null)
    .orderBy('id')
    .execute();
  const alertOf = new Map<number, string>();
  for (const a of alertRows) {
    if (a.incident_id === null || alertOf.has(a.incident_id)) continue;
    const labels = JSON.parse(a.labels) as Record<string, string>;
    alertOf.set(a.incident_id, Object.hasOwn(labels, 'alertname') ? labels.alertname! : '(unnamed)');
  }
  const held = await db
    .selectFrom('incident_events')
    .select('incident_id')
    .where('kind', '=', 'maintenance.suppressed')
    .execute();
  const inMaintenance = new Set(held.map((h) => h.incident_id));
  const reopens = new Map<number, number[]>();
  for (const e of await db
    .selectFrom('incident_events')
    .select(['incident_id', 'at'])
    .where('kind', '=', 'incident.reopened')
    .orderBy('at')
    .execute())
    reopens.set(e.incident_id, [...(reopens.get(e.incident_id) ?? []), e.at]);
  const pages = await db
    .selectFrom('notifications')
    .select(['incident_id', 'user_id', 'channel', 'sent_at'])
    .where('kind', '=', 'page')
    .where('status', 'in', PAGE_STATES)
    .orderBy('sent_at')
    .execute();
  return {
    incidents: rows.map((r) => ({
      id: r.id,
      alert: alertOf.get(r.id) ?? '(unnamed)',
      service: r.service_id,
      tier: r.tier,
      openedAtMs: r.created_at,
      resolvedAtMs: r.resolved_at,
      maintenance: inMaintenance.has(r.id),
      reopenedAtMs: reopens.get(r.id) ?? [],
    })),
    pages: pages
      .filter((p) => p.incident_id !== null && p.sent_at !== null)
      .map((p) => ({ incident: p.incident_id!, person: p.user_id, channel: p.channel, atMs: p.sent_at! })),
  };
}
