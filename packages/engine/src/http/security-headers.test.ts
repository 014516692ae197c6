import { describe, expect, it } from 'vitest';
import { createHttp } from './server.ts';

const limits = {
  requestTimeoutMs: 10_000,
  headersTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  maxConnections: 100,
};

describe('security headers', () => {
  it('sends helmet’s headers on routes, errors, unknown paths and hijacked replies', async () => {
    const app = await createHttp({ bodyLimitBytes: 1024, limits, trustedProxies: [], apiVersion: 'test' });
    app.get('/ok', () => ({ ok: true }));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/raw', (_req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.raw.end('data: x\n\n');
    });
    for (const url of ['/ok', '/boom', '/nowhere', '/raw']) {
      const res = await app.inject(url);
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
    await app.close();
  });
});
