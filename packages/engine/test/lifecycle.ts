/**
 * Support for the process-level lifecycle tests (SIGTERM, rolling restart, backup and restore): `klaxon
 * serve` as a child process with its log captured, a fake Twilio that records every page with the
 * notification it belongs to, a config with short escalation steps paging through it, and a load client
 * that behaves like a load balancer in front of Alertmanager: round-robin over the replicas, and a
 * request refused (connection error, 503) is sent again to the next replica until one accepts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { json, KEYS, ONCALL_API_YAML, startFake, type FakeServer } from '@klaxon/testing';

const CLI = fileURLToPath(new URL('../../cli/bin/klaxon.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr (pino JSON lines at --log-level info). */
  log(): string;
  /** Resolves with the exit code (null when killed by a signal) once it has exited. */
  exited: Promise<number | null>;
  ready(timeoutMs?: number): Promise<void>;
  /** Sends SIGTERM; resolves with the exit code and how long the exit took. */
  terminate(): Promise<{ code: number | null; ms: number }>;
}

/** `klaxon serve` on `port`, with `database` a SQLite path or a postgres:// URL. */
export function serve(o: { configFile: string; port: number; database: string }): ServeProcess {
  const pg = /^postgres(ql)?:\/\//.test(o.database);
  const args = [CLI, 'serve', '--config', o.configFile, '--port', String(o.port), '--log-level', 'info'];
  if (!pg) args.push('--db', o.database);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, DATABASE_URL: pg ? o.database : '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${o.port}`;
  return {
    url,
    child,
    log: () => log,
    exited,
    async ready(timeoutMs = 90_000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`klaxon serve exited (${child.exitCode}):\n${log}`);
        const ok = await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await sleep(100);
      }
      throw new Error(`klaxon serve on ${url} not ready after ${timeoutMs} ms:\n${log}`);
    },
    async terminate() {
      const started = performance.now();
      child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Math.round(performance.now() - started) };
    },
  };
}

/** One page as the fake Twilio received it: the notification id comes from its StatusCallback URL. */
export interface ReceivedPage {
  notificationId: number;
  to: string;
}

/** A fake Twilio answering after `delayMs` (so calls are in flight when a replica stops). */
export async function fakeTwilio(delayMs = 50): Promise<FakeServer & { pages: () => ReceivedPage[] }> {
  const fake = await startFake(async (_req, res) => {
    await sleep(delayMs);
    json(res, 201, { sid: `SM${Math.random().toString(16).slice(2)}` });
  });
  return {
    ...fake,
    pages: () =>
      fake.requests.map((r) => {
        const form = new URLSearchParams(r.body);
        const id = /\/status\/(\d+)$/.exec(form.get('StatusCallback') ?? '')?.[1];
        if (!id) throw new Error(`a Twilio request without a notification id: ${r.body}`);
        return { notificationId: Number(id), to: form.get('To') ?? '' };
      }),
  };
}

/**
 * The on-call fixture (alice, then bob, then erin for T1) with steps of `stepSeconds`, every page one SMS
 * through the fake Twilio at `twilioUrl`, no rate limit, and the shutdown settings given.
 */
export function lifecycleYaml(o: {
  stepSeconds: number;
  twilioUrl: string;
  shutdownDelaySeconds?: number;
  shutdownTimeoutSeconds?: number;
}): string {
  return `${ONCALL_API_YAML.replaceAll(
    'escalateAfterMinutes: 5',
    `escalateAfterMinutes: ${o.stepSeconds / 60}`,
  ).replaceAll("start: '2026-03-30'", "start: '2020-01-06'")}
server: { publicUrl: 'http://klaxon.test', shutdownDelaySeconds: ${o.shutdownDelaySeconds ?? 0}, shutdownTimeoutSeconds: ${o.shutdownTimeoutSeconds ?? 15} }
notifications:
  providers: [{ id: twilio, type: twilio, accountSid: AC0123456789, authToken: test-auth-token, from: '+15550009999', baseUrl: '${o.twilioUrl}' }]
  rateLimits: {}
notificationDefaults: { high: [{ type: sms }], low: [{ type: sms }] }
`;
}

export type Outcome = number | string;

export interface Sent {
  key: string;
  /** Every attempt: the replica's URL and its status, or the network error's code. */
  attempts: { url: string; outcome: Outcome; at: number }[];
  /** Accepted (2xx) by some replica. */
  acked: boolean;
}

/**
 * Sends T1 PagerDuty events, each with a new dedup key (so each opens one incident), from `concurrency`
 * workers at most `perSecond` a second in all, to the replicas round-robin; a refused request goes to the
 * next replica after 50 ms, for at most `giveUpMs`.
 */
export class LoadClient {
  readonly sent: Sent[] = [];
  #running = false;
  #workers: Promise<void>[] = [];
  #next = 0;

  constructor(
    private readonly replicas: () => string[],
    private readonly o: { concurrency: number; perSecond: number; giveUpMs?: number; prefix?: string },
  ) {}

  start(): void {
    this.#running = true;
    const gapMs = (1000 * this.o.concurrency) / this.o.perSecond;
    this.#workers = Array.from({ length: this.o.concurrency }, async () => {
      while (this.#running) {
        const began = performance.now();
        await this.#send(this.#next++);
        await sleep(Math.max(0, gapMs - (performance.now() - began)));
      }
    });
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
  }

  async #send(n: number): Promise<void> {
    const key = `${this.o.prefix ?? 'load'}-${n}`;
    const record: Sent = { key, attempts: [], acked: false };
    this.sent.push(record);
    const deadline = performance.now() + (this.o.giveUpMs ?? 30_000);
    for (let attempt = 0; performance.now() < deadline; attempt++) {
      const urls = this.replicas();
      const url = urls[(n + attempt) % urls.length]!;
      const outcome = await post(url, key);
      record.attempts.push({ url, outcome, at: performance.now() });
      if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) {
        record.acked = true;
        return;
      }
      // Anything but "refused for now" is a bug the test must see, not retry away.
      if (typeof outcome === 'number' && outcome !== 503 && outcome !== 502) return;
      await sleep(50);
    }
  }
}

async function post(url: string, key: string): Promise<Outcome> {
  try {
    const res = await fetch(`${url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: KEYS.pagerduty,
        event_action: 'trigger',
        dedup_key: key,
        payload: { summary: `load ${key}`, source: 'lifecycle-test', severity: 'critical' },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? (err as Error).name;
  }
}

/** Polls `url`/readyz every `everyMs`, recording each status or network error code. */
export function pollReadiness(url: string, everyMs = 25) {
  const seen: { at: number; outcome: Outcome }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      let outcome: Outcome;
      try {
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        outcome = res.status;
      } catch (err) {
        outcome = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      }
      seen.push({ at: performance.now(), outcome });
      await sleep(everyMs);
    }
  })();
  return {
    seen,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

export const configPath = (dir: string) => join(dir, 'klaxon.yaml');
