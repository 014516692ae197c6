/**
 * The phone test's fixtures: the engine config (three people paged by push on the browsers they enable, a
 * weekly rotation, a Web Push provider pointed at a local push service), that push service, the alert that
 * pages, and the notification shade drawn for the screenshot.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { WEB_DIR } from './harness.ts';

export const ADMIN_TOKEN = 'phone-test-admin-token-0123456789';
export const AM_KEY = 'phone-test-am-key-0123456789abcdef';

const person = (id: string, name: string, role: string, hash: string) =>
  `{ id: ${id}, name: ${name}, email: ${id}@example.com, role: ${role}, passwordHash: '${hash}', contactMethods: [{ type: push, address: devices }], notificationRules: { low: [{ type: push }], high: [{ type: push }] } }`;

export function configYaml(
  enginePort: number,
  vapid: { publicKey: string; privateKey: string },
  hash: string,
): string {
  return `
server: { publicUrl: 'http://localhost:${enginePort}' }
auth: { loginAttemptsPerMinute: 100 }
users:
  - ${person('alice', 'Alice Moreau', 'responder', hash)}
  - ${person('bob', 'Bob Okafor', 'responder', hash)}
  - ${person('erin', 'Erin Walsh', 'admin', hash)}
teams:
  - { id: platform, name: Platform, members: [alice, bob], lead: erin }
services:
  - { id: kafka, name: Kafka, team: platform, defaultTier: T2 }
schedules:
  - id: primary
    name: Primary on-call
    timezone: UTC
    team: platform
    layers:
      - { name: weekly, users: [alice, bob], rotation: { type: weekly, start: '2026-11-02', handoffTime: '09:00' } }
escalationPolicies:
  - { id: alice-first, name: Alice first, steps: [{ targets: [{ user: alice }] }] }
tiers:
  T1: { name: Critical, urgency: high, pages: true, escalationPolicy: alice-first }
  T2: { name: Warning, urgency: low, pages: true, escalationPolicy: alice-first }
  T3: { name: Advisory, urgency: none, pages: false }
notifications:
  providers:
    # The test's own push service on 127.0.0.1, over http: allowed here only.
    - { id: push, type: webpush, publicKey: '${vapid.publicKey}', privateKey: '${vapid.privateKey}', subject: 'mailto:oncall@example.com', endpointHosts: ['127.0.0.1'], allowInsecureEndpoints: true }
integrationKeys:
  - { key: '${AM_KEY}', name: am, service: kafka, source: alertmanager, routeByLabel: service }
apiTokens:
  - { name: phone-test-admin, token: '${ADMIN_TOKEN}', role: admin }
`;
}

export interface PushRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A push service as the browser's vendor runs it, reduced to "store what was POSTed, answer 201". */
export async function startPushService(port: number): Promise<{ server: Server; received: PushRequest[] }> {
  const received: PushRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201, { location: `http://127.0.0.1:${port}/messages/${received.length}` });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, received };
}

/** Alertmanager's webhook for a T2 on Kafka, firing at `at`. */
export function lagAlert(at: number) {
  const labels = { alertname: 'KafkaConsumerLag', service: 'kafka' };
  const annotations = { summary: 'Consumer group payments lagging 9 min' };
  return {
    version: '4',
    groupKey: '{}:{alertname="KafkaConsumerLag"}',
    status: 'firing',
    receiver: 'klaxon',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: 'http://alertmanager.example',
    alerts: [
      {
        status: 'firing',
        labels: { ...labels, tier: 'T2' },
        annotations,
        startsAt: new Date(at).toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example/graph',
        fingerprint: 'phone-lag',
      },
    ],
  };
}

/**
 * A phone's notification shade showing `shown` (what the service worker's `getNotifications()` returned):
 * headless Chromium draws no system notifications, so the screenshot draws these from their own data.
 */
export function notificationShade(shown: { title: string; body: string; actions: string[] }[], at: number) {
  const labels: Record<string, string> = { acknowledge: 'Acknowledge', resolve: 'Resolve', open: 'Open' };
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const icon = `data:image/png;base64,${readFileSync(join(WEB_DIR, 'public/icon-192.png')).toString('base64')}`;
  const captions = [
    'The page, as the service worker showed it',
    'After tapping Acknowledge (same tag: it replaces the page)',
  ];
  const cards = shown.map((n, i) => {
    const buttons = n.actions.map((a) => `<span>${labels[a] ?? a}</span>`).join('');
    return `<p class="cap">${captions[i] ?? ''}</p><div class="n"><div class="app"><img src="${icon}" alt="">Klaxon · now</div>
<div class="t">${esc(n.title)}</div><div class="b">${esc(n.body)}</div>${buttons ? `<div class="a">${buttons}</div>` : ''}</div>`;
  });
  return `<!doctype html><meta name="viewport" content="width=device-width">
<style>body{margin:0;font:15px system-ui,sans-serif;background:linear-gradient(#1e293b,#0f172a);min-height:100vh;padding:48px 12px}
.clock{color:#fff;font-size:64px;font-weight:300;text-align:center;margin-bottom:12px}
.n{background:#f8fafc;border-radius:22px;padding:14px 16px;margin-bottom:12px;box-shadow:0 2px 8px #0006}
.app{display:flex;gap:6px;align-items:center;color:#475569;font-size:12px}.app img{width:18px;height:18px;border-radius:5px}
.t{font-weight:700;margin:6px 0 2px}.b{color:#334155;white-space:pre-line;max-height:6.2em;overflow:hidden}
.a{display:flex;gap:18px;margin-top:10px}.a span{color:#b91c1c;font-weight:700}
.cap{color:#cbd5e1;font-size:12px;margin:18px 6px 6px}</style>
<div class="clock">${new Date(at).toISOString().slice(11, 16)}</div>${cards.join('')}`;
}
