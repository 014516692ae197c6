/**
 * Graceful shutdown in one process: the deadline runner on its own, then a real engine on a socket whose
 * /readyz turns 503 first, which finishes a request in flight, a provider call in flight and the engine's
 * cycle, does not wait for idle keep-alive connections, and reports what it abandoned at the deadline.
 */
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDatabase, KEYS, ONCALL_API_YAML, testConfig } from '@klaxon/testing';
import { ProviderRegistry } from '../delivery/registry.ts';
import type { NotificationProvider } from '../delivery/provider.ts';
import type { EngineModule } from '../engine/loop.ts';
import { startServer, type RunningServer } from './server.ts';
import { runShutdown } from './shutdown.ts';

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('runShutdown', () => {
  it('runs phases in order, the steps of a phase side by side', async () => {
    const log: string[] = [];
    const step = (name: string, ms: number) => ({
      name,
      run: async () => {
        log.push(`${name}:start`);
        await wait(ms);
        log.push(`${name}:end`);
      },
    });
    const report = await runShutdown([[step('a', 30), step('b', 10)], [step('c', 0)]], { timeoutMs: 1000 });
    expect(report).toMatchObject({ ok: true, abandoned: [], failed: [] });
    expect(log).toEqual(['a:start', 'b:start', 'b:end', 'a:end', 'c:start', 'c:end']);
  });

  it('stops waiting at the deadline and names what it abandoned and what never started', async () => {
    const started = performance.now();
    const report = await runShutdown(
      [
        [
          { name: 'fast', run: () => wait(1) },
          { name: 'stuck', run: () => new Promise<void>(() => {}), pending: () => '3 calls' },
        ],
        [{ name: 'database', run: () => wait(1) }],
      ],
      { timeoutMs: 150 },
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(report.ok).toBe(false);
    expect(report.abandoned).toEqual(['stuck (3 calls)', 'database (not started)']);
  });

  it('reports a step that throws and still runs the rest', async () => {
    let closed = false;
    const report = await runShutdown(
      [
        [{ name: 'http', run: () => Promise.reject(new Error('boom')) }],
        [{ name: 'database', run: () => Promise.resolve(void (closed = true)) }],
      ],
      { timeoutMs: 1000 },
    );
    expect(report).toMatchObject({ ok: false, failed: ['http: boom'], abandoned: [] });
    expect(closed).toBe(true);
  });
});

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A request on its own connection: the status, or the error's code (ECONNREFUSED, ECONNRESET). */
function get(url: string, agent?: Agent): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: agent ?? false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

const enqueue = (url: string, key: string) =>
  fetch(`${url}/v2/enqueue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      routing_key: KEYS.pagerduty,
      event_action: 'trigger',
      dedup_key: key,
      payload: { summary: key, source: 'test', severity: 'critical' },
    }),
  });

describe('a running engine shutting down', () => {
  it('answers 503 on /readyz during the delay while still serving, then closes the socket and exits cleanly', async () => {
    // A provider call that takes 400 ms is in flight when the shutdown begins.
    let sends = 0;
    let finished = 0;
    const slow: NotificationProvider = {
      id: 'slow',
      type: 'slow',
      channels: ['voice', 'sms', 'push', 'email'],
      async send() {
        sends++;
        await wait(400);
        finished++;
        return {};
      },
    };
    server = await startServer({
      config: testConfig(
        '',
        `${ONCALL_API_YAML}server: { shutdownDelaySeconds: 0.5, shutdownTimeoutSeconds: 5 }\nnotifications: { rateLimits: {} }\n`,
      ),
      database: await freshDatabase('sqlite'),
      port: 0,
      registry: new ProviderRegistry([slow]),
    });
    const url = server.url;
    // An idle keep-alive connection must not hold the shutdown open.
    const agent = new Agent({ keepAlive: true });
    expect(await get(`${url}/healthz`, agent)).toBe(200);
    expect((await enqueue(url, 'first')).status).toBe(202);
    await expect.poll(() => sends, { timeout: 5000 }).toBeGreaterThan(0);

    const started = performance.now();
    const stopping = server.shutdown();
    expect(await get(`${url}/readyz`)).toBe(503);
    // Still serving during the delay: the load balancer has not caught up yet.
    expect((await enqueue(url, 'during-delay')).status).toBe(202);
    expect(await get(`${url}/healthz`)).toBe(200);
    const report = await stopping;
    const elapsed = performance.now() - started;
    expect(report).toMatchObject({ ok: true, abandoned: [], failed: [] });
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed, 'the idle keep-alive connection did not hold it open').toBeLessThan(3000);
    expect(finished, 'every provider call in flight finished').toBe(sends);
    expect(await get(`${url}/readyz`)).toBe('ECONNREFUSED');
    agent.destroy();
  });

  it('gives up at the deadline and names the engine cycle it abandoned', async () => {
    let release: () => void = () => {};
    const stuck: EngineModule = {
      name: 'stuck',
      tick: () => new Promise<void>((r) => (release = r)),
    };
    server = await startServer({
      config: testConfig('server: { shutdownTimeoutSeconds: 0.3 }\n'),
      database: await freshDatabase('sqlite'),
      port: 0,
      modules: [stuck],
    });
    await wait(100); // the first cycle is now inside the stuck module
    const report = await server.shutdown();
    expect(report.ok).toBe(false);
    expect(report.abandoned).toContain('engine (the current cycle)');
    expect(report.abandoned).toContain('database (not started)');
    expect(report.elapsedMs).toBeLessThan(1000);
    release();
  });
});
