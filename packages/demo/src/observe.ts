/**
 * Watches the running system from the outside, the way a person would: Prometheus's alerts, what
 * Alertmanager routed, the engine's incidents, and the outbox every message lands in. It turns what it
 * sees into a feed (fault → alert pending/firing → routed → incident → page → escalation → ack) and
 * keeps the record the game days assert on.
 */
import { open } from 'node:fs/promises';
import { actorName } from './actor.ts';
import type { Stack } from './stack.ts';

export type FeedKind =
  | 'fault'
  | 'action'
  | 'pending'
  | 'firing'
  | 'cleared'
  | 'routed'
  | 'incident'
  | 'page'
  | 'escalation'
  | 'message'
  | 'ack'
  | 'resolved';

export interface FeedEvent {
  /** ms since the epoch */
  at: number;
  kind: FeedKind;
  text: string;
  tier?: string;
}

export interface AlertRecord {
  key: string;
  alertname: string;
  tier: string;
  labels: Record<string, string>;
  firstPendingAt: number | null;
  firstFiringAt: number | null;
  /** Times the condition became true (pending or firing), each a page in an every-alert-pages setup. */
  episodes: number;
  state: 'inactive' | 'pending' | 'firing';
}

export interface Delivery {
  at: number;
  notificationId: number;
  kind: string;
  channel: string;
  to: string;
  incidentId: number | null;
  subject: string;
  /** Filled from the engine's incident record. */
  user: string | null;
  step: number | null;
  tier: string | null;
  actions: { acknowledge?: string; resolve?: string }; // signed one-tap links: POST acts as the person
  /** The message as sent (a push's body, an SMS's short form). */
  text: string;
}

export interface IncidentRecord {
  id: number;
  tier: string;
  service: string;
  title: string;
  state: string;
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  notifications: { id: number; user: string; channel: string; step: number | null }[];
}

/** Channels that wake a person: a page. */
export const PAGING_CHANNELS = new Set(['voice', 'sms', 'push']);

const labelText = (l: Record<string, string>) =>
  Object.entries(l)
    .filter(([k]) => !['alertname', 'tier', 'severity', 'service', 'team'].includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function alertKey(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => k !== 'alertstate')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** One line of the engine's outbox file: a delivery as the engine wrote it. */
type OutboxLine = Pick<Delivery, 'notificationId' | 'kind' | 'channel' | 'to' | 'subject'> & {
  at: string;
  incident: number | null;
  actions?: Delivery['actions'];
  text?: string;
};

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}
interface AmAlert {
  labels: Record<string, string>;
  receivers: { name: string }[];
  status: { state: string };
}
interface IncidentDto {
  id: number;
  tier: string;
  service: string;
  title: string;
  state: string;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export class Observer {
  readonly alerts = new Map<string, AlertRecord>();
  readonly routed = new Map<string, number>();
  readonly incidents = new Map<number, IncidentRecord>();
  readonly deliveries: Delivery[] = [];
  readonly feed: FeedEvent[] = [];
  /** Errors while polling (a stopped Prometheus is expected in the outage scenario). */
  pollErrors = 0;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #outboxOffset = 0;
  #pending: OutboxLine[] = [];
  #seenUpdate = new Map<number, string>();
  #users = new Map<string, string>();

  constructor(
    private readonly stack: Stack,
    private readonly now: () => number,
    private readonly onEvent: (e: FeedEvent) => void = () => {},
    private readonly everyMs = 500,
  ) {
    for (const u of stack.config.users) for (const c of u.contactMethods) this.#users.set(c.address, u.id);
  }

  emit(kind: FeedKind, text: string, tier?: string): void {
    const e: FeedEvent = { at: this.now(), kind, text, ...(tier ? { tier } : {}) };
    this.feed.push(e);
    this.onEvent(e);
  }

  start(): void {
    const loop = () => {
      this.#running = this.poll().finally(() => {
        if (this.#timer !== null) this.#timer = setTimeout(loop, this.everyMs);
      });
    };
    this.#timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** One look at everything; also called once more at the end so nothing delivered is missed. */
  async poll(): Promise<void> {
    await Promise.all([
      this.#pollPrometheus().catch(() => void this.pollErrors++),
      this.#pollAlertmanager().catch(() => void this.pollErrors++),
    ]);
    await this.#pollEngine().catch(() => void this.pollErrors++);
    await this.#pollOutbox();
  }

  async #get<T>(url: string, token?: string): Promise<T> {
    const res = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  async #pollPrometheus(): Promise<void> {
    const body = await this.#get<{ data: { alerts: PromAlert[] } }>(
      `${this.stack.urls.prometheus}/api/v1/alerts`,
    );
    const t = this.now();
    const active = new Set<string>();
    for (const a of body.data.alerts) {
      const key = alertKey(a.labels);
      active.add(key);
      let rec = this.alerts.get(key);
      if (!rec) {
        rec = {
          key,
          alertname: a.labels.alertname ?? '',
          tier: a.labels.tier ?? '',
          labels: a.labels,
          firstPendingAt: null,
          firstFiringAt: null,
          episodes: 0,
          state: 'inactive',
        };
        this.alerts.set(key, rec);
      }
      if (rec.state === 'inactive') rec.episodes++;
      if (a.state === 'pending' && rec.state !== 'pending') {
        rec.firstPendingAt ??= t;
        if (rec.alertname !== 'Watchdog')
          this.emit(
            'pending',
            `alert ${rec.alertname} [${rec.tier}] pending (${labelText(a.labels)})`,
            rec.tier,
          );
      }
      if (a.state === 'firing' && rec.state !== 'firing') {
        rec.firstFiringAt ??= t;
        if (rec.alertname !== 'Watchdog')
          this.emit(
            'firing',
            `alert ${rec.alertname} [${rec.tier}] FIRING (${labelText(a.labels)})`,
            rec.tier,
          );
      }
      rec.state = a.state;
    }
    for (const rec of this.alerts.values()) {
      if (rec.state !== 'inactive' && !active.has(rec.key)) {
        if (rec.state === 'firing' && rec.alertname !== 'Watchdog')
          this.emit('cleared', `alert ${rec.alertname} [${rec.tier}] cleared`, rec.tier);
        if (rec.state === 'pending')
          this.emit(
            'cleared',
            `alert ${rec.alertname} [${rec.tier}] gone before its for: elapsed (noise: no page)`,
            rec.tier,
          );
        rec.state = 'inactive';
      }
    }
  }

  async #pollAlertmanager(): Promise<void> {
    const alerts = await this.#get<AmAlert[]>(`${this.stack.urls.alertmanager}/api/v2/alerts`);
    for (const a of alerts) {
      const key = alertKey(a.labels);
      if (this.routed.has(key) || a.status.state !== 'active') continue;
      this.routed.set(key, this.now());
      if (a.labels.alertname === 'Watchdog') continue;
      this.emit(
        'routed',
        `Alertmanager routed ${a.labels.alertname} [${a.labels.tier}] → ${a.receivers.map((r) => r.name).join(', ')}`,
        a.labels.tier,
      );
    }
  }

  async #pollEngine(): Promise<void> {
    const { incidents } = await this.#get<{ incidents: IncidentDto[] }>(
      `${this.stack.urls.engine}/api/v1/incidents?limit=100`,
      this.stack.tokens.viewer,
    );
    for (const inc of incidents) {
      if (this.#seenUpdate.get(inc.id) === inc.updatedAt && this.incidents.has(inc.id)) continue;
      const detail = await this.#get<{
        incident: IncidentDto;
        notifications: { id: number; user: string; channel: string; step: number | null }[];
      }>(`${this.stack.urls.engine}/api/v1/incidents/${inc.id}`, this.stack.tokens.viewer);
      this.#seenUpdate.set(inc.id, inc.updatedAt);
      const prev = this.incidents.get(inc.id);
      const rec: IncidentRecord = {
        id: inc.id,
        tier: inc.tier,
        service: inc.service,
        title: inc.title,
        state: inc.state,
        createdAt: Date.parse(inc.createdAt),
        acknowledgedAt: inc.acknowledgedAt ? Date.parse(inc.acknowledgedAt) : null,
        acknowledgedBy: inc.acknowledgedBy,
        notifications: detail.notifications,
      };
      this.incidents.set(inc.id, rec);
      if (!prev)
        this.emit(
          'incident',
          `incident #${inc.id} opened [${inc.tier}] ${inc.service}: ${inc.title}`,
          inc.tier,
        );
      else if (prev.tier !== inc.tier)
        this.emit('incident', `incident #${inc.id} raised to ${inc.tier}: ${inc.title}`, inc.tier);
      if (inc.state === 'acknowledged' && prev?.state !== 'acknowledged')
        this.emit(
          'ack',
          `incident #${inc.id} acknowledged by ${actorName(this.stack.config.users, inc.acknowledgedBy)} — escalation stops`,
          inc.tier,
        );
      if (inc.state === 'resolved' && prev?.state !== 'resolved')
        this.emit('resolved', `incident #${inc.id} resolved`, inc.tier);
    }
  }

  async #pollOutbox(): Promise<void> {
    const fh = await open(this.stack.outbox, 'r');
    let text: string;
    try {
      const { size } = await fh.stat();
      if (size <= this.#outboxOffset) return;
      const buf = Buffer.alloc(size - this.#outboxOffset);
      await fh.read(buf, 0, buf.length, this.#outboxOffset);
      const end = buf.lastIndexOf(0x0a);
      if (end < 0) return;
      this.#outboxOffset += end + 1;
      text = buf.subarray(0, end).toString('utf8');
    } finally {
      await fh.close();
    }
    for (const line of text.split('\n').filter(Boolean)) this.#pending.push(JSON.parse(line) as OutboxLine);
    this.#resolvePending(false);
  }

  /**
   * Turns outbox lines into deliveries, in order, once the engine's record of the incident names who and
   * which escalation step each one was for. A line whose notification the engine has not shown us yet
   * waits for the next look (up to 15 s, or until `finish`).
   */
  #resolvePending(force: boolean): void {
    while (this.#pending.length > 0) {
      const m = this.#pending[0]!;
      const inc = m.incident === null ? undefined : this.incidents.get(m.incident);
      const n = inc?.notifications.find((x) => x.id === m.notificationId);
      if (m.incident !== null && !n && !force) {
        this.#seenUpdate.delete(m.incident);
        if (this.now() - Date.parse(m.at) < 15_000) return;
      }
      this.#pending.shift();
      const d: Delivery = {
        at: Date.parse(m.at),
        notificationId: m.notificationId,
        kind: m.kind,
        channel: m.channel,
        to: m.to,
        incidentId: m.incident,
        subject: m.subject,
        user: n?.user || this.#users.get(m.to) || null,
        step: n?.step ?? null,
        tier: inc?.tier ?? null,
        actions: m.actions ?? {},
        text: m.text ?? '',
      };
      this.deliveries.push(d);
      this.#announce(d);
    }
  }

  /** A last, complete look: every incident read again, every outbox line resolved. */
  async finish(): Promise<void> {
    this.#seenUpdate.clear();
    await this.poll();
    this.#resolvePending(true);
  }

  #announce(d: Delivery): void {
    if (d.kind === 'page' && PAGING_CHANNELS.has(d.channel) && d.user) {
      const first = !this.deliveries.some(
        (x) =>
          x !== d &&
          x.incidentId === d.incidentId &&
          x.user === d.user &&
          x.step === d.step &&
          PAGING_CHANNELS.has(x.channel),
      );
      if (!first) return;
      const kind: FeedKind = d.step !== null && d.step > 0 ? 'escalation' : 'page';
      const who = d.step === null ? '' : ` (escalation step ${d.step + 1})`;
      this.emit(
        kind,
        `${kind === 'escalation' ? 'ESCALATED' : 'PAGE'} → ${d.user} by ${d.channel}${who} for incident #${d.incidentId} [${d.tier}]`,
        d.tier ?? undefined,
      );
    } else if (d.kind === 'page') {
      const tier = /^\[(T[123])\]/.exec(d.subject)?.[1] ?? d.tier ?? '';
      const who = d.user ? `${d.user} by ${d.channel}` : `${d.channel} ${d.to}`;
      const note = tier === 'T3' ? ' (advisory: pages nobody)' : '';
      this.emit('message', `${tier} message → ${who}${note}: ${d.subject}`, tier || undefined);
    }
  }

  /** Pages: distinct (incident, person, escalation step) reached on a channel that wakes people. */
  pages(): Delivery[] {
    const seen = new Set<string>();
    return this.deliveries.filter((d) => {
      if (d.kind !== 'page' || !PAGING_CHANNELS.has(d.channel)) return false;
      const k = `${d.incidentId}/${d.user}/${d.step}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
}
